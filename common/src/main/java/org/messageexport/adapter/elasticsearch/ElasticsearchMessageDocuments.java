package org.messageexport.adapter.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOptions;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.MgetResponse;
import co.elastic.clients.elasticsearch.core.MsearchResponse;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.mget.MultiGetResponseItem;
import co.elastic.clients.elasticsearch.core.msearch.MultiSearchResponseItem;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.elasticsearch.core.search.HitsMetadata;
import co.elastic.clients.transport.TransportException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.messageexport.config.ElasticsearchConfig;
import org.messageexport.domain.MessageDocument;
import org.messageexport.domain.SideCollection;
import org.messageexport.port.MessageDocuments;
import org.messageexport.port.TransientException;

/**
 * {@link MessageDocuments} on Elasticsearch: the messages with one {@code mget} (or a {@code terms}
 * search when the id is a field), and, at the same time, the side documents with one {@code msearch} of
 * one {@code terms} search per collection. A collection whose search came back full ({@value #PAGE}
 * hits) is read again whole with a point in time and {@code search_after} on {@code [sortField, _shard_doc]},
 * so no document is skipped however many there are. Side documents are ordered by their sort value
 * (as Elasticsearch sorts it: dates as epoch millis, whatever offset the text had), ties by {@code _id}.
 */
public final class ElasticsearchMessageDocuments implements MessageDocuments, AutoCloseable {
    /** Largest page a plain search returns (index.max_result_window). */
    static final int PAGE = 10_000;

    private static final String PIT_KEEP_ALIVE = "1m";

