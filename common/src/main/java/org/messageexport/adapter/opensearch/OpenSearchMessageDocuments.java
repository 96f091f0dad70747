package org.messageexport.adapter.opensearch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.messageexport.adapter.search.SearchHit;
import org.messageexport.adapter.search.SearchMessageDocuments;
import org.messageexport.config.ElasticsearchConfig;
import org.messageexport.domain.SideCollection;
import org.messageexport.port.TransientException;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.core.MgetResponse;
import org.opensearch.client.opensearch.core.MsearchResponse;
import org.opensearch.client.opensearch.core.SearchRequest;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.mget.MultiGetResponseItem;
import org.opensearch.client.opensearch.core.msearch.MultiSearchResponseItem;
import org.opensearch.client.opensearch.core.msearch.RequestItem;
import org.opensearch.client.opensearch.core.search.Hit;
import org.opensearch.client.opensearch.core.search.Pit;

/** {@link SearchMessageDocuments}' requests on the OpenSearch Java client. */
public final class OpenSearchMessageDocuments extends SearchMessageDocuments {
    private final OpenSearchClient client;

    public OpenSearchMessageDocuments(
            OpenSearchClient client, ElasticsearchConfig config, List<SideCollection> collections) {
        this(client, config, collections, PAGE);
    }

    /** {@code pageSize} below {@value #PAGE} only to exercise paging in tests. */
    OpenSearchMessageDocuments(
            OpenSearchClient client, ElasticsearchConfig config, List<SideCollection> collections, int pageSize) {
        super(config, collections, pageSize, "os-side-");
        this.client = client;
    }

    @Override
    protected List<SearchHit> multiGet(String index, List<String> ids) {
        MgetResponse<ObjectNode> response = OpenSearchRequests.call(
                "mget " + index, () -> client.mget(m -> m.index(index).ids(ids), ObjectNode.class));
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
        SearchResponse<ObjectNode> response = OpenSearchRequests.call(
                "search " + search.index(),
                () -> client.search(s -> request(s.index(search.index()), search), ObjectNode.class));
        return hits(response);
    }

    @Override
    protected List<MultiSearchItem> multiSearch(List<TermsSearch> searches) {
        List<RequestItem> items = searches.stream()
                .map(t -> RequestItem.of(ri -> ri.header(h -> h.index(t.index()))
                        .body(b -> b.query(OpenSearchRequests.terms(t.field(), t.values()))
                                .size(t.size())
                                .trackTotalHits(tt -> tt.enabled(false))
                                .sort(OpenSearchRequests.ascending(t.sortField())))))
                .toList();
        MsearchResponse<ObjectNode> response = OpenSearchRequests.call(
                "msearch side collections", () -> client.msearch(m -> m.searches(items), ObjectNode.class));
        List<MultiSearchItem> out = new ArrayList<>();
        for (MultiSearchResponseItem<ObjectNode> item : response.responses()) {
            if (item.isFailure()) {
                Integer status = item.failure().status();
                out.add(new MultiSearchItem(
                        null,
                        status == null ? 0 : status,
                        item.failure().error().reason()));
            } else {
                var r = item.result();
                out.add(new MultiSearchItem(
                        new Hits(convert(r.hits().hits()), r.shards().failed(), null), 0, null));
            }
        }
        return out;
    }

    @Override
    protected String openPointInTime(String index) {
        return OpenSearchRequests.call(
                        "open point in time on " + index,
                        () -> client.createPit(p -> p.index(index).keepAlive(t -> t.time(PIT_KEEP_ALIVE))))
                .pitId();
    }

    @Override
    protected Hits searchPage(TermsSearch search, String pit, List<Object> after) {
        SearchResponse<ObjectNode> page = OpenSearchRequests.call(
                "page " + search.index(),
                () -> client.search(
                        s -> {
                            request(
                                            s.pit(new Pit.Builder()
                                                    .id(pit)
                                                    .keepAlive(PIT_KEEP_ALIVE)
                                                    .build()),
                                            search)
                                    .sort(OpenSearchRequests.ascending("_shard_doc"));
                            if (after != null) {
                                s.searchAfter(OpenSearchRequests.fieldValues(after));
                            }
                            return s;
                        },
                        ObjectNode.class));
        return hits(page);
    }

    @Override
    protected void closePointInTime(String pit) {
        try {
            client.deletePit(d -> d.pitId(List.of(pit)));
        } catch (IOException | RuntimeException e) {
            // it expires on its own after the keep-alive
        }
    }

    private static SearchRequest.Builder request(SearchRequest.Builder s, TermsSearch search) {
        s.query(OpenSearchRequests.terms(search.field(), search.values()))
                .size(search.size())
                .trackTotalHits(t -> t.enabled(false));
        if (search.sortField() != null) {
            s.sort(OpenSearchRequests.ascending(search.sortField()));
        }
        return s;
    }

    private static Hits hits(SearchResponse<ObjectNode> response) {
        return new Hits(convert(response.hits().hits()), response.shards().failed(), response.pitId());
    }

    private static List<SearchHit> convert(List<Hit<ObjectNode>> hits) {
        return hits.stream()
                .map(h -> new SearchHit(h.id(), h.index(), h.source(), OpenSearchRequests.plain(h.sort())))
                .toList();
    }
}
