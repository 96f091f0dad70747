package org.messageexport.adapter.opensearch;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import org.messageexport.adapter.search.SearchFailures;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch._types.SortOptions;
import org.opensearch.client.opensearch._types.SortOrder;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.transport.TransportException;

/** What both OpenSearch adapters share: the error mapping of the client's exceptions, and value conversions. */
final class OpenSearchRequests {
    private OpenSearchRequests() {}

    @FunctionalInterface
    interface OsCall<T> {
        T call() throws IOException;
    }

    /** Vendor errors to the port's ({@link SearchFailures}); the client's TransportException carries no status. */
    static <T> T call(String what, OsCall<T> action) {
        try {
            return Objects.requireNonNull(action.call(), what);
        } catch (OpenSearchException e) {
            throw SearchFailures.of(what, e.status(), e.getMessage(), e);
        } catch (TransportException e) {
            throw SearchFailures.unreachable(what, e);
        } catch (IOException e) {
            throw SearchFailures.unreachable(what, e);
        }
    }

    /** A cursor's or hit's sort value (Long, Double, String, Boolean) back to the client's type. */
    static FieldValue fieldValue(Object v) {
        if (v == null) {
            return FieldValue.NULL;
        }
        if (v instanceof Long || v instanceof Integer) {
            return FieldValue.of(((Number) v).longValue());
        }
        if (v instanceof Number n) {
            return FieldValue.of(n.doubleValue());
        }
        if (v instanceof Boolean b) {
            return FieldValue.of(b);
        }
        return FieldValue.of(v.toString());
    }

    static List<FieldValue> fieldValues(List<Object> values) {
        return values.stream().map(OpenSearchRequests::fieldValue).toList();
    }

    static List<Object> plain(List<FieldValue> values) {
        return values.stream().map(FieldValue::_get).toList();
    }

    static SortOptions ascending(String field) {
        return SortOptions.of(o -> o.field(f -> f.field(field).order(SortOrder.Asc)));
    }

    static Query terms(String field, List<String> ids) {
        List<FieldValue> values = ids.stream().map(FieldValue::of).toList();
        return Query.of(q -> q.terms(t -> t.field(field).terms(v -> v.value(values))));
    }
}
