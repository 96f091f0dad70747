package org.messageexport.adapter.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.ErrorCause;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.json.JsonData;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.messageexport.config.ElasticsearchConfig;
import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.ExtractionCursor;
import org.messageexport.domain.IdPage;
import org.messageexport.port.MessageIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pages the ids of a window with a point in time and {@code search_after} on
 * {@code [timestamp, _shard_doc]}: {@code _source} off, no hit counting, failed shards an error.
 */
public final class ElasticsearchMessageIndex implements MessageIndex {
    private static final Logger log = LoggerFactory.getLogger(ElasticsearchMessageIndex.class);
    /** {@code _shard_doc} values are >= 0: resuming after {@code [t, -1]} re-reads every id at timestamp t. */
    private static final long BEFORE_ANY_SHARD_DOC = -1L;

    private final ElasticsearchClient client;
    private final ElasticsearchConfig config;
    private final String keepAlive;

    public ElasticsearchMessageIndex(ElasticsearchClient client, ElasticsearchConfig config, Duration pitKeepAlive) {
        this.client = client;
        this.config = config;
        this.keepAlive = Math.max(1, pitKeepAlive.toSeconds()) + "s";
    }

    @Override
    public IdPage nextPage(ExportWindow window, ExtractionCursor cursor, int pageSize) {
        String pit = cursor.pointInTime() != null ? cursor.pointInTime() : openPit();
        List<Object> after = cursor.searchAfter();
        SearchResponse<Void> page;
        try {
            page = search(window, pit, after, pageSize);
        } catch (ElasticsearchException e) {
            if (!isPointInTimeGone(e)) {
                throw ElasticsearchErrors.translate("search ids of " + window, e);
            }
            // The point in time expired (or was closed) between two calls. Sort values of _shard_doc belong to
            // the old one: continue from the last timestamp instead, re-reading its ids (recorded idempotently).
            log.info("point in time expired; reopening and resuming at sort values {}", after);
            pit = openPit();
            after = after == null ? null : List.of(after.getFirst(), BEFORE_ANY_SHARD_DOC);
            page = search(window, pit, after, pageSize);
        }
        int failed = page.shards().failed().intValue();
        if (failed > 0) {
            throw new IllegalStateException("search of " + window + " answered from "
                    + page.shards().successful() + " shards with " + failed + " failed: refusing a partial page ("
                    + page.shards().failures() + ")");
        }
        String nextPit = page.pitId() != null ? page.pitId() : pit;
        List<Hit<Void>> hits = page.hits().hits();
        if (hits.isEmpty()) {
            return new IdPage(List.of(), new ExtractionCursor(nextPit, after));
        }
        List<String> ids = new ArrayList<>(hits.size());
        for (Hit<Void> hit : hits) {
            ids.add(idOf(hit));
        }
        List<Object> last = hits.getLast().sort().stream().map(FieldValue::_get).toList();
        return new IdPage(ids, new ExtractionCursor(nextPit, last));
    }

    private SearchResponse<Void> search(ExportWindow window, String pit, List<Object> after, int pageSize) {
        try {
            return client.search(
                    s -> {
                        s.pit(p -> p.id(pit).keepAlive(k -> k.time(keepAlive)))
                                .size(pageSize)
                                .source(src -> src.fetch(false))
                                .trackTotalHits(t -> t.enabled(false))
                                .query(q -> q.range(r -> r.date(d -> d.field(config.timestampField())
                                        .gte(window.startInstant().toString())
                                        .lt(window.endInstant().toString())
                                        .format("strict_date_optional_time"))))
                                .sort(o -> o.field(
                                        f -> f.field(config.timestampField()).order(SortOrder.Asc)))
                                .sort(o -> o.field(f -> f.field("_shard_doc").order(SortOrder.Asc)));
                        if (!config.idIsDocumentId()) {
                            s.docvalueFields(f -> f.field(config.idField()));
                        }
                        if (after != null) {
                            s.searchAfter(after.stream().map(FieldValue::of).toList());
                        }
                        return s;
                    },
                    Void.class);
        } catch (IOException e) {
            throw ElasticsearchErrors.translate("search ids of " + window, e);
        }
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

    private String openPit() {
        try {
            return client.openPointInTime(p -> p.index(config.messagesIndex()).keepAlive(k -> k.time(keepAlive)))
                    .id();
        } catch (IOException | ElasticsearchException e) {
            throw ElasticsearchErrors.translate("open point in time on " + config.messagesIndex(), e);
        }
    }

    private static boolean isPointInTimeGone(ElasticsearchException e) {
        if (e.status() == 404) {
            return true;
        }
        ErrorCause cause = e.error();
        while (cause != null) {
            if (cause.type() != null && cause.type().contains("search_context_missing")) {
                return true;
            }
            cause = cause.causedBy();
        }
        return e.error().rootCause().stream()
                .anyMatch(c -> c.type() != null && c.type().contains("search_context_missing"));
    }

    @Override
    public void release(ExtractionCursor cursor) {
        if (cursor.pointInTime() == null) {
            return;
        }
        try {
            client.closePointInTime(c -> c.id(cursor.pointInTime()));
        } catch (IOException | ElasticsearchException e) {
            // an expired point in time is already gone; anything else only delays its expiry
            log.debug("closing point in time failed: {}", e.toString());
        }
    }
}
