package org.messageexport.adapter.opensearch;

import java.io.IOException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.messageexport.adapter.search.PointInTimeIndex;
import org.messageexport.config.ElasticsearchConfig;
import org.messageexport.domain.ExportWindow;
import org.opensearch.client.json.JsonData;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.ErrorCause;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.core.CountResponse;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.search.Hit;
import org.opensearch.client.opensearch.core.search.Pit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link PointInTimeIndex}'s requests on the OpenSearch Java client (PIT API: OpenSearch 2.4+). */
public final class OpenSearchMessageIndex extends PointInTimeIndex {
    private static final Logger log = LoggerFactory.getLogger(OpenSearchMessageIndex.class);

    private final OpenSearchClient client;
    private final ElasticsearchConfig config;
    private final String keepAlive;

    public OpenSearchMessageIndex(OpenSearchClient client, ElasticsearchConfig config, Duration pitKeepAlive) {
        this.client = client;
        this.config = config;
        this.keepAlive = Math.max(1, pitKeepAlive.toSeconds()) + "s";
    }

    @Override
    protected Page search(ExportWindow window, String pit, List<Object> after, int pageSize) {
        SearchResponse<Void> page;
        try {
            page = OpenSearchRequests.call(
                    "search ids of " + window,
                    () -> client.search(
                            s -> {
                                s.pit(new Pit.Builder()
                                                .id(pit)
                                                .keepAlive(keepAlive)
                                                .build())
                                        .size(pageSize)
                                        .source(src -> src.fetch(false))
                                        .trackTotalHits(t -> t.enabled(false))
                                        .query(windowQuery(window))
                                        .sort(OpenSearchRequests.ascending(config.timestampField()))
                                        .sort(OpenSearchRequests.ascending("_shard_doc"));
                                if (!config.idIsDocumentId()) {
                                    s.docvalueFields(f -> f.field(config.idField()));
                                }
                                if (after != null) {
                                    s.searchAfter(OpenSearchRequests.fieldValues(after));
                                }
                                return s;
                            },
                            Void.class));
        } catch (RuntimeException e) {
            if (e.getCause() instanceof OpenSearchException ose && isPointInTimeGone(ose)) {
                throw new PointInTimeGone(ose);
            }
            throw e;
        }
        List<Hit<Void>> hits = page.hits().hits();
        List<String> ids = new ArrayList<>(hits.size());
        List<LocalDate> days = new ArrayList<>(hits.size());
        for (Hit<Void> hit : hits) {
            ids.add(idOf(hit));
            days.add(dayOf(hit.id(), OpenSearchRequests.plain(hit.sort()).getFirst()));
        }
        return new Page(
                page.pitId(),
                ids,
                days,
                hits.isEmpty() ? null : OpenSearchRequests.plain(hits.getLast().sort()),
                page.shards().successful(),
                page.shards().failed(),
                String.valueOf(page.shards().failures()));
    }

    @Override
    public long count(ExportWindow window) {
        CountResponse response = OpenSearchRequests.call(
                "count messages of " + window,
                () -> client.count(c -> c.index(config.messagesIndex()).query(windowQuery(window))));
        return checkedCount(
                window,
                response.count(),
                response.shards().failed(),
                String.valueOf(response.shards().failures()));
    }

    /** The messages of a window: its timestamp in {@code [start, end)} (UTC); extraction pages them, the proof counts. */
    private Query windowQuery(ExportWindow window) {
        return Query.of(q -> q.range(r -> r.field(config.timestampField())
                .gte(JsonData.of(window.startInstant().toString()))
                .lt(JsonData.of(window.endInstant().toString()))
                .format("strict_date_optional_time")));
    }

    private String idOf(Hit<Void> hit) {
        if (config.idIsDocumentId()) {
            return hit.id();
        }
        JsonData values = hit.fields().get(config.idField());
        if (values == null) {
            throw new IllegalStateException("message " + hit.id() + " has no value in id field " + config.idField());
        }
        return values.toJson().asJsonArray().getString(0);
    }

    @Override
    protected String openPointInTime() {
        return OpenSearchRequests.call(
                        "open point in time on " + config.messagesIndex(),
                        () -> client.createPit(
                                p -> p.index(config.messagesIndex()).keepAlive(t -> t.time(keepAlive))))
                .pitId();
    }

    private static boolean isPointInTimeGone(OpenSearchException e) {
        return isPointInTimeGone(
                e.status(),
                Stream.concat(
                                Stream.iterate(e.error(), Objects::nonNull, ErrorCause::causedBy),
                                e.error().rootCause().stream())
                        .map(ErrorCause::type));
    }

    @Override
    protected void closePointInTime(String pit) {
        try {
            client.deletePit(d -> d.pitId(List.of(pit)));
        } catch (IOException | RuntimeException e) {
            // an expired point in time is already gone; anything else only delays its expiry
            log.debug("closing point in time failed: {}", e.toString());
        }
    }
}
