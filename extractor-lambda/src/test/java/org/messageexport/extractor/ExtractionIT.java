package org.messageexport.extractor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.messageexport.adapter.mysql.MySqlBatchOutbox;
import org.messageexport.adapter.mysql.MySqlJobStore;
import org.messageexport.adapter.search.SearchAdapters;
import org.messageexport.config.EnvNames;
import org.messageexport.config.SearchEngine;
import org.messageexport.config.SecretLookup;
import org.messageexport.domain.Deadline;
import org.messageexport.domain.ExtractionCursor;
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.embedded.EmbeddedServicesExtension;
import org.messageexport.job.Backoff;
import org.messageexport.job.Jitter;
import org.messageexport.job.PageExtractor;
import org.messageexport.localkit.LocalEndpoints;
import org.messageexport.localkit.LocalLambdaContext;
import org.messageexport.localkit.SampleDataSeeder;
import org.messageexport.observability.Metrics;
import org.messageexport.port.BatchQueue;
import org.messageexport.testing.TestQueues;
import org.messageexport.testing.TestServices;

/**
 * Extraction on the embedded real services: message ids from Elasticsearch 8.19 and from OpenSearch 3.9 (the same
 * suite on each) → MySQL rows and batches → SQS.
 */
@ExtendWith(EmbeddedServicesExtension.class)
@ParameterizedClass(name = "{0}")
@EnumSource(SearchEngine.class)
class ExtractionIT {
    static final LocalDate DAY1 = LocalDate.of(2026, 11, 1);
    static final LocalDate DAY2 = DAY1.plusDays(1);
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-10T12:00:00Z"), ZoneOffset.UTC);
    static final ObjectMapper JSON = new ObjectMapper();
    static SampleDataSeeder.Seeded seeded;

    @Parameter
    SearchEngine engine;

    private final EmbeddedServices services;
    private final DataSource ds;
    private final TestQueues queues;
    private String queueUrl;
    private final List<ExtractorRuntime> runtimes = new ArrayList<>();

    ExtractionIT(EmbeddedServices services) {
        this.services = services;
        this.ds = TestServices.dataSource(services);
        this.queues = new TestQueues(services.sqs());
    }

    @BeforeParameterizedClassInvocation
    static void seed(SearchEngine engine, EmbeddedServices services) throws Exception {
        // 25,000 messages over 3 days, ~40% in the middle day
        seeded = new SampleDataSeeder(LocalEndpoints.of(services, engine).elasticsearch())
                .seed(new SampleDataSeeder.Spec(25_000, DAY1, new double[] {0.3, 0.4, 0.3}, 0, 200, 7), n -> {});
    }

    @BeforeEach
    void setUp() {
        TestServices.truncate(ds);
        queueUrl = queues.create("extract");
    }

    @AfterEach
    void tearDown() {
        runtimes.forEach(ExtractorRuntime::close);
        queues.close();
    }

    private ExtractorRuntime runtime(Map<String, String> overrides) {
        Map<String, String> env =
                new HashMap<>(LocalEndpoints.of(services, engine).environment("exports", queueUrl));
        env.putAll(overrides);
        ExtractorRuntime r = new ExtractorRuntime(ExtractorConfig.fromEnv(env, SecretLookup.NONE), CLOCK);
        runtimes.add(r);
        return r;
    }