    private final ElasticsearchClient client;
    private final ElasticsearchConfig config;
    private final List<SideCollection> collections;
    private final int pageSize;
    // side documents are read while the messages are: the two requests overlap
    private final ExecutorService sideReader = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("es-side-", 0).factory());

    public ElasticsearchMessageDocuments(
            ElasticsearchClient client, ElasticsearchConfig config, List<SideCollection> collections) {
        this(client, config, collections, PAGE);
    }

    /** {@code pageSize} below {@value #PAGE} only to exercise paging in tests. */
    ElasticsearchMessageDocuments(
            ElasticsearchClient client, ElasticsearchConfig config, List<SideCollection> collections, int pageSize) {
        this.client = client;
        this.config = config;
        this.collections = List.copyOf(collections);
        this.pageSize = pageSize;
    }

    @Override
    public String messagesIndex() {
        return config.messagesIndex();
    }

    @Override
    public Map<String, MessageDocument> fetch(List<String> messageIds) {
        if (messageIds.isEmpty()) {
            return Map.of();
        }
        List<String> ids = List.copyOf(new java.util.LinkedHashSet<>(messageIds));
        CompletableFuture<Map<String, Map<String, List<JsonNode>>>> side =
                CompletableFuture.supplyAsync(() -> sideDocuments(ids), sideReader);
        Map<String, Found> messages;
        try {
            messages = config.idIsDocumentId() ? mget(ids) : searchByIdField(ids);
        } catch (RuntimeException e) {
            side.cancel(true);
            throw e;
        }
        Map<String, Map<String, List<JsonNode>>> sideDocs;
        try {
            sideDocs = side.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        Map<String, MessageDocument> out = new LinkedHashMap<>();
        for (String id : ids) {
            Found f = messages.get(id);
            if (f == null) {
                continue;
            }
            Map<String, List<JsonNode>> byCollection = new LinkedHashMap<>();
            for (SideCollection c : collections) {
                byCollection.put(c.name(), sideDocs.get(c.name()).getOrDefault(id, List.of()));
            }
            out.put(id, new MessageDocument(id, f.index(), f.source(), byCollection));
        }
        return out;
    }

    private record Found(String index, JsonNode source) {}

    private Map<String, Found> mget(List<String> ids) {
        MgetResponse<ObjectNode> response = call(
                "mget " + config.messagesIndex(),
                () -> client.mget(m -> m.index(config.messagesIndex()).ids(ids), ObjectNode.class));
        Map<String, Found> out = new HashMap<>();
        for (MultiGetResponseItem<ObjectNode> item : response.docs()) {
            if (item.isFailure()) {
                throw new TransientException(
                        "mget " + config.messagesIndex() + " failed for "
                                + item.failure().id() + ": "
                                + item.failure().error().reason(),
                        null);
            }
            var r = item.result();
            if (r.found() && r.source() != null) {
                out.put(r.id(), new Found(r.index(), r.source()));
            }
        }
        return out;
    }

    private Map<String, Found> searchByIdField(List<String> ids) {
        SearchResponse<ObjectNode> response = call(
                "search " + config.messagesIndex(),
                () -> client.search(
                        s -> s.index(config.messagesIndex())
                                .query(terms(config.idField(), ids))
                                .size(ids.size())
                                .trackTotalHits(t -> t.enabled(false)),
                        ObjectNode.class));
        requireAllShards(config.messagesIndex(), response.shards().failed().intValue());
        Map<String, Found> out = new HashMap<>();
        for (Hit<ObjectNode> hit : response.hits().hits()) {
            JsonNode id = valueAt(hit.source(), config.idField());
            if (id != null && id.isValueNode()) {
                out.putIfAbsent(id.asText(), new Found(hit.index(), hit.source()));
            }
        }
        return out;
    }

    /** By collection name, then by message id: the side documents in order. */
    private Map<String, Map<String, List<JsonNode>>> sideDocuments(List<String> ids) {
        Map<String, Map<String, List<JsonNode>>> out = new HashMap<>();
        if (collections.isEmpty()) {
            return out;
        }
        MsearchResponse<ObjectNode> response = call(
                "msearch side collections",
                () -> client.msearch(
                        ms -> {
                            for (SideCollection c : collections) {
                                ms.searches(s -> s.header(h -> h.index(c.index()))
                                        .body(b -> b.query(terms(c.joinField(), ids))
                                                .size(pageSize)
                                                .trackTotalHits(t -> t.enabled(false))
                                                .sort(bySortField(c))));
                            }
                            return ms;
                        },
                        ObjectNode.class));
        for (int i = 0; i < collections.size(); i++) {
            SideCollection c = collections.get(i);
            MultiSearchResponseItem<ObjectNode> item = response.responses().get(i);
            if (item.isFailure()) {
                int status = item.failure().status();
                String message = "search of " + c.index() + " failed (" + status + "): "
                        + item.failure().error().reason();
                throw status == 429 || status >= 500
                        ? new TransientException(message, null)
                        : new IllegalStateException(message);
            }
            requireAllShards(c.index(), item.result().shards().failed().intValue());
            List<Hit<ObjectNode>> hits = item.result().hits().hits();
            if (hits.size() >= pageSize) {
                hits = allWithPointInTime(c, ids);
            }
            out.put(c.name(), group(c, hits));
        }
        return out;
    }

    private List<Hit<ObjectNode>> allWithPointInTime(SideCollection c, List<String> ids) {
        String pit = call(
                        "open point in time on " + c.index(),
                        () -> client.openPointInTime(p -> p.index(c.index()).keepAlive(k -> k.time(PIT_KEEP_ALIVE))))
                .id();
        List<Hit<ObjectNode>> all = new ArrayList<>();
        try {
            List<FieldValue> after = null;
            while (true) {
                String pitId = pit;
                List<FieldValue> searchAfter = after;
                SearchResponse<ObjectNode> page = call(
                        "page " + c.index(),
                        () -> client.search(
                                s -> {
                                    s.pit(p -> p.id(pitId).keepAlive(k -> k.time(PIT_KEEP_ALIVE)))
                                            .query(terms(c.joinField(), ids))
                                            .size(pageSize)
                                            .trackTotalHits(t -> t.enabled(false))
                                            .sort(bySortField(c))
                                            .sort(o -> o.field(
                                                    f -> f.field("_shard_doc").order(SortOrder.Asc)));
                                    if (searchAfter != null) {
                                        s.searchAfter(searchAfter);
                                    }
                                    return s;
                                },
                                ObjectNode.class));
                requireAllShards(c.index(), page.shards().failed().intValue());
                pit = page.pitId() != null ? page.pitId() : pit;
                HitsMetadata<ObjectNode> hits = page.hits();
                all.addAll(hits.hits());
                if (hits.hits().size() < pageSize) {
                    return all;
                }
                after = hits.hits().getLast().sort();
            }
        } finally {
            String pitId = pit;
            try {
                client.closePointInTime(p -> p.id(pitId));
            } catch (IOException | RuntimeException e) {
                // it expires on its own after the keep-alive
            }
        }
    }

    private Map<String, List<JsonNode>> group(SideCollection c, List<Hit<ObjectNode>> hits) {
        List<Hit<ObjectNode>> sorted = new ArrayList<>(hits);
        sorted.sort(Comparator.comparing(
                        (Hit<ObjectNode> h) ->
                                h.sort().isEmpty() ? null : h.sort().getFirst(),
                        SORT_VALUES)
                .thenComparing(Hit::id));
        Map<String, List<JsonNode>> byMessage = new HashMap<>();
        for (Hit<ObjectNode> h : sorted) {
            JsonNode join = valueAt(h.source(), c.joinField());
            if (h.source() == null || join == null) {
                continue;
            }
            if (join.isArray()) {
                join.forEach(j -> byMessage
                        .computeIfAbsent(j.asText(), k -> new ArrayList<>())
                        .add(h.source()));
            } else {
                byMessage.computeIfAbsent(join.asText(), k -> new ArrayList<>()).add(h.source());
            }
        }
        return byMessage;
    }

    /** Elasticsearch's order of sort values: numbers by value, strings by code point, missing last. */
    private static final Comparator<FieldValue> SORT_VALUES = Comparator.nullsLast((a, b) -> {
        if (a.isNull() || b.isNull()) {
            return Boolean.compare(a.isNull(), b.isNull());
        }
        if (a.isLong() && b.isLong()) {
            return Long.compare(a.longValue(), b.longValue());
        }
        if ((a.isLong() || a.isDouble()) && (b.isLong() || b.isDouble())) {
            return Double.compare(number(a), number(b));
        }
        if (a.isString() && b.isString()) {
            return a.stringValue().compareTo(b.stringValue());
        }
        if (a.isBoolean() && b.isBoolean()) {
            return Boolean.compare(a.booleanValue(), b.booleanValue());
        }
        return a._kind().compareTo(b._kind());
    });

    private static double number(FieldValue v) {
        return v.isLong() ? v.longValue() : v.doubleValue();
    }

    private static SortOptions bySortField(SideCollection c) {
        return SortOptions.of(o -> o.field(f -> f.field(c.sortField()).order(SortOrder.Asc)));
    }

    private static Query terms(String field, List<String> ids) {
        List<FieldValue> values = ids.stream().map(FieldValue::of).toList();
        return Query.of(q -> q.terms(t -> t.field(field).terms(v -> v.value(values))));
    }

    private static JsonNode valueAt(JsonNode source, String path) {
        if (source == null) {
            return null;
        }
        JsonNode v = source.get(path);
        if (v == null && path.indexOf('.') > 0) {
            v = source;
            for (String part : path.split("\\.")) {
                v = v == null ? null : v.get(part);
            }
        }
        return v == null || v.isNull() ? null : v;
    }

    private static void requireAllShards(String index, int failedShards) {
        if (failedShards > 0) {
            // a partial answer would drop documents without a word: try again
            throw new TransientException(failedShards + " shard(s) of " + index + " failed to answer", null);
        }
    }

    @FunctionalInterface
    private interface EsCall<T> {
        T call() throws IOException;
    }

    /** Vendor errors to the port's: overload, server errors and I/O are transient, refusals are not. */
    private static <T> T call(String what, EsCall<T> action) {
        try {
            return Objects.requireNonNull(action.call(), what);
        } catch (ElasticsearchException e) {
            String message = what + " failed (" + e.status() + "): " + e.getMessage();
            throw e.status() == 429 || e.status() >= 500
                    ? new TransientException(message, e)
                    : new IllegalStateException(message, e);
        } catch (TransportException e) {
            int status = e.statusCode();
            String message = what + " failed (" + status + "): " + e.getMessage();
            throw status <= 0 || status == 429 || status >= 500
                    ? new TransientException(message, e)
                    : new IllegalStateException(message, e);
        } catch (IOException e) {
            throw new TransientException(what + " failed: " + e, e);
        }
    }

    @Override
    public void close() {
        sideReader.shutdownNow();
    }
}
