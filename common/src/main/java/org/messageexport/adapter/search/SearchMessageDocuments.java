package org.messageexport.adapter.search;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.messageexport.config.ElasticsearchConfig;
import org.messageexport.domain.MessageDocument;
import org.messageexport.domain.SideCollection;
import org.messageexport.port.MessageDocuments;

/**
 * {@link MessageDocuments} on either engine: the messages with one {@code mget} (or a {@code terms} search when the id
 * is a field), and, at the same time, the side documents with one {@code msearch} of one {@code terms} search per
 * collection. A collection whose search came back full ({@value #PAGE} hits) is read again whole with a point in time
 * and {@code search_after} on {@code [sortField, _shard_doc]}, so no document is skipped however many there are. Side
 * documents are ordered by their sort value (as the engine sorts it: dates as epoch millis, whatever offset the text
 * had), ties by {@code _id}. An engine adapter supplies the requests; this class owns paging, checks and joining.
 */
public abstract class SearchMessageDocuments implements MessageDocuments, AutoCloseable {
    /** Largest page a plain search returns (index.max_result_window). */
    public static final int PAGE = 10_000;

    protected static final String PIT_KEEP_ALIVE = "1m";

    /** A {@code terms} query on {@code field}, sorted by {@code sortField} (null: unsorted), {@code size} hits. */
    public record TermsSearch(String index, String field, List<String> values, String sortField, int size) {}

    /** Hits of one search, how many shards failed, and the point in time it returned (null without one). */
    public record Hits(List<SearchHit> hits, int failedShards, String pointInTime) {}

    /** One answer of an msearch: its hits, or the status and reason of its failure. */
    public record MultiSearchItem(Hits hits, int failureStatus, String failureReason) {}

    private final ElasticsearchConfig config;
    private final List<SideCollection> collections;
    private final int pageSize;
    // side documents are read while the messages are: the two requests overlap
    private final ExecutorService sideReader;

    protected SearchMessageDocuments(
            ElasticsearchConfig config, List<SideCollection> collections, int pageSize, String threadPrefix) {
        this.config = config;
        this.collections = List.copyOf(collections);
        this.pageSize = pageSize;
        this.sideReader = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name(threadPrefix, 0).factory());
    }

    /** The documents among {@code ids} in {@code index} (absent ones left out); an item failure is transient. */
    protected abstract List<SearchHit> multiGet(String index, List<String> ids);

    protected abstract Hits search(TermsSearch search);

    /** The searches in one request, the answers in the same order. */
    protected abstract List<MultiSearchItem> multiSearch(List<TermsSearch> searches);

    protected abstract String openPointInTime(String index);

    /** A page of {@code search} with the point in time, sorted by its sort field then {@code _shard_doc}. */
    protected abstract Hits searchPage(TermsSearch search, String pit, List<Object> after);

    /** Closes the point in time; throws nothing (it expires on its own after the keep-alive). */
    protected abstract void closePointInTime(String pit);

    @Override
    public String messagesIndex() {
        return config.messagesIndex();
    }

    @Override
    public Map<String, MessageDocument> fetch(List<String> messageIds) {
        if (messageIds.isEmpty()) {
            return Map.of();
        }
        List<String> ids = List.copyOf(new LinkedHashSet<>(messageIds));
        CompletableFuture<Map<String, Map<String, List<JsonNode>>>> side =
                CompletableFuture.supplyAsync(() -> sideDocuments(ids), sideReader);
        Map<String, SearchHit> messages;
        try {
            messages = config.idIsDocumentId() ? byDocumentId(ids) : searchByIdField(ids);
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
            SearchHit found = messages.get(id);
            if (found == null) {
                continue;
            }
            Map<String, List<JsonNode>> byCollection = new LinkedHashMap<>();
            for (SideCollection c : collections) {
                byCollection.put(c.name(), sideDocs.get(c.name()).getOrDefault(id, List.of()));
            }
            out.put(id, new MessageDocument(id, found.index(), found.source(), byCollection));
        }
        return out;
    }

    private Map<String, SearchHit> byDocumentId(List<String> ids) {
        Map<String, SearchHit> out = new HashMap<>();
        for (SearchHit hit : multiGet(config.messagesIndex(), ids)) {
            if (hit.source() != null) {
                out.put(hit.id(), hit);
            }
        }
        return out;
    }

    private Map<String, SearchHit> searchByIdField(List<String> ids) {
        Hits hits = search(new TermsSearch(config.messagesIndex(), config.idField(), ids, null, ids.size()));
        SearchFailures.requireAllShards(config.messagesIndex(), hits.failedShards());
        Map<String, SearchHit> out = new HashMap<>();
        for (SearchHit hit : hits.hits()) {
            JsonNode id = valueAt(hit.source(), config.idField());
            if (id != null && id.isValueNode()) {
                out.putIfAbsent(id.asText(), hit);
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
        List<TermsSearch> searches = collections.stream()
                .map(c -> new TermsSearch(c.index(), c.joinField(), ids, c.sortField(), pageSize))
                .toList();
        List<MultiSearchItem> items = multiSearch(searches);
        for (int i = 0; i < collections.size(); i++) {
            SideCollection c = collections.get(i);
            MultiSearchItem item = items.get(i);
            if (item.hits() == null) {
                throw SearchFailures.of("search of " + c.index(), item.failureStatus(), item.failureReason(), null);
            }
            SearchFailures.requireAllShards(c.index(), item.hits().failedShards());
            List<SearchHit> hits = item.hits().hits();
            if (hits.size() >= pageSize) {
                hits = allWithPointInTime(c.index(), searches.get(i));
            }
            out.put(c.name(), group(c, hits));
        }
        return out;
    }

    private List<SearchHit> allWithPointInTime(String index, TermsSearch search) {
        String pit = openPointInTime(index);
        List<SearchHit> all = new ArrayList<>();
        try {
            List<Object> after = null;
            while (true) {
                Hits page = searchPage(search, pit, after);
                SearchFailures.requireAllShards(index, page.failedShards());
                pit = page.pointInTime() != null ? page.pointInTime() : pit;
                all.addAll(page.hits());
                if (page.hits().size() < search.size()) {
                    return all;
                }
                after = page.hits().getLast().sort();
            }
        } finally {
            closePointInTime(pit);
        }
    }

    private static Map<String, List<JsonNode>> group(SideCollection c, List<SearchHit> hits) {
        List<SearchHit> sorted = new ArrayList<>(hits);
        sorted.sort(Comparator.comparing(
                        (SearchHit h) -> h.sort().isEmpty() ? null : h.sort().getFirst(), SortValues.ORDER)
                .thenComparing(SearchHit::id));
        Map<String, List<JsonNode>> byMessage = new HashMap<>();
        for (SearchHit h : sorted) {
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

    /** The value at {@code path} (a field name, or dotted through objects); null when absent or null. */
    static JsonNode valueAt(JsonNode source, String path) {
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

    @Override
    public void close() {
        sideReader.shutdownNow();
    }
}
