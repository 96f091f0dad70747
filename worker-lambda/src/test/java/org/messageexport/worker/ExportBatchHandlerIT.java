package org.messageexport.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.messageexport.adapter.sqs.BatchMessageCodec;
import org.messageexport.config.EnvNames;
import org.messageexport.config.SearchEngine;
import org.messageexport.config.SecretLookup;
import org.messageexport.domain.MessageBatch;
import org.messageexport.domain.ObjectKeyScheme;
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.embedded.EmbeddedServicesExtension;
import org.messageexport.localkit.LocalEndpoints;
import org.messageexport.localkit.LocalLambdaContext;
import org.messageexport.testing.TestServices;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The worker against the embedded Elasticsearch 8.19 or OpenSearch 3.9 (the same suite on each), MySQL and S3: what
 * lands in S3 and in the tracking rows.
 */
@ExtendWith(EmbeddedServicesExtension.class)
@ParameterizedClass(name = "{0}")
@EnumSource(SearchEngine.class)
class ExportBatchHandlerIT {
    @Parameter
    SearchEngine engine;

    private static final AtomicInteger TEST_NUMBER = new AtomicInteger();
    private static final ObjectMapper EVENTS = JsonMapper.builder()
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final EmbeddedServices services;
    private DataSource ds;
    private S3Client s3;
    private ExportFixture fixture;
    private String bucket;
    private FaultyHttpClient http;
    private WorkerComponents components;
    private ExportBatchHandler handler;
    private final List<String> metricLines = new CopyOnWriteArrayList<>();

    ExportBatchHandlerIT(EmbeddedServices services) {
        this.services = services;
    }

    @BeforeEach
    void setUp() throws Exception {
        ds = TestServices.dataSource(services);
        TestServices.truncate(ds);
        int n = TEST_NUMBER.incrementAndGet();
        bucket = "worker-it-" + n;
        s3 = services.s3Client();
        s3.createBucket(b -> b.bucket(bucket));
        fixture = new ExportFixture(LocalEndpoints.of(services, engine).elasticsearch(), "t" + n, n);
        fixture.createIndices();
    }

    private void startWorker(Map<String, String> extraEnv) {
        Map<String, String> env =
                new HashMap<>(LocalEndpoints.of(services, engine).environment(bucket, null));
        env.put(EnvNames.MESSAGES_INDEX, fixture.messagesIndex());
        env.put(EnvNames.SIDE_COLLECTIONS, fixture.sideCollectionsSpec());
        // S3Proxy answers 501 NotImplemented to SSE headers (S3ObjectStoreIT shows the headers and the refusal)
        env.put(EnvNames.S3_SSE, "none");
        env.putAll(extraEnv);
        WorkerConfig config = WorkerConfig.fromEnv(env, SecretLookup.NONE);
        components = WorkerComponents.create(config, real -> http = new FaultyHttpClient(real), store -> store);
        handler = ExportBatchHandler.withMetricsSink(components.exporter(), metricLines::add);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (components != null) {
            components.close();
        }
        s3.close();
    }

    private static List<String> ids(int n) {
        return IntStream.range(0, n).mapToObj(i -> "msg-" + i).toList();
    }

    private static SQSEvent event(String fixtureName, Map<String, String> replacements) throws Exception {
        try (InputStream in = ExportBatchHandlerIT.class.getResourceAsStream("/events/" + fixtureName)) {
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (var r : replacements.entrySet()) {
                json = json.replace(r.getKey(), r.getValue());
            }
            return EVENTS.readValue(json, SQSEvent.class);
        }
    }

    private static SQSEvent batchEvent(MessageBatch batch, int receiveCount) throws Exception {
        return event(
                "one-batch.json",
                Map.of(
                        "\"${body}\"", ExportFixture.JSON.writeValueAsString(BatchMessageCodec.encode(batch)),
                        "${receiveCount}", Integer.toString(receiveCount)));
    }

    private SQSBatchResponse handle(SQSEvent event, Duration budget) {
        return handler.handleRequest(event, LocalLambdaContext.of("worker", budget));
    }

    record Row(String status, String s3Path, String lastError, int attempts, String completedAt) {}

