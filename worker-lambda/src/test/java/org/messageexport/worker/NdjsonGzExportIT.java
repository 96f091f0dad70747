package org.messageexport.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.messageexport.adapter.sqs.BatchMessageCodec;
import org.messageexport.config.EnvNames;
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
 * The worker in the {@code ndjson-gz} output format against the embedded Elasticsearch, MySQL and S3: one gzip'd
 * NDJSON object per batch whose lines equal the indexed messages, each row's {@code s3_path} finding its line, a
 * redelivery rewriting the same key without a duplicate line, and a permanent failure left out of the object.
 */
@ExtendWith(EmbeddedServicesExtension.class)
class NdjsonGzExportIT {
    private static final AtomicInteger TEST_NUMBER = new AtomicInteger();

    private final EmbeddedServices services;
    private DataSource ds;
    private S3Client s3;
    private ExportFixture fixture;
    private String bucket;
    private FaultyHttpClient http;
    private WorkerComponents components;
    private ExportBatchHandler handler;

    NdjsonGzExportIT(EmbeddedServices services) {
        this.services = services;
    }

    @BeforeEach
    void setUp() throws Exception {
        ds = TestServices.dataSource(services);
        TestServices.truncate(ds);
        int n = TEST_NUMBER.incrementAndGet();
        bucket = "ndjson-it-" + n;
        s3 = services.s3Client();
        s3.createBucket(b -> b.bucket(bucket));
        fixture = new ExportFixture(services.elasticsearchUrl(), "nd" + n, 100 + n);
        fixture.createIndices();
        Map<String, String> env = new HashMap<>(LocalEndpoints.of(services).environment(bucket, null));
        env.put(EnvNames.MESSAGES_INDEX, fixture.messagesIndex());
        env.put(EnvNames.SIDE_COLLECTIONS, fixture.sideCollectionsSpec());
        env.put(EnvNames.S3_SSE, "none");
        env.put(EnvNames.OUTPUT_FORMAT, "ndjson-gz");
        components = WorkerComponents.create(
                WorkerConfig.fromEnv(env, SecretLookup.NONE), real -> http = new FaultyHttpClient(real), s -> s);
        handler = ExportBatchHandler.withMetricsSink(components.exporter(), line -> {});
    }

    @AfterEach
    void tearDown() throws Exception {
        components.close();
        s3.close();
    }