    static JsonNode invoke(TaskHandler<?, ?> handler, String input, Duration timeout) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                out,
                LocalLambdaContext.of("test", timeout));
        return JSON.readTree(out.toByteArray());
    }

    private long planDay2(ExtractorRuntime runtime, String execution) throws Exception {
        JsonNode plan = invoke(
                new PlanJobHandler(runtime),
                "{\"request\":{\"startDate\":\"" + DAY2 + "\",\"endDate\":\"" + DAY2.plusDays(1)
                        + "\"},\"executionId\":\"" + execution + "\"}",
                Duration.ofMinutes(1));
        assertThat(plan.get("action").asText()).isEqualTo("RUN");
        return plan.get("jobId").asLong();
    }

    /** Calls ExtractPage like the state machine does until done; returns the number of calls. */
    private int extractUntilDone(ExtractorRuntime runtime, long jobId, String execution, Duration lambdaTimeout)
            throws Exception {
        ExtractPageHandler handler = new ExtractPageHandler(runtime);
        for (int calls = 1; calls <= 100; calls++) {
            JsonNode result =
                    invoke(handler, "{\"jobId\":" + jobId + ",\"executionId\":\"" + execution + "\"}", lambdaTimeout);
            if (result.get("done").asBoolean()) {
                return calls;
            }
        }
        throw new AssertionError("extraction not done after 100 calls");
    }

    private Map<String, Long> trackedRows(long jobId) throws Exception {
        Map<String, Long> rows = new HashMap<>();
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT message_id, batch_id, status FROM message_tracking WHERE job_id = ?")) {
            ps.setLong(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    assertThat(rs.getString(3)).isEqualTo("pending");
                    rows.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return rows;
    }

    private Map<Long, Integer> batchSizes(long jobId) throws Exception {
        Map<Long, Integer> sizes = new TreeMap<>();
        try (Connection c = ds.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT batch_id, size, status FROM message_batches WHERE job_id = ?")) {
            ps.setLong(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    assertThat(rs.getString(3))
                            .as("batch %d status", rs.getLong(1))
                            .isEqualTo("enqueued");
                    sizes.put(rs.getLong(1), rs.getInt(2));
                }
            }
        }
        return sizes;
    }

    /** Every batch on the queue exactly once, and together exactly the rows. */
    private void assertQueueHoldsEachBatchOnce(long jobId, Map<String, Long> rows, Map<Long, Integer> batches)
            throws Exception {
        assertThat(queues.depth(queueUrl)).isEqualTo(batches.size());
        List<JsonNode> messages = queues.drain(queueUrl);
        List<Long> sentBatchIds = new ArrayList<>();
        Map<String, Long> sentIds = new HashMap<>();
        for (JsonNode m : messages) {
            assertThat(m.get("jobId").asLong()).isEqualTo(jobId);
            long batchId = m.get("batchId").asLong();
            sentBatchIds.add(batchId);
            m.get("messageIds")
                    .forEach(id -> assertThat(sentIds.put(id.asText(), batchId))
                            .as("id sent twice")
                            .isNull());
            assertThat(m.get("messageIds").size()).isEqualTo(batches.get(batchId));
        }
        assertThat(sentBatchIds).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(batches.keySet());
        assertThat(sentIds).isEqualTo(rows);
    }

    /**
     * SnapStart's hooks on live task functions, in the order Lambda calls them: a job planned, the checkpoint (every
     * pool and socket closed), the restore, then the window extracted, which reads the database secret again.
     */
    @Test
    void checkpointThenRestore_closesEveryConnection_andTheRestoredFunctionReadsItsSecretAgain() throws Exception {
        Map<String, String> env =
                new HashMap<>(LocalEndpoints.of(services, engine).environment("exports", queueUrl));
        String user = env.remove(EnvNames.DB_USERNAME);
        String password = env.remove(EnvNames.DB_PASSWORD);
        env.put(EnvNames.DB_SECRET_ARN, "arn:aws:secretsmanager:eu-west-1:123456789012:secret:export/db-AbCdEf");
        AtomicInteger secretReads = new AtomicInteger();
        ExtractorRuntime runtime = new ExtractorRuntime(
                ExtractorConfig.fromEnv(env, arn -> {
                    secretReads.incrementAndGet();
                    return Map.of("username", user, "password", password == null ? "" : password);
                }),
                CLOCK);
        runtimes.add(runtime);
        PlanJobHandler plan = new PlanJobHandler(runtime);
        ExtractPageHandler extract = new ExtractPageHandler(runtime);
        assertThat(runtime.connected())
                .as("building the functions connects nothing")
                .isFalse();
        assertThat(secretReads).as("building the functions reads no secret").hasValue(0);

        JsonNode planned = invoke(
                plan,
                "{\"request\":{\"startDate\":\"" + DAY2 + "\",\"endDate\":\"" + DAY2.plusDays(1)
                        + "\"},\"executionId\":\"exec-snap\"}",
                Duration.ofMinutes(1));
        long jobId = planned.get("jobId").asLong();
        assertThat(secretReads).hasValue(1);

        runtime.beforeCheckpoint(null);
        assertThat(runtime.connected())
                .as("nothing open goes into the snapshot")
                .isFalse();
        runtime.afterRestore(null);

        JsonNode result;
        do {
            result = invoke(extract, "{\"jobId\":" + jobId + ",\"executionId\":\"exec-snap\"}", Duration.ofMinutes(15));
        } while (!result.get("done").asBoolean());
        assertThat(trackedRows(jobId).keySet()).isEqualTo(new HashSet<>(seeded.idsIn(DAY2)));
        assertThat(secretReads)
                .as("the restored function read its secret again")
                .hasValue(2);
    }

    @Test
    void extract_tracksExactlyTheWindowsIds_in500Batches_eachSentOnce() throws Exception {
        ExtractorRuntime runtime = runtime(Map.of());
        long jobId = planDay2(runtime, "exec-1");

        extractUntilDone(runtime, jobId, "exec-1", Duration.ofMinutes(15));

        Map<String, Long> rows = trackedRows(jobId);
        Set<String> expected = new HashSet<>(seeded.idsIn(DAY2));
        assertThat(expected.size()).isBetween(9_000, 11_000);
        assertThat(rows.keySet()).isEqualTo(expected);
        Map<Long, Integer> batches = batchSizes(jobId);
        int pages = (expected.size() + 9_999) / 10_000;
        assertThat(batches.values()).allMatch(size -> size <= 500);
        // a page of 10,000 is 20 full batches: only the last batch of a page may be short
        assertThat(batches.values().stream().filter(size -> size < 500)).hasSizeLessThanOrEqualTo(pages);
        assertThat(batches.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(expected.size());
        assertQueueHoldsEachBatchOnce(jobId, rows, batches);
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT extraction_done, extracted_count, batch_count FROM job_runs WHERE job_id = " + jobId)) {
            rs.next();
            assertThat(rs.getBoolean(1)).isTrue();
            assertThat(rs.getLong(2)).isEqualTo(expected.size());
            assertThat(rs.getLong(3)).isEqualTo(batches.size());
        }
    }

    @Test
    void extract_withTinyTimeBudget_takesFiveOrMoreCalls_andGivesTheSameResult() throws Exception {
        ExtractorRuntime runtime = runtime(Map.of(EnvNames.PAGE_SIZE, "2000"));
        long jobId = planDay2(runtime, "exec-2");

        // 1 ms left of the Lambda's time: every call reads one page and returns
        int calls = extractUntilDone(runtime, jobId, "exec-2", Duration.ofMillis(1));

        assertThat(calls).isGreaterThanOrEqualTo(5);
        Map<String, Long> rows = trackedRows(jobId);
        assertThat(rows.keySet()).isEqualTo(new HashSet<>(seeded.idsIn(DAY2)));
        Map<Long, Integer> batches = batchSizes(jobId);
        assertThat(batches.values().stream().filter(size -> size < 500)).hasSizeLessThanOrEqualTo(calls);
        assertQueueHoldsEachBatchOnce(jobId, rows, batches);
    }

    @Test
    void extract_afterCrashBetweenCommitAndSend_sendsOrphanedBatchesOnce() throws Exception {
        ExtractorRuntime runtime = runtime(Map.of(EnvNames.PAGE_SIZE, "5000"));
        long jobId = planDay2(runtime, "exec-3");
        var config = runtime.config();
        var jobs = new MySqlJobStore(ds);
        var outbox = new MySqlBatchOutbox(ds);
        var index = SearchAdapters.of(config.requireElasticsearch()).messageIndex(Duration.ofMinutes(5));
        BatchQueue crashing = (batches, onAccepted) -> {
            throw new IllegalStateException("injected crash after the page was committed");
        };
        PageExtractor crashingExtractor =
                new PageExtractor(jobs, outbox, index, crashing, config.job(), Backoff.standard(new Jitter(7)), CLOCK);
        Deadline onePage = Deadline.after(Duration.ZERO, CLOCK);

        assertThatThrownBy(() -> crashingExtractor.extract(jobId, "exec-3", onePage, Metrics.toStdout("test")))
                .hasMessageContaining("injected crash");
        assertThat(outbox.unsentBatches(jobId, CLOCK.instant())).hasSize(10);
        assertThat(queues.depth(queueUrl)).isZero();

        extractUntilDone(runtime, jobId, "exec-3", Duration.ofMinutes(15));

        Map<String, Long> rows = trackedRows(jobId);
        assertThat(rows.keySet()).isEqualTo(new HashSet<>(seeded.idsIn(DAY2)));
        assertQueueHoldsEachBatchOnce(jobId, rows, batchSizes(jobId));
    }

    @Test
    void extract_resumesFromSavedCursor_whenPitExpired() throws Exception {
        ExtractorRuntime runtime = runtime(Map.of(EnvNames.PAGE_SIZE, "1000"));
        long jobId = planDay2(runtime, "exec-4");
        ExtractPageHandler handler = new ExtractPageHandler(runtime);
        String input = "{\"jobId\":" + jobId + ",\"executionId\":\"exec-4\"}";
        invoke(handler, input, Duration.ofMillis(1));
        invoke(handler, input, Duration.ofMillis(1));

        // the point in time disappears between two calls, as if its keep-alive ran out
        String pit;
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pit_id FROM job_runs WHERE job_id = " + jobId)) {
            rs.next();
            pit = rs.getString(1);
        }
        assertThat(pit).isNotBlank();
        var index = SearchAdapters.of(runtime.config().requireElasticsearch());
        index.messageIndex(Duration.ofMinutes(1)).release(new ExtractionCursor(pit, null));
        index.connection().close();

        extractUntilDone(runtime, jobId, "exec-4", Duration.ofMinutes(15));

        Map<String, Long> rows = trackedRows(jobId);
        assertThat(rows.keySet()).isEqualTo(new HashSet<>(seeded.idsIn(DAY2)));
        assertQueueHoldsEachBatchOnce(jobId, rows, batchSizes(jobId));
    }

    @Test
    void extract_skipsIdsAlreadyTrackedByAnEarlierJob() throws Exception {
        List<String> earlier = seeded.idsIn(DAY2).subList(0, 123);
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO message_tracking (message_id, message_date, batch_id, status, start_date, job_id)"
                                + " VALUES (?, ?, 1, 'completed', ?, 999)")) {
            for (String id : earlier) {
                ps.setString(1, id);
                ps.setDate(2, java.sql.Date.valueOf(DAY2));
                ps.setDate(3, java.sql.Date.valueOf(DAY2));
                ps.addBatch();
            }
            ps.executeBatch();
        }
        ExtractorRuntime runtime = runtime(Map.of());
        long jobId = planDay2(runtime, "exec-5");

        extractUntilDone(runtime, jobId, "exec-5", Duration.ofMinutes(15));

        Set<String> expected = new HashSet<>(seeded.idsIn(DAY2));
        earlier.forEach(expected::remove);
        Map<String, Long> rows = trackedRows(jobId);
        assertThat(rows.keySet()).isEqualTo(expected);
        assertQueueHoldsEachBatchOnce(jobId, rows, batchSizes(jobId));
    }

    @Test
    void extract_byAnExecutionThatLostTheJob_failsWithoutWriting() throws Exception {
        ExtractorRuntime runtime = runtime(Map.of());
        long jobId = planDay2(runtime, "exec-6");

        assertThatThrownBy(() -> invoke(
                        new ExtractPageHandler(runtime),
                        "{\"jobId\":" + jobId + ",\"executionId\":\"intruder\"}",
                        Duration.ofMinutes(1)))
                .isInstanceOf(org.messageexport.port.JobOwnershipLostException.class);
        assertThat(trackedRows(jobId)).isEmpty();
    }
}
