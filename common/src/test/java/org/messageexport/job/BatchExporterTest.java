package org.messageexport.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.messageexport.domain.Deadline;
import org.messageexport.domain.MessageBatch;
import org.messageexport.domain.MessageDocument;
import org.messageexport.domain.MessageStatus;
import org.messageexport.domain.ObjectKeyScheme;
import org.messageexport.domain.OutputFormat;
import org.messageexport.port.MessageDocuments;
import org.messageexport.port.ObjectStore;
import org.messageexport.port.TransientException;

class BatchExporterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");
    private static final long JOB = 12;
    private static final long BATCH = 345;

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final InMemoryMessageLeases leases = new InMemoryMessageLeases();
    private final FakeDocuments documents = new FakeDocuments();
    private final FakeObjectStore store = new FakeObjectStore();
    private final List<Duration> sleeps = new ArrayList<>();
    private final List<String> ids =
            IntStream.range(0, 10).mapToObj(i -> "m" + i).toList();

    private BatchExporter exporter(long maxBytes) {
        return exporter(maxBytes, OutputFormat.OBJECT);
    }

    private BatchExporter ndjsonExporter() {
        return exporter(10 * 1024 * 1024, OutputFormat.NDJSON_GZ);
    }

    private BatchExporter exporter(long maxBytes, OutputFormat format) {
        return new BatchExporter(
                leases,
                documents,
                store,
                new BatchExporter.Settings(
                        new ObjectKeyScheme("exports"),
                        "timestamp",
                        List.of("history", "status", "audit"),
                        maxBytes,
                        5,
                        Duration.ofMinutes(15),
                        Duration.ofSeconds(2),
                        format),
                new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), sleeps::add),
                clock);
    }

    private BatchExporter exporter() {
        return exporter(10 * 1024 * 1024);
    }

    /** Time passes only while the exporter sleeps, so the deadline bounds the retries exactly. */
    private Deadline deadline(Duration budget) {
        Clock sleepingClock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return NOW.plus(sleeps.stream().reduce(Duration.ZERO, Duration::plus));
            }
        };
        return Deadline.after(budget, sleepingClock);
    }

    private MessageBatch batch() {
        return new MessageBatch(JOB, BATCH, ids);
    }

    private void given(List<String> messageIds) {
        leases.track(JOB, messageIds);
        for (String id : messageIds) {
            documents.add(id, "2026-03-01T23:30:00-05:00");
        }
    }

    @Test
    void export_writesOneObjectPerMessage_inTheDocumentedShape_andCompletesRows() throws Exception {
        given(ids);

        BatchOutcome outcome = exporter().export(batch(), 1, deadline(Duration.ofMinutes(1)));

        assertThat(outcome.acknowledged()).isTrue();
        assertThat(outcome.exported()).isEqualTo(10);
        assertThat(store.objects).hasSize(10);
        JsonNode m3 = JSON.readTree(store.objects.get("exports/2026/03/02/m3.json"));
        assertThat(fieldNames(m3)).containsExactly("message_id", "message", "history", "status", "audit", "export");
        assertThat(m3.get("message_id").asText()).isEqualTo("m3");
        assertThat(m3.get("message")).isEqualTo(documents.docs.get("m3").source());
        assertThat(m3.get("history")).hasSize(2);
        assertThat(m3.get("history").get(0).get("n").asInt()).isEqualTo(0);
        assertThat(m3.get("audit")).isEmpty();
        assertThat(m3.get("export"))
                .isEqualTo(
                        JSON.readTree(
                                "{\"job_id\":12,\"batch_id\":345,\"exported_at\":\"2026-03-02T10:00:00Z\",\"source\":{\"index\":\"messages-000001\"}}"));
        assertThat(leases.row("m3").status).isEqualTo(MessageStatus.COMPLETED);
        assertThat(leases.row("m3").s3Path).isEqualTo("exports/2026/03/02/m3.json");
        assertThat(leases.calls).containsExactly("complete 10", "fail 0", "release 0");
        assertThat(outcome.notRecorded()).isZero();
        assertThat(leases.doneBatches).containsExactly(BATCH);
    }

    @Test
    void export_whoseLeaseEndedOnSomeRowsMeanwhile_countsTheResultsNotRecorded_andLeavesThoseRowsAlone() {
        given(ids);
        store.meanwhile = key -> {
            synchronized (leases) {
                if (key.endsWith("/m3.json")) {
                    // the lease expired and another delivery took m3
                    leases.row("m3").leaseToken = "another-delivery";
                }
                if (key.endsWith("/m5.json")) {
                    // the job's deadline failed m5
                    leases.row("m5").status = MessageStatus.FAILED;
                    leases.row("m5").leaseToken = null;
                    leases.row("m5").lastError = "job deadline";
                }
            }
        };

        BatchOutcome outcome = exporter().export(batch(), 1, deadline(Duration.ofMinutes(1)));

        assertThat(outcome.acknowledged())
                .as("the rows are someone else's to settle")
                .isTrue();
        assertThat(outcome.exported()).isEqualTo(10);
        assertThat(outcome.notRecorded()).isEqualTo(2);
        assertThat(leases.row("m3").status).isEqualTo(MessageStatus.IN_PROGRESS);
        assertThat(leases.row("m3").leaseToken).isEqualTo("another-delivery");
        assertThat(leases.row("m5").status).isEqualTo(MessageStatus.FAILED);
        assertThat(leases.rows.values().stream().filter(r -> r.status == MessageStatus.COMPLETED))
                .hasSize(8);
    }

    @Test
    void export_skipsRowsAlreadyCompleted_withoutWritingThemAgain() {
        given(ids);
        exporter().export(batch(), 1, deadline(Duration.ofMinutes(1)));
        store.puts.clear();

        BatchOutcome again = exporter().export(batch(), 2, deadline(Duration.ofMinutes(1)));

        assertThat(again.acknowledged()).isTrue();
        assertThat(again.claimed()).isZero();
        assertThat(store.puts).isEmpty();
        assertThat(leases.rows.values()).allMatch(r -> r.status == MessageStatus.COMPLETED && r.attempts == 1);
    }

    @Test
    void export_failsMessagesGoneFromTheIndex_andAcknowledges() {
        given(ids);
        documents.docs.remove("m4");

        BatchOutcome outcome = exporter().export(batch(), 1, deadline(Duration.ofMinutes(1)));

        assertThat(outcome.acknowledged()).isTrue();
        assertThat(outcome.failed()).isEqualTo(1);
        assertThat(leases.row("m4").status).isEqualTo(MessageStatus.FAILED);
        assertThat(leases.row("m4").lastError).isEqualTo("not found in index messages");
        assertThat(leases.rows.values().stream().filter(r -> r.status == MessageStatus.COMPLETED))
                .hasSize(9);
    }

    @Test
    void export_failsDocumentsOverTheSizeLimit_andThoseWithoutTimestamp() {
        given(ids);
        ((ObjectNode) documents.docs.get("m1").source()).put("body", "x".repeat(5000));
        ((ObjectNode) documents.docs.get("m2").source()).remove("timestamp");

        BatchOutcome outcome = exporter(4096).export(batch(), 1, deadline(Duration.ofMinutes(1)));

        assertThat(outcome.acknowledged()).isTrue();
        assertThat(leases.row("m1").status).isEqualTo(MessageStatus.FAILED);
        assertThat(leases.row("m1").lastError).matches("document of \\d+ bytes exceeds MAX_DOCUMENT_BYTES \\(4096\\)");
        assertThat(leases.row("m2").lastError).isEqualTo("no usable timestamp in field 'timestamp'");
        assertThat(store.objects).hasSize(8);
    }

    @Test
    void export_retriesTransientPutFailures_untilAllAreWritten() {
        given(ids);
        store.failTransiently(key -> store.attempts(key) <= 2 && key.contains("m1"));

        BatchOutcome outcome = exporter().export(batch(), 1, deadline(Duration.ofMinutes(1)));

        assertThat(outcome.acknowledged()).isTrue();
        assertThat(store.objects).hasSize(10);
        assertThat(sleeps).hasSize(2);
        assertThat(leases.rows.values()).allMatch(r -> r.status == MessageStatus.COMPLETED);
    }

    @Test
    void export_releasesWithReason_whenPutsKeepFailing_beforeTheLastReceive() {
        given(ids);
        store.failTransiently(key -> key.endsWith("m7.json"));

        BatchOutcome outcome = exporter().export(batch(), 4, deadline(Duration.ofSeconds(10)));

        assertThat(outcome.acknowledged()).isFalse();
        assertThat(outcome.released()).isEqualTo(1);
        assertThat(leases.row("m7").status).isEqualTo(MessageStatus.PENDING);
        assertThat(leases.row("m7").lastError).startsWith("S3 PUT failed: 503 Slow Down");
        assertThat(leases.rows.values().stream().filter(r -> r.status == MessageStatus.COMPLETED))
                .hasSize(9);
        assertThat(leases.doneBatches).isEmpty();
        // retried with growing pauses, never past the budget less the reserve for recording results
        assertThat(sleeps.stream().reduce(Duration.ZERO, Duration::plus)).isLessThanOrEqualTo(Duration.ofSeconds(8));
        assertThat(sleeps).hasSizeGreaterThan(3);
    }

    @Test
    void export_failsWithReason_whenPutsKeepFailing_onTheLastReceive() {
        given(ids);
        store.failTransiently(key -> key.endsWith("m7.json"));

        BatchOutcome outcome = exporter().export(batch(), 5, deadline(Duration.ofSeconds(10)));

        assertThat(outcome.acknowledged()).isFalse();
        assertThat(outcome.failed()).isEqualTo(1);
        assertThat(leases.row("m7").status).isEqualTo(MessageStatus.FAILED);
        assertThat(leases.row("m7").lastError)
                .startsWith("S3 PUT failed: 503 Slow Down")
                .endsWith("(gave up on receive 5)");
    }

    @Test
    void export_doesNotRetryRefusedPuts_butReleasesThem() {
        given(ids);
        store.refuse(key -> key.endsWith("m2.json"));

        BatchOutcome outcome = exporter().export(batch(), 1, deadline(Duration.ofMinutes(1)));

        assertThat(outcome.acknowledged()).isFalse();
        assertThat(sleeps).isEmpty();
        assertThat(leases.row("m2").status).isEqualTo(MessageStatus.PENDING);
        assertThat(leases.row("m2").lastError).startsWith("S3 PUT refused: 403 Access Denied");
    }

    @Test
    void export_retriesTheClaim_whenTheDatabaseConnectionDrops() {
        given(ids);
        leases.claimFailuresToInject = 2;

        BatchOutcome outcome = exporter().export(batch(), 1, deadline(Duration.ofMinutes(1)));

        assertThat(outcome.acknowledged()).isTrue();
        assertThat(outcome.exported()).isEqualTo(10);
        assertThat(sleeps).hasSize(2);
    }

    @Test
    void export_releasesEveryRow_whenTheIndexStaysUnreachable() {
        given(ids);
        documents.unreachable = true;

        BatchOutcome outcome = exporter().export(batch(), 1, deadline(Duration.ofSeconds(5)));

        assertThat(outcome.acknowledged()).isFalse();
        assertThat(outcome.released()).isEqualTo(10);
        assertThat(leases.rows.values()).allSatisfy(r -> {
            assertThat(r.status).isEqualTo(MessageStatus.PENDING);
            assertThat(r.lastError).startsWith("reading the documents failed: 503");
        });
        assertThat(store.puts).isEmpty();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static final String BATCH_KEY = "exports/2026/03/02/batch-12-345.ndjson.gz";

    /** The lines of a batch object, by line number from 1 (index 0 unused). */
    private List<JsonNode> lines(String key) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        out.add(null);
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(
                new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(store.objects.get(key))),
                java.nio.charset.StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    @Test
    void ndjsonGz_writesOneGzipObjectPerBatch_oneLinePerMessage_andRowsPointAtTheirLine() throws Exception {
        given(ids);

        BatchOutcome outcome = ndjsonExporter().export(batch(), 1, deadline(Duration.ofMinutes(1)));

        assertThat(outcome.acknowledged()).isTrue();
        assertThat(outcome.exported()).isEqualTo(10);
        assertThat(store.objects).containsOnlyKeys(BATCH_KEY);
        assertThat(store.contentTypes.get(BATCH_KEY)).isEqualTo(ObjectStore.CONTENT_GZIP);
        List<JsonNode> lines = lines(BATCH_KEY);
        assertThat(lines).hasSize(11);
        for (String id : ids) {
            String path = leases.row(id).s3Path;
            assertThat(path).startsWith(BATCH_KEY + "#");
            JsonNode line = lines.get(Integer.parseInt(path.substring(path.indexOf('#') + 1)));
            assertThat(line.get("message_id").asText()).isEqualTo(id);
            assertThat(line.get("message")).isEqualTo(documents.docs.get(id).source());
            assertThat(fieldNames(line))
                    .containsExactly("message_id", "message", "history", "status", "audit", "export");
        }
        assertThat(leases.calls).containsExactly("complete 10", "fail 0", "release 0");
        assertThat(leases.doneBatches).containsExactly(BATCH);
    }

    @Test
    void ndjsonGz_leavesPermanentFailuresOutOfTheObject_andFailsTheirRows() throws Exception {
        given(ids);
        documents.docs.remove("m4");

        BatchOutcome outcome = ndjsonExporter().export(batch(), 1, deadline(Duration.ofMinutes(1)));

        assertThat(outcome.acknowledged()).isTrue();
        assertThat(outcome.failed()).isEqualTo(1);
        assertThat(lines(BATCH_KEY))
                .hasSize(10)
                .noneMatch(l -> l != null && l.get("message_id").asText().equals("m4"));
        assertThat(leases.row("m4").status).isEqualTo(MessageStatus.FAILED);
        assertThat(leases.row("m4").s3Path).isNull();
        assertThat(leases.row("m5").s3Path).isEqualTo(BATCH_KEY + "#5");
    }

    @Test
    void ndjsonGz_redeliveryClaimingSomeRows_keepsEarlierLinesInPlace_andAppendsTheRest() throws Exception {
        given(ids);
        documents.docs.remove("m4");
        ndjsonExporter().export(batch(), 1, deadline(Duration.ofMinutes(1)));
        Map<String, String> before = new HashMap<>();
        ids.forEach(id -> before.put(id, leases.row(id).s3Path));
        documents.add("m4", "2026-03-01T23:30:00-05:00");

        BatchOutcome again = ndjsonExporter().export(batch(), 2, deadline(Duration.ofMinutes(1)));

        assertThat(again.claimed()).isEqualTo(1);
        assertThat(again.exported()).isEqualTo(1);
        assertThat(store.puts).containsExactly(BATCH_KEY, BATCH_KEY);
        List<JsonNode> lines = lines(BATCH_KEY);
        assertThat(lines).hasSize(11);
        assertThat(lines.stream().skip(1).map(l -> l.get("message_id").asText()))
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(ids);
        for (String id : ids) {
            if (!id.equals("m4")) {
                assertThat(leases.row(id).s3Path).as("line of %s unchanged", id).isEqualTo(before.get(id));
            }
            String path = leases.row(id).s3Path;
            assertThat(lines.get(Integer.parseInt(path.substring(path.indexOf('#') + 1)))
                            .get("message_id")
                            .asText())
                    .isEqualTo(id);
        }
        assertThat(leases.row("m4").s3Path).isEqualTo(BATCH_KEY + "#10");
    }

    @Test
    void ndjsonGz_afterADeliveryThatRecordedPartOfItsLines_theOthersFillTheFreeLines_withoutDuplicates()
            throws Exception {
        given(ids);
        ndjsonExporter().export(batch(), 1, deadline(Duration.ofMinutes(1)));
        // as if that delivery had died after its PUT with only part of its rows recorded as completed
        for (String id : List.of("m2", "m7", "m9")) {
            leases.row(id).status = MessageStatus.PENDING;
            leases.row(id).s3Path = null;
        }

        BatchOutcome again = ndjsonExporter().export(batch(), 2, deadline(Duration.ofMinutes(1)));

        assertThat(again.claimed()).isEqualTo(3);
        List<JsonNode> lines = lines(BATCH_KEY);
        assertThat(lines).hasSize(11);
        assertThat(lines.stream().skip(1).map(l -> l.get("message_id").asText()))
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(ids);
        for (String id : ids) {
            String path = leases.row(id).s3Path;
            assertThat(lines.get(Integer.parseInt(path.substring(path.indexOf('#') + 1)))
                            .get("message_id")
                            .asText())
                    .as("line of %s", id)
                    .isEqualTo(id);
        }
        assertThat(leases.row("m0").s3Path).isEqualTo(BATCH_KEY + "#1");
    }

    @Test
    void ndjsonGz_rowsHeldByAnotherDelivery_writeNothing_andReleaseWhatWasClaimed() {
        given(ids);
        leases.claim(JOB, List.of("m0"), "other-delivery", NOW, NOW.plus(Duration.ofMinutes(10)));

        BatchOutcome outcome = ndjsonExporter().export(batch(), 1, deadline(Duration.ofMinutes(1)));

        assertThat(outcome.acknowledged()).isFalse();
        assertThat(outcome.released()).isEqualTo(9);
        assertThat(store.puts).isEmpty();
        assertThat(leases.row("m1").status).isEqualTo(MessageStatus.PENDING);
        assertThat(leases.row("m1").lastError).contains("held by another delivery");
        assertThat(leases.row("m0").leaseToken).isEqualTo("other-delivery");
    }

    @Test
    void ndjsonGz_aFailingPut_isRetried_thenReleasesEveryClaimedRow() {
        given(ids);
        store.failTransiently(k -> true);

        BatchOutcome outcome = ndjsonExporter().export(batch(), 1, deadline(Duration.ofSeconds(3)));

        assertThat(outcome.acknowledged()).isFalse();
        assertThat(store.attempts(BATCH_KEY)).isGreaterThan(1);
        assertThat(outcome.released()).isEqualTo(10);
        assertThat(leases.rows.values()).allMatch(r -> r.status == MessageStatus.PENDING && r.s3Path == null);
    }

    private static final class FakeDocuments implements MessageDocuments {
        final Map<String, MessageDocument> docs = new LinkedHashMap<>();
        boolean unreachable;

        void add(String id, String timestamp) {
            ObjectNode source = JSON.createObjectNode()
                    .put("id", id)
                    .put("timestamp", timestamp)
                    .put("body", "hello " + id);
            List<JsonNode> history = List.of(
                    JSON.createObjectNode().put("n", 0), JSON.createObjectNode().put("n", 1));
            docs.put(
                    id,
                    new MessageDocument(
                            id,
                            "messages-000001",
                            source,
                            Map.of(
                                    "history",
                                    history,
                                    "status",
                                    List.of(JSON.createObjectNode().put("s", "sent")),
                                    "audit",
                                    List.of())));
        }

        @Override
        public Map<String, MessageDocument> fetch(List<String> messageIds) {
            if (unreachable) {
                throw new TransientException("503 Service Unavailable", null);
            }
            Map<String, MessageDocument> out = new HashMap<>();
            messageIds.forEach(id -> {
                if (docs.containsKey(id)) {
                    out.put(id, docs.get(id));
                }
            });
            return out;
        }

        @Override
        public String messagesIndex() {
            return "messages";
        }
    }

    private static final class FakeObjectStore implements ObjectStore {
        final Map<String, byte[]> objects = new HashMap<>();
        final Map<String, String> contentTypes = new HashMap<>();
        final List<String> puts = new ArrayList<>();
        private Predicate<String> transientFailure = k -> false;
        private Predicate<String> refusal = k -> false;
        /** Runs at the start of every PUT: what happens elsewhere while this delivery writes. */
        java.util.function.Consumer<String> meanwhile = k -> {};

        void failTransiently(Predicate<String> which) {
            transientFailure = which;
        }

        void refuse(Predicate<String> which) {
            refusal = which;
        }

        long attempts(String key) {
            return puts.stream().filter(key::equals).count();
        }

        @Override
        public synchronized void put(String key, byte[] json, String contentType) {
            meanwhile.accept(key);
            puts.add(key);
            if (transientFailure.test(key)) {
                throw new TransientException("503 Slow Down", null);
            }
            if (refusal.test(key)) {
                throw new IllegalStateException("403 Access Denied");
            }
            objects.put(key, json);
            contentTypes.put(key, contentType);
        }
    }
}
