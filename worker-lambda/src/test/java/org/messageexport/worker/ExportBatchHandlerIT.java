package org.messageexport.worker;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.Refresh;
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
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.messageexport.adapter.elasticsearch.ElasticsearchClients;
import org.messageexport.adapter.lambda.LocalLambdaContext;
import org.messageexport.config.ElasticsearchConfig;
import org.messageexport.config.Env;
import org.messageexport.config.EnvNames;
import org.messageexport.config.SecretLookup;
import org.messageexport.domain.MessageBatch;
import org.messageexport.domain.ObjectKeyScheme;
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.embedded.EmbeddedServicesExtension;
import org.messageexport.observability.Metrics;
import org.messageexport.testing.TestServices;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The worker against the embedded Elasticsearch, MySQL and S3: what lands in S3 and in the tracking rows. */
@ExtendWith(EmbeddedServicesExtension.class)
class ExportBatchHandlerIT {
    private static final AtomicInteger TEST_NUMBER = new AtomicInteger();
    private static final ObjectMapper EVENTS = JsonMapper.builder()
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final EmbeddedServices services;
    private DataSource ds;
    private ElasticsearchClient es;
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
        es = ElasticsearchClients.create(ElasticsearchConfig.from(
                new Env(Map.of(EnvNames.ES_URL, services.elasticsearchUrl().toString())), SecretLookup.NONE));
        var ep = services.s3();
        s3 = S3Client.builder()
                .endpointOverride(ep.url())
                .region(Region.of(ep.region()))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(ep.accessKeyId(), ep.secretAccessKey())))
                .httpClient(ApacheHttpClient.create())
                .build();
        s3.createBucket(b -> b.bucket(bucket));
        fixture = new ExportFixture(es, "t" + n, n);
        fixture.createIndices();
    }

    private void startWorker(Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>(TestServices.environment(services, bucket, null));
        env.put(EnvNames.MESSAGES_INDEX, fixture.messagesIndex());
        env.put(EnvNames.SIDE_COLLECTIONS, fixture.sideCollectionsSpec());
        // S3Proxy answers 501 NotImplemented to SSE headers (S3ObjectStoreIT shows the headers and the refusal)
        env.put(EnvNames.S3_SSE, "none");
        env.putAll(extraEnv);
        WorkerConfig config = WorkerConfig.fromEnv(env, SecretLookup.NONE);
        components = WorkerComponents.create(config, real -> http = new FaultyHttpClient(real), store -> store);
        handler = new ExportBatchHandler(
                components.exporter(),
                () -> new Metrics("worker", metricLines::add, Clock.systemUTC()),
                Clock.systemUTC());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (components != null) {
            components.close();
        }
        s3.close();
        es._transport().close();
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
                        "\"${body}\"", ExportFixture.JSON.writeValueAsString(ExportFixture.body(batch)),
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
            // the injected 503, or the call timeout that keeps the last PUTs within the invocation's budget
            assertThat(r.lastError())
                    .startsWith("S3 PUT failed: PUT s3://" + bucket + "/exports/")
                    .containsAnyOf("503 SlowDown", "timeout");
        });
        assertThat(batchStatus(batch.batchId())).isEqualTo("enqueued");

        SQSBatchResponse last = handle(batchEvent(batch, 3), Duration.ofSeconds(6));

        assertThat(last.getBatchItemFailures()).hasSize(1);
        assertThat(rows().values()).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo("failed");
            assertThat(r.lastError()).containsAnyOf("503 SlowDown", "timeout").endsWith("(gave up on receive 3)");
            assertThat(r.attempts()).isEqualTo(2);
        });
        assertThat(objectKeys()).isEmpty();
    }

    @Test
    void messageDeletedFromTheIndexAfterExtraction_failsItsRow_andCompletesTheOthers() throws Exception {
        List<String> ids = ids(500);
        fixture.seed(ids, 3, 200);
        MessageBatch batch = ExportFixture.track(ds, ids);
        es.delete(d -> d.index(fixture.messagesIndex()).id("msg-123").refresh(Refresh.True));
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
            var bulk = new co.elastic.clients.elasticsearch.core.BulkRequest.Builder().refresh(Refresh.WaitFor);
            var docs = fixture.sideDocs(
                    history, ids.get(i), i, 1050, java.time.Instant.parse("2026-03-01T21:00:00Z"), bulk, 20);
            fixture.flush(bulk.build());
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
                Map.of("\"${body}\"", ExportFixture.JSON.writeValueAsString(ExportFixture.body(batch))));

        SQSBatchResponse response = handle(event, Duration.ofMinutes(1));

        assertThat(response.getBatchItemFailures())
                .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactlyInAnyOrder("not-json", "no-message-ids");
        assertExported(batch, ids);
        assertThat(batchStatus(batch.batchId())).isEqualTo("done");
    }
}