    private SQSBatchResponse deliver(MessageBatch batch, int receiveCount, Duration budget) {
        SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
        m.setMessageId("sqs-message-1");
        m.setBody(BatchMessageCodec.encode(batch));
        m.setAttributes(Map.of("ApproximateReceiveCount", Integer.toString(receiveCount)));
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(m));
        return handler.handleRequest(event, LocalLambdaContext.of("worker", budget));
    }

    record Row(String status, String s3Path, String lastError) {}

    private Map<String, Row> rows() throws Exception {
        Map<String, Row> out = new HashMap<>();
        try (Connection c = ds.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT message_id, status, s3_path, last_error FROM message_tracking");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), new Row(rs.getString(2), rs.getString(3), rs.getString(4)));
            }
        }
        return out;
    }

    private void sql(String statement) throws Exception {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(statement)) {
            ps.executeUpdate();
        }
    }

    private List<String> objectKeys() {
        List<String> keys = new ArrayList<>();
        s3.listObjectsV2Paginator(l -> l.bucket(bucket)).contents().forEach((S3Object o) -> keys.add(o.key()));
        return keys;
    }

    /** The object's lines, parsed, in order (the first line is element 0). */
    private List<JsonNode> lines(String key) throws Exception {
        ResponseBytes<GetObjectResponse> got =
                s3.getObjectAsBytes(g -> g.bucket(bucket).key(key));
        assertThat(got.response().contentType()).isEqualTo("application/gzip");
        List<JsonNode> out = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(new ByteArrayInputStream(got.asByteArray())), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                out.add(ExportFixture.JSON.readTree(line));
            }
        }
        return out;
    }

    /** The line a row's s3_path names, read from S3. */
    private JsonNode lineOf(String s3Path) throws Exception {
        ObjectKeyScheme.LineRef ref = ObjectKeyScheme.parseLinePath(s3Path).orElseThrow();
        return lines(ref.key()).get(ref.line() - 1);
    }

    private String batchKey(MessageBatch batch) {
        return "exports/2026/03/01/batch-" + batch.jobId() + "-" + batch.batchId() + ".ndjson.gz";
    }

    /** Each of {@code ids} is completed, and the line its s3_path names equals the indexed message and its side documents. */
    private void assertExported(MessageBatch batch, List<String> ids) throws Exception {
        Map<String, Row> rows = rows();
        List<JsonNode> lines = lines(batchKey(batch));
        for (String id : ids) {
            Row row = rows.get(id);
            assertThat(row.status()).as("status of %s", id).isEqualTo("completed");
            assertThat(row.s3Path()).startsWith(batchKey(batch) + "#");
            ObjectKeyScheme.LineRef ref =
                    ObjectKeyScheme.parseLinePath(row.s3Path()).orElseThrow();
            JsonNode line = lines.get(ref.line() - 1);
            assertThat(ExportFixture.withoutExport(line)).as("line of %s", id).isEqualTo(fixture.expected.get(id));
            assertThat(line.get("export").get("job_id").asLong()).isEqualTo(batch.jobId());
            assertThat(line.get("export").get("batch_id").asLong()).isEqualTo(batch.batchId());
        }
    }

    @Test
    void batchOf500_isOneGzipNdjsonObject_whoseLinesEqualTheIndex_andEachRowFindsItsLine() throws Exception {
        List<String> ids = new ArrayList<>(
                IntStream.range(0, 496).mapToObj(i -> "msg-" + i).toList());
        ids.addAll(List.of("a/b c#1", "..", "ünïcødé-✓", "x".repeat(255)));
        fixture.seed(ids, 10, 300);
        MessageBatch batch = ExportFixture.track(ds, ids);

        SQSBatchResponse response = deliver(batch, 1, Duration.ofMinutes(2));

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(objectKeys()).containsExactly(batchKey(batch));
        assertThat(http.putsSent).hasValue(1);
        List<JsonNode> lines = lines(batchKey(batch));
        assertThat(lines).hasSize(500);
        assertThat(lines.stream().map(l -> l.get("message_id").asText())).containsExactlyElementsOf(ids);
        assertExported(batch, ids);
        assertThat(lineOf(rows().get("a/b c#1").s3Path()).get("message_id").asText())
                .isEqualTo("a/b c#1");
    }

    @Test
    void redelivery_rewritesTheSameKey_withoutADuplicateLine_andCompletedLinesStayInPlace() throws Exception {
        List<String> ids = IntStream.range(0, 200).mapToObj(i -> "msg-" + i).toList();
        fixture.seed(ids, 3, 200);
        MessageBatch batch = ExportFixture.track(ds, ids);
        // the first delivery's PUT fails throughout: nothing is written, every row is released
        http.failureRate(1.0);
        SQSBatchResponse first = deliver(batch, 1, Duration.ofSeconds(5));
        assertThat(first.getBatchItemFailures()).hasSize(1);
        assertThat(objectKeys()).isEmpty();
        assertThat(rows().values()).allSatisfy(r -> assertThat(r.status()).isEqualTo("pending"));
        http.failureRate(0);

        assertThat(deliver(batch, 2, Duration.ofMinutes(2)).getBatchItemFailures())
                .isEmpty();
        assertExported(batch, ids);
        Map<String, Row> completed = rows();

        // a delivery that died after its PUT having recorded only part of its rows: the others are claimable again
        sql("UPDATE message_tracking SET status = 'pending', s3_path = NULL WHERE message_id IN"
                + " ('msg-3', 'msg-50', 'msg-199')");
        SQSBatchResponse third = deliver(batch, 3, Duration.ofMinutes(2));
        // and a redelivery of the done batch changes nothing
        int puts = http.putsSent.get();
        SQSBatchResponse fourth = deliver(batch, 4, Duration.ofMinutes(2));

        assertThat(third.getBatchItemFailures()).isEmpty();
        assertThat(fourth.getBatchItemFailures()).isEmpty();
        assertThat(http.putsSent).hasValue(puts);
        assertThat(objectKeys()).containsExactly(batchKey(batch));
        List<JsonNode> lines = lines(batchKey(batch));
        assertThat(lines.stream().map(l -> l.get("message_id").asText()))
                .hasSize(200)
                .doesNotHaveDuplicates();
        assertExported(batch, ids);
        Map<String, Row> after = rows();
        for (String id : ids) {
            if (!List.of("msg-3", "msg-50", "msg-199").contains(id)) {
                assertThat(after.get(id).s3Path())
                        .as("line of %s", id)
                        .isEqualTo(completed.get(id).s3Path());
            }
        }
    }

    @Test
    void aPermanentFailureInsideTheBatch_isLeftOutOfTheObject_andItsRowFails() throws Exception {
        List<String> indexed = IntStream.range(0, 100).mapToObj(i -> "msg-" + i).toList();
        fixture.seed(indexed, 3, 200);
        List<String> ids = new ArrayList<>(indexed);
        ids.add(50, "gone-from-index");
        MessageBatch batch = ExportFixture.track(ds, ids);

        SQSBatchResponse response = deliver(batch, 1, Duration.ofMinutes(2));

        assertThat(response.getBatchItemFailures()).isEmpty();
        List<JsonNode> lines = lines(batchKey(batch));
        assertThat(lines.stream().map(l -> l.get("message_id").asText())).containsExactlyElementsOf(indexed);
        Row failed = rows().get("gone-from-index");
        assertThat(failed.status()).isEqualTo("failed");
        assertThat(failed.s3Path()).isNull();
        assertThat(failed.lastError()).isEqualTo("not found in index " + fixture.messagesIndex());
        assertExported(batch, indexed);
    }
}
