package org.messageexport.adapter.opensearch;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.messageexport.port.IndexSchema;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch.core.FieldCapsResponse;
import org.opensearch.client.opensearch.core.field_caps.FieldCapability;
import org.opensearch.client.transport.TransportOptions;

/**
 * {@link IndexSchema} by OpenSearch's field capabilities API (aliases, patterns and multi-fields resolved by the
 * cluster), as {@code ElasticsearchIndexSchema} on Elasticsearch. Pseudo-types of unmapped fields ({@code unmapped})
 * and of objects ({@code object}, {@code nested}) do not count as a mapping of the field.
 */
public final class OpenSearchIndexSchema implements IndexSchema {
    private static final Set<String> NOT_A_VALUE = Set.of("unmapped", "object", "nested");

    private final OpenSearchClient client;

    public OpenSearchIndexSchema(OpenSearchClient client) {
        this.client = client;
    }

    @Override
    public Optional<Map<String, Set<String>>> fieldTypes(String index, Collection<String> fields) {
        FieldCapsResponse response;
        try {
            // OpenSearch reads the fields from the query string only (the client sends them in the body)
            TransportOptions base = client._transportOptions() != null
                    ? client._transportOptions()
                    : client._transport().options();
            OpenSearchClient withFields =
                    client.withTransportOptions(base.with(o -> o.setParameter("fields", String.join(",", fields))));
            response = OpenSearchRequests.call(
                    "field capabilities of " + index,
                    () -> withFields.fieldCaps(f -> f.index(index).ignoreUnavailable(false)));
        } catch (RuntimeException e) {
            if (e.getCause() instanceof OpenSearchException os && os.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
        if (response.indices().isEmpty()) {
            return Optional.empty();
        }
        Map<String, Set<String>> out = new HashMap<>();
        for (Map.Entry<String, Map<String, FieldCapability>> field :
                response.fields().entrySet()) {
            Set<String> types = new TreeSet<>(field.getValue().keySet());
            types.removeAll(NOT_A_VALUE);
            if (!types.isEmpty()) {
                out.put(field.getKey(), types);
            }
        }
        return Optional.of(out);
    }
}
