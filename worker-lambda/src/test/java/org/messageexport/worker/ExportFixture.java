package org.messageexport.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.sql.DataSource;
import org.messageexport.adapter.mysql.MySqlBatchOutbox;
import org.messageexport.adapter.mysql.MySqlJobStore;
import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.ExtractionCursor;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.MessageBatch;
import org.messageexport.domain.SideCollection;
import org.messageexport.localkit.SearchRest;

/**
 * Test data: messages with side documents in Elasticsearch or OpenSearch (indices named after a prefix of the test's
 * own, written with the same REST requests to either engine), their tracking rows and batch in MySQL as extraction leaves them, and the export each message
 * must get.
 */
final class ExportFixture {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] OFFSETS = {"Z", "+02:00", "-05:00", "+05:30", "-11:00"};

    private final SearchRest es;
    final String prefix;
    final List<SideCollection> collections;
    /** Expected export (without the "export" member) by message id, in batch order. */
    final Map<String, ObjectNode> expected = new LinkedHashMap<>();

    final Map<String, LocalDate> utcDay = new LinkedHashMap<>();
    private final Random random;

    ExportFixture(java.net.URI cluster, String prefix, long seed) {
        this.es = new SearchRest(cluster, null);
        this.prefix = prefix;
        this.random = new Random(seed);
        this.collections = List.of(
                new SideCollection("history", prefix + "-history", "message_id", "timestamp"),
                new SideCollection("status", prefix + "-status", "message_id", "timestamp"),
                new SideCollection("audit", prefix + "-audit", "message_id", "timestamp"));
    }

    String messagesIndex() {
        return prefix + "-messages";
    }

    String sideCollectionsSpec() {
        return String.join(
                ",",
                collections.stream()
                        .map(c -> c.name() + ":" + c.index() + ":" + c.joinField() + ":" + c.sortField())
                        .toList());
    }

    /** Sends bulk actions built with {@link #sideDocs}; answered once they are searchable. */
    void write(StringBuilder bulk) throws Exception {
        es.bulk(bulk.toString(), true);
    }

    /** Deletes a message from the messages index (as if deleted after extraction). */
    void deleteMessage(String id) throws Exception {
        es.deleteDocument(messagesIndex(), id);
    }

    void createIndices() throws Exception {
        es.create(messagesIndex(), "{\"mappings\":{\"properties\":{\"timestamp\":{\"type\":\"date\"}}}}");
        for (SideCollection c : collections) {
            es.create(
                    c.index(),
                    "{\"mappings\":{\"properties\":{\"message_id\":{\"type\":\"keyword\"},"
                            + "\"timestamp\":{\"type\":\"date\"}}}}");
        }
    }

    /** {@code n} messages; each collection gets between 0 and {@code maxSide} documents per message; {@code bodyBytes} of text each. */
    List<String> seed(List<String> ids, int maxSide, int bodyBytes) throws Exception {
        StringBuilder bulk = new StringBuilder();
        int ops = 0;
        Instant base = Instant.parse("2026-03-01T20:00:00Z");
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            String offset = OFFSETS[i % OFFSETS.length];
            Instant at = base.plusSeconds(97L * i);
            String ts = OffsetDateTime.ofInstant(at, ZoneOffset.of(offset.equals("Z") ? "Z" : offset))
                    .toString();
            ObjectNode message = JSON.createObjectNode()
                    .put("timestamp", ts)
                    .put("subject", "subject " + i)
                    .put("body", text(bodyBytes))
                    .put("priority", i % 3);
            message.putArray("tags").add("t" + (i % 7)).add("unicode ✓ " + i);
            ops++;
            bulk.append(SearchRest.indexAction(messagesIndex(), id, message));
            ObjectNode export = JSON.createObjectNode().put("message_id", id);
            export.set("message", message);
            for (SideCollection c : collections) {
                int n = random.nextInt(maxSide + 1);
                export.set(c.name(), sideDocs(c, id, i, n, at, bulk, bodyBytes / 8));
                ops += n;
            }
            expected.put(id, export);
            utcDay.put(id, LocalDate.ofInstant(at, ZoneOffset.UTC));
            if (ops > 5000) {
                es.bulk(bulk.toString(), true);
                bulk = new StringBuilder();
                ops = 0;
            }
        }
        if (ops > 0) {
            es.bulk(bulk.toString(), true);
        }
        return ids;
    }

    /** Side documents in random order of ids, some with equal timestamps (ties go by _id). */
    ArrayNode sideDocs(SideCollection c, String messageId, int i, int n, Instant at, StringBuilder bulk, int textBytes)
            throws java.io.IOException {
        record Doc(String id, long millis, ObjectNode source) {}
        List<Doc> docs = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            String docId = c.name() + "-" + i + "-" + Integer.toString(random.nextInt(1_000_000), 36) + "-" + j;
            Instant t = at.plusSeconds(random.nextInt(Math.max(1, n / 2)));
            String offset = OFFSETS[random.nextInt(OFFSETS.length)];
            ObjectNode source = JSON.createObjectNode()
                    .put("message_id", messageId)
                    .put(
                            "timestamp",
                            OffsetDateTime.ofInstant(t, ZoneOffset.of(offset)).toString())
                    .put("seq", j)
                    .put("note", text(textBytes));
            docs.add(new Doc(docId, t.toEpochMilli(), source));
            bulk.append(SearchRest.indexAction(c.index(), docId, source));
        }
        docs.sort(Comparator.comparingLong(Doc::millis).thenComparing(Doc::id));
        ArrayNode out = JSON.createArrayNode();
        docs.forEach(d -> out.add(d.source()));
        return out;
    }

    private String text(int bytes) {
        StringBuilder sb = new StringBuilder(bytes);
        while (sb.length() < bytes) {
            sb.append("lorem ipsum dolor sit amet ")
                    .append(random.nextInt(10_000))
                    .append(' ');
        }
        return sb.substring(0, bytes);
    }

    /** Tracking rows and one batch for {@code ids}, as extraction writes them. */
    static MessageBatch track(DataSource ds, List<String> ids) {
        MySqlJobStore jobs = new MySqlJobStore(ds);
        Instant now = Instant.now();
        JobRun job = jobs.create(
                new ExportWindow(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-02")),
                org.messageexport.domain.JobKind.SCHEDULED,
                false,
                "exec-test",
                now);
        MySqlBatchOutbox outbox = new MySqlBatchOutbox(ds);
        List<MessageBatch> batches =
                outbox.recordPage(job, "exec-test", ids, ids.size(), new ExtractionCursor("pit", List.of(1L)), now);
        outbox.markEnqueued(List.of(batches.getFirst().batchId()), now);
        return batches.getFirst();
    }

    static JsonNode withoutExport(JsonNode exported) {
        ObjectNode copy = exported.deepCopy();
        copy.remove("export");
        return copy;
    }
}
