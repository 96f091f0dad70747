package org.messageexport.adapter.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.ErrorCause;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.CountResponse;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.json.JsonData;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link PointInTimeIndex}'s requests on the Elasticsearch Java client. */
public final class ElasticsearchMessageIndex extends PointInTimeIndex {
    private static final Logger log = LoggerFactory.getLogger(ElasticsearchMessageIndex.class);

    private final ElasticsearchClient client;
    private final ElasticsearchConfig config;
    private final String keepAlive;

    public ElasticsearchMessageIndex(ElasticsearchClient client, ElasticsearchConfig config, Duration pitKeepAlive) {
        this.client = client;
        this.config = config;
        this.keepAlive = Math.max(1, pitKeepAlive.toSeconds()) + "s";
    }

    @Override
    protected Page search(ExportWindow window, String pit, List<Object> after, int pageSize) {
        SearchResponse<Void> page;
        try {
            page = client.search(
                    s -> {
                        s.pit(p -> p.id(pit).keepAlive(k -> k.time(keepAlive)))
                                .size(pageSize)
                                .source(src -> src.fetch(false))
                                .trackTotalHits(t -> t.enabled(false))
                                .query(windowQuery(config, window))
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
        } catch (ElasticsearchException e) {
            if (isPointInTimeGone(e)) {
                throw new PointInTimeGone(e);
            }
            throw ElasticsearchErrors.translate("search ids of " + window, e);
        } catch (IOException e) {
            throw ElasticsearchErrors.translate("search ids of " + window, e);
        }
        List<Hit<Void>> hits = page.hits().hits();
        List<String> ids = new ArrayList<>(hits.size());
        List<LocalDate> days = new ArrayList<>(hits.size());
        for (Hit<Void> hit : hits) {
            ids.add(idOf(hit));
            days.add(dayOf(hit.id(), hit.sort().getFirst()._get()));
        }
        List<Object> last = hits.isEmpty()
                ? null
                : hits.getLast().sort().stream().map(FieldValue::_get).toList();
        return new Page(
                page.pitId(),
                ids,
                days,
                last,
                page.shards().successful().intValue(),
                page.shards().failed().intValue(),
                String.valueOf(page.shards().failures()));
    }

    @Override
    public long count(ExportWindow window) {
        CountResponse response;
        try {
            response = client.count(c -> c.index(config.messagesIndex()).query(windowQuery(config, window)));
        } catch (IOException | ElasticsearchException e) {
            throw ElasticsearchErrors.translate("count messages of " + window, e);
        }
        return checkedCount(
                window,
                response.count(),
                response.shards().failed().intValue(),
                String.valueOf(response.shards().failures()));
    }

    /**
     * The messages of a window: its timestamp in {@code [start, end)} (UTC), whatever offset the text carries.
     * Extraction pages them, the completeness proof and the operator's census count them.
     */
    static Query windowQuery(ElasticsearchConfig config, ExportWindow window) {
        return Query.of(q -> q.range(r -> r.date(d -> d.field(config.timestampField())
                .gte(window.startInstant().toString())
                .lt(window.endInstant().toString())
                .format("strict_date_optional_time"))));
    }

    private String idOf(Hit<Void> hit) {
        return idOf(config, hit);
    }

    /** A hit's message id: its {@code _id}, or the first value of the configured id field (requested as doc value). */
    static String idOf(ElasticsearchConfig config, Hit<Void> hit) {
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
        try {
            return client.openPointInTime(p -> p.index(config.messagesIndex()).keepAlive(k -> k.time(keepAlive)))
                    .id();
        } catch (IOException | ElasticsearchException e) {
            throw ElasticsearchErrors.translate("open point in time on " + config.messagesIndex(), e);
        }
    }

    private static boolean isPointInTimeGone(ElasticsearchException e) {
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
            client.closePointInTime(c -> c.id(pit));
        } catch (IOException | ElasticsearchException e) {
            // an expired point in time is already gone; anything else only delays its expiry
            log.debug("closing point in time failed: {}", e.toString());
        }
    }
}
