package org.messageexport.adapter.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.MgetResponse;
import co.elastic.clients.elasticsearch.core.MsearchResponse;
import co.elastic.clients.elasticsearch.core.SearchRequest;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.mget.MultiGetResponseItem;
import co.elastic.clients.elasticsearch.core.msearch.MultiSearchResponseItem;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.messageexport.adapter.search.SearchHit;
import org.messageexport.adapter.search.SearchMessageDocuments;
import org.messageexport.config.ElasticsearchConfig;
import org.messageexport.domain.SideCollection;
import org.messageexport.port.TransientException;

/** {@link SearchMessageDocuments}' requests on the Elasticsearch Java client. */
public final class ElasticsearchMessageDocuments extends SearchMessageDocuments {
    private final ElasticsearchClient client;

    public ElasticsearchMessageDocuments(
            ElasticsearchClient client, ElasticsearchConfig config, List<SideCollection> collections) {
        this(client, config, collections, PAGE);
    }

    /** {@code pageSize} below {@value #PAGE} only to exercise paging in tests. */
    ElasticsearchMessageDocuments(
            ElasticsearchClient client, ElasticsearchConfig config, List<SideCollection> collections, int pageSize) {
        super(config, collections, pageSize, "es-side-");
        this.client = client;
    }

    @Override
    protected List<SearchHit> multiGet(String index, List<String> ids) {
        MgetResponse<ObjectNode> response =
                call("mget " + index, () -> client.mget(m -> m.index(index).ids(ids), ObjectNode.class));
        List<SearchHit> out = new ArrayList<>();
        for (MultiGetResponseItem<ObjectNode> item : response.docs()) {
            if (item.isFailure()) {
                throw new TransientException(
                        "mget " + index + " failed for " + item.failure().id() + ": "
                                + item.failure().error().reason(),
                        null);
            }
            var r = item.result();
            if (r.found()) {
                out.add(new SearchHit(r.id(), r.index(), r.source(), List.of()));
            }
        }
        return out;
    }

    @Override
    protected Hits search(TermsSearch search) {
        SearchResponse<ObjectNode> response = call(
                "search " + search.index(),
                () -> client.search(s -> request(s.index(search.index()), search), ObjectNode.class));
        return hits(response);
    }

    @Override
    protected List<MultiSearchItem> multiSearch(List<TermsSearch> searches) {
        MsearchResponse<ObjectNode> response = call(
                "msearch side collections",
                () -> client.msearch(
                        ms -> {
                            for (TermsSearch t : searches) {
                                ms.searches(s -> s.header(h -> h.index(t.index()))
                                        .body(b -> b.query(terms(t.field(), t.values()))
                                                .size(t.size())
                                                .trackTotalHits(tt -> tt.enabled(false))
                                                .sort(o -> o.field(f ->
                                                        f.field(t.sortField()).order(SortOrder.Asc)))));
                            }
                            return ms;
                        },
                        ObjectNode.class));
        List<MultiSearchItem> out = new ArrayList<>();
        for (MultiSearchResponseItem<ObjectNode> item : response.responses()) {
            if (item.isFailure()) {
                out.add(new MultiSearchItem(
                        null, item.failure().status(), item.failure().error().reason()));
            } else {
                var r = item.result();
                out.add(new MultiSearchItem(
                        new Hits(convert(r.hits().hits()), r.shards().failed().intValue(), null), 0, null));
            }
        }
        return out;
    }

    @Override
    protected String openPointInTime(String index) {
        return call(
                        "open point in time on " + index,
                        () -> client.openPointInTime(p -> p.index(index).keepAlive(k -> k.time(PIT_KEEP_ALIVE))))
                .id();
    }

    @Override
    protected Hits searchPage(TermsSearch search, String pit, List<Object> after) {
        SearchResponse<ObjectNode> page = call(
                "page " + search.index(),
                () -> client.search(
                        s -> {
                            request(s.pit(p -> p.id(pit).keepAlive(k -> k.time(PIT_KEEP_ALIVE))), search)
                                    .sort(o ->
                                            o.field(f -> f.field("_shard_doc").order(SortOrder.Asc)));
                            if (after != null) {
                                s.searchAfter(after.stream().map(FieldValue::of).toList());
                            }
                            return s;
                        },
                        ObjectNode.class));
        return hits(page);
    }

    @Override
    protected void closePointInTime(String pit) {
        try {
            client.closePointInTime(p -> p.id(pit));
        } catch (IOException | RuntimeException e) {
            // it expires on its own after the keep-alive
        }
    }

    private static SearchRequest.Builder request(SearchRequest.Builder s, TermsSearch search) {
        s.query(terms(search.field(), search.values())).size(search.size()).trackTotalHits(t -> t.enabled(false));
        if (search.sortField() != null) {
            s.sort(o -> o.field(f -> f.field(search.sortField()).order(SortOrder.Asc)));
        }
        return s;
    }

    private static Hits hits(SearchResponse<ObjectNode> response) {
        return new Hits(
                convert(response.hits().hits()), response.shards().failed().intValue(), response.pitId());
    }

    private static List<SearchHit> convert(List<Hit<ObjectNode>> hits) {
        return hits.stream()
                .map(h -> new SearchHit(
                        h.id(),
                        h.index(),
                        h.source(),
                        h.sort().stream().map(FieldValue::_get).toList()))
                .toList();
    }

    private static Query terms(String field, List<String> ids) {
        List<FieldValue> values = ids.stream().map(FieldValue::of).toList();
        return Query.of(q -> q.terms(t -> t.field(field).terms(v -> v.value(values))));
    }

    @FunctionalInterface
    private interface EsCall<T> {
        T call() throws IOException;
    }

    /** Vendor errors to the port's ({@link ElasticsearchErrors}). */
    private static <T> T call(String what, EsCall<T> action) {
        try {
            return Objects.requireNonNull(action.call(), what);
        } catch (IOException | ElasticsearchException e) {
            throw ElasticsearchErrors.translate(what, e);
        }
    }
}