    private Map<String, Row> rows() throws Exception {
        Map<String, Row> out = new HashMap<>();
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT message_id, status, s3_path, last_error, attempts, completed_at FROM message_tracking");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(
                        rs.getString(1),
                        new Row(rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5), rs.getString(6)));
            }
        }
        return out;
    }

    private String batchStatus(long batchId) throws Exception {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT status FROM message_batches WHERE batch_id = ?")) {
            ps.setLong(1, batchId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private List<String> objectKeys() {
        List<String> keys = new ArrayList<>();
        s3.listObjectsV2Paginator(l -> l.bucket(bucket)).contents().forEach((S3Object o) -> keys.add(o.key()));
        return keys;
    }

    private JsonNode object(String key) throws Exception {
        ResponseBytes<GetObjectResponse> got =
                s3.getObjectAsBytes(g -> g.bucket(bucket).key(key));
        assertThat(got.response().contentType()).isEqualTo("application/json");
        return ExportFixture.JSON.readTree(got.asByteArray());
    }

    private String expectedKey(String id) {
        var day = fixture.utcDay.get(id);
        return String.format(
                "exports/%04d/%02d/%02d/%s.json",
                day.getYear(), day.getMonthValue(), day.getDayOfMonth(), ObjectKeyScheme.safeId(id));
    }

    /** Every object equals the message and its sorted side documents; every row is completed with the object's key. */
    private void assertExported(MessageBatch batch, List<String> ids) throws Exception {
        Map<String, Row> rows = rows();
        for (String id : ids) {
            Row row = rows.get(id);
            assertThat(row.status()).as("status of %s", id).isEqualTo("completed");
            assertThat(row.s3Path()).isEqualTo(expectedKey(id));
            assertThat(row.completedAt()).isNotNull();
            JsonNode exported = object(row.s3Path());
            assertThat(ExportFixture.withoutExport(exported))
                    .as("export of %s", id)
                    .isEqualTo(fixture.expected.get(id));
            assertThat(exported.get("export").get("job_id").asLong()).isEqualTo(batch.jobId());
            assertThat(exported.get("export").get("batch_id").asLong()).isEqualTo(batch.batchId());
            assertThat(exported.get("export").get("source").get("index").asText())
                    .isEqualTo(fixture.messagesIndex());
            assertThat(exported.get("export").get("exported_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        }
    }

    /**
     * SnapStart's hooks on a live worker, in the order Lambda calls them: a batch exported, the checkpoint (every pool
     * and socket closed), the restore (secrets forgotten, jitter reseeded), then another batch exported, which reads
     * the database secret again.
     */
    @Test
    void checkpointThenRestore_closesEveryConnection_andTheRestoredWorkerReadsItsSecretAgain() throws Exception {
        List<String> ids = ids(40);
        fixture.seed(ids, 3, 200);
        MessageBatch before = ExportFixture.track(ds, ids.subList(0, 20));
        MessageBatch after = ExportFixture.track(ds, ids.subList(20, 40));
        Map<String, String> env =
                new HashMap<>(LocalEndpoints.of(services, engine).environment(bucket, null));
        env.put(EnvNames.MESSAGES_INDEX, fixture.messagesIndex());
        env.put(EnvNames.SIDE_COLLECTIONS, fixture.sideCollectionsSpec());
        String user = env.remove(EnvNames.DB_USERNAME);
        String password = env.remove(EnvNames.DB_PASSWORD);
        env.put(EnvNames.DB_SECRET_ARN, "arn:aws:secretsmanager:eu-west-1:123456789012:secret:export/db-AbCdEf");
        AtomicInteger secretReads = new AtomicInteger();
        WorkerConfig config = WorkerConfig.fromEnv(env, arn -> {
            secretReads.incrementAndGet();
            return Map.of("username", user, "password", password == null ? "" : password);
        });

        components = WorkerComponents.create(config);
        handler = ExportBatchHandler.withMetricsSink(components.exporter(), metricLines::add);
        assertThat(components.connected())
                .as("building the worker connects nothing")
                .isFalse();
        assertThat(secretReads).as("building the worker reads no secret").hasValue(0);

        assertThat(handle(batchEvent(before, 1), Duration.ofMinutes(2)).getBatchItemFailures())
                .isEmpty();
        assertThat(components.connected()).isTrue();
        assertThat(secretReads).hasValue(1);

        components.beforeCheckpoint(null);
        assertThat(components.connected())
                .as("nothing open goes into the snapshot")
                .isFalse();
        components.afterRestore(null);

        assertThat(handle(batchEvent(after, 1), Duration.ofMinutes(2)).getBatchItemFailures())
                .isEmpty();
        assertExported(after, ids.subList(20, 40));
        assertExported(before, ids.subList(0, 20));
        assertThat(secretReads).as("the restored worker read its secret again").hasValue(2);
    }

    @Test
    void batchOf500_writesObjectsEqualToTheIndexedDocuments_andCompletesRowsWithTheirPath() throws Exception {
        // message_id is VARCHAR(255): the longest id is hashed in its key
        List<String> ids = new ArrayList<>(ids(496));
        ids.addAll(List.of("a/b c", "..", "ünïcødé-✓", "x".repeat(255)));
        fixture.seed(ids, 30, 600);
        MessageBatch batch = ExportFixture.track(ds, ids);
        startWorker(Map.of());

        SQSBatchResponse response = handle(batchEvent(batch, 1), Duration.ofMinutes(2));

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(objectKeys()).hasSize(500).doesNotHaveDuplicates();
        assertExported(batch, ids);
        assertThat(batchStatus(batch.batchId())).isEqualTo("done");
        assertThat(rows().values()).allSatisfy(r -> assertThat(r.attempts()).isEqualTo(1));
        JsonNode metrics = ExportFixture.JSON.readTree(metricLines.getFirst());
        assertThat(metrics.get("MessagesExported").asInt()).isEqualTo(500);
        assertThat(metrics.get("MessagesFailed").asInt()).isZero();
        assertThat(metrics.get("BytesExported").asLong()).isPositive();
        assertThat(metrics.get("_aws")
                        .get("CloudWatchMetrics")
                        .get(0)
                        .get("Namespace")
                        .asText())
                .isEqualTo("MessageExport");
    }

    @Test
    void batchDeliveredToTwoWorkersAtOnce_theFirstKilledAfterItsClaim_isNeverAcknowledgedEarly_andExportedOnce()
            throws Exception {
        List<String> ids = ids(40);
        fixture.seed(ids, 2, 200);
        MessageBatch batch = ExportFixture.track(ds, ids);
        // two Lambda instances, each with its own clients: the first one's PUTs hang (it is about to be killed)
        startWorker(Map.of());
        FaultyHttpClient firstHttp = http;
        ExportBatchHandler firstWorker = handler;
        CountDownLatch firstWorkersPuts = new CountDownLatch(1);
        firstHttp.hold = firstWorkersPuts;
        WorkerComponents firstComponents = components;
        startWorker(Map.of());
        WorkerComponents secondComponents = components;
        try {
            // the first worker claims every row, then hangs before its PUTs; its budget outlasts the steps below even
            // on a loaded machine, so the order of events is set by this test, not by timing
            SQSEvent firstDelivery = batchEvent(batch, 1);
            CompletableFuture<SQSBatchResponse> first = CompletableFuture.supplyAsync(() ->
                    firstWorker.handleRequest(firstDelivery, LocalLambdaContext.of("worker", Duration.ofMinutes(10))));
            long until = System.currentTimeMillis() + 120_000;
            while (firstHttp.held.get() == 0 && System.currentTimeMillis() < until) {
                Thread.sleep(20);
            }
            assertThat(firstHttp.held).as("the first worker reached its PUTs").doesNotHaveValue(0);
            assertThat(rows().values()).allSatisfy(r -> assertThat(r.status()).isEqualTo("in_progress"));

            // the same message, delivered to the second worker meanwhile: every row is under the first one's live lease
            SQSBatchResponse second = handle(batchEvent(batch, 1), Duration.ofSeconds(30));

            assertThat(second.getBatchItemFailures())
                    .as("a batch whose rows someone else holds is retried later")
                    .hasSize(1);
            assertThat(batchStatus(batch.batchId())).isNotEqualTo("done");
            assertThat(objectKeys()).isEmpty();

            // the first worker's lease expires (it is as good as dead): its lease end moves into the past, as time
            // would move it; the redelivery takes its rows and exports them
            assertThat(expireLeases()).isEqualTo(40);
            SQSBatchResponse redelivery = handle(batchEvent(batch, 2), Duration.ofSeconds(30));
            assertThat(redelivery.getBatchItemFailures()).isEmpty();
            assertThat(batchStatus(batch.batchId())).isEqualTo("done");

            // the first worker dies: no PUT of it ever succeeds, and its late results change nothing
            firstHttp.killHeld = true;
            firstWorkersPuts.countDown();
            assertThat(first.get(120, TimeUnit.SECONDS).getBatchItemFailures()).hasSize(1);
            assertExported(batch, ids);
            assertThat(objectKeys()).hasSize(40);
            assertThat(firstHttp.storedByPath).isEmpty();
            assertThat(http.maxStoresOfOnePath()).contains(1);
        } finally {
            firstWorkersPuts.countDown();
            firstComponents.close();
            components = secondComponents;
        }
    }

    /** Moves every live lease's end into the past (the time a lease lasts, elapsed); returns the rows changed. */
    private int expireLeases() throws Exception {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE message_tracking SET lease_until = ?"
                        + " WHERE status = 'in_progress' AND lease_until >= ?")) {
            java.sql.Timestamp now = java.sql.Timestamp.from(java.time.Instant.now());
            ps.setTimestamp(1, java.sql.Timestamp.from(java.time.Instant.now().minusSeconds(1)));
            ps.setTimestamp(2, now);
            return ps.executeUpdate();
        }
    }

    @Test
    void sameMessageDeliveredTwice_putsNothingTheSecondTime_andLeavesRowsAsTheyWere() throws Exception {
        List<String> ids = ids(500);
        fixture.seed(ids, 5, 200);
        MessageBatch batch = ExportFixture.track(ds, ids);
        startWorker(Map.of());
        assertThat(handle(batchEvent(batch, 1), Duration.ofMinutes(2)).getBatchItemFailures())
                .isEmpty();
        Map<String, Row> before = rows();
        int putsBefore = http.putsSent.get();

        SQSBatchResponse second = handle(batchEvent(batch, 2), Duration.ofMinutes(2));

        assertThat(second.getBatchItemFailures()).isEmpty();
        assertThat(http.putsSent.get()).isEqualTo(putsBefore);
        assertThat(rows()).isEqualTo(before);
        assertThat(objectKeys()).hasSize(500);
        assertExported(batch, ids);
    }

    @Test
    void a20PercentShareOfPutsFailing_isRetried_untilAllAreStoredOnce() throws Exception {
        List<String> ids = ids(500);
        fixture.seed(ids, 5, 200);
        MessageBatch batch = ExportFixture.track(ds, ids);
        startWorker(Map.of());
        http.failureRate(0.2);

        SQSBatchResponse response = handle(batchEvent(batch, 1), Duration.ofMinutes(3));

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(http.injected.get()).isGreaterThan(50);
        assertThat(http.storedByPath).hasSize(500);
        assertThat(http.maxStoresOfOnePath()).contains(1);
        assertThat(objectKeys()).hasSize(500).doesNotHaveDuplicates();
        assertExported(batch, ids);
    }

    @Test
    void putsFailingPermanently_releaseRowsWithReason_thenFailThemOnTheLastReceive() throws Exception {
        List<String> ids = ids(50);
        fixture.seed(ids, 3, 200);
        MessageBatch batch = ExportFixture.track(ds, ids);
        startWorker(Map.of(EnvNames.MAX_RECEIVE_COUNT, "3"));
        http.failureRate(1.0);

        SQSBatchResponse first = handle(batchEvent(batch, 1), Duration.ofSeconds(6));

        assertThat(first.getBatchItemFailures())
                .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly("sqs-message-1");
        assertThat(rows().values()).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo("pending");
            // the injected 503, the call timeout that keeps the last PUTs within the invocation's budget, or (the
            // first invocation opens its connections within its budget: on a loaded machine the last PUTs may not
            // start at all) the deadline reached before the PUT
            assertThat(r.lastError())
                    .satisfiesAnyOf(
                            e -> assertThat(e)
                                    .startsWith("S3 PUT failed: PUT s3://" + bucket + "/exports/")
                                    .containsAnyOf("503 SlowDown", "timeout"),
                            e -> assertThat(e)
                                    .startsWith("S3 PUT failed: deadline reached before the PUT of exports/"));
        });
        assertThat(batchStatus(batch.batchId())).isEqualTo("enqueued");

        SQSBatchResponse last = handle(batchEvent(batch, 3), Duration.ofSeconds(6));

        assertThat(last.getBatchItemFailures()).hasSize(1);
        assertThat(rows().values()).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo("failed");
            assertThat(r.lastError())
                    .containsAnyOf("503 SlowDown", "timeout", "deadline reached")
                    .endsWith("(gave up on receive 3)");
            assertThat(r.attempts()).isEqualTo(2);
        });
        assertThat(objectKeys()).isEmpty();
    }

    @Test
    void messageDeletedFromTheIndexAfterExtraction_failsItsRow_andCompletesTheOthers() throws Exception {
        List<String> ids = ids(500);
        fixture.seed(ids, 3, 200);
        MessageBatch batch = ExportFixture.track(ds, ids);
        fixture.deleteMessage("msg-123");
        startWorker(Map.of());

        SQSBatchResponse response = handle(batchEvent(batch, 1), Duration.ofMinutes(2));

        assertThat(response.getBatchItemFailures()).isEmpty();
        Map<String, Row> rows = rows();
        assertThat(rows.get("msg-123").status()).isEqualTo("failed");
        assertThat(rows.get("msg-123").lastError()).isEqualTo("not found in index " + fixture.messagesIndex());
        List<String> others = ids.stream().filter(id -> !id.equals("msg-123")).toList();
        assertExported(batch, others);
        assertThat(objectKeys()).hasSize(499);
        assertThat(batchStatus(batch.batchId())).isEqualTo("done");
    }

    @Test
    void sideCollectionOver10000DocumentsForOneBatch_isExportedComplete() throws Exception {
        List<String> ids = ids(10);
        fixture.seed(ids, 0, 100);
        // 10,500 history documents for the batch: more than one search can return
        var history = fixture.collections.getFirst();
        for (int i = 0; i < ids.size(); i++) {
            var bulk = new StringBuilder();
            var docs = fixture.sideDocs(
                    history, ids.get(i), i, 1050, java.time.Instant.parse("2026-03-01T21:00:00Z"), bulk, 20);
            fixture.write(bulk);
            ((com.fasterxml.jackson.databind.node.ObjectNode) fixture.expected.get(ids.get(i))).set("history", docs);
        }
        MessageBatch batch = ExportFixture.track(ds, ids);
        startWorker(Map.of());

        SQSBatchResponse response = handle(batchEvent(batch, 1), Duration.ofMinutes(2));

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertExported(batch, ids);
        assertThat(object(rows().get("msg-3").s3Path()).get("history")).hasSize(1050);
    }

    @Test
    void malformedBody_isReportedAsBatchItemFailure_andTheOtherRecordsAreProcessed() throws Exception {
        List<String> ids = ids(20);
        fixture.seed(ids, 2, 100);
        MessageBatch batch = ExportFixture.track(ds, ids);
        startWorker(Map.of());
        SQSEvent event = event(
                "malformed-and-valid.json",
                Map.of("\"${body}\"", ExportFixture.JSON.writeValueAsString(BatchMessageCodec.encode(batch))));

        SQSBatchResponse response = handle(event, Duration.ofMinutes(1));

        assertThat(response.getBatchItemFailures())
                .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactlyInAnyOrder("not-json", "no-message-ids");
        assertExported(batch, ids);
        assertThat(batchStatus(batch.batchId())).isEqualTo("done");
    }
}
