package org.messageexport.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.messageexport.config.EnvNames;
import org.messageexport.config.SearchEngine;
import org.messageexport.domain.JobRun;
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.embedded.EmbeddedServicesExtension;
import org.messageexport.localkit.LocalEndpoints;
import org.messageexport.localkit.SampleDataSeeder;
import org.messageexport.localkit.SearchRest;
import org.messageexport.statemachine.ExecutionStatus;
import org.messageexport.testing.TestServices;

/**
 * The whole export through the real ASL engine (aws-local-stepfunctions), the handlers in-process, the
 * SQS event source poller and the embedded real services: what a scheduled run in AWS does. The same suite runs with
 * the messages on Elasticsearch 8.19 and on OpenSearch 3.9 (each into buckets of its own).
 */
@ExtendWith(EmbeddedServicesExtension.class)
@ParameterizedClass(name = "{0}")
@EnumSource(SearchEngine.class)
class LocalExportIT {
    static final LocalDate DAY1 = LocalDate.of(2026, 10, 1);
    static final int DAYS = 33;
    static final ObjectMapper JSON = new ObjectMapper();
    /** > 10,000 messages over 3 days, then ~36 a day for 30 more days, each with 0..4 history, status and audit documents. */
    static final SampleDataSeeder.Spec SAMPLE = new SampleDataSeeder.Spec(12_000, DAY1, dayWeights(), 4, 1500, 11);

    private static double[] dayWeights() {
        double[] days = new double[DAYS];
        java.util.Arrays.fill(days, 0.01);
        days[0] = days[1] = days[2] = 1;
        return days;
    }

    static SampleDataSeeder.Seeded seeded;
    static SearchRest index;

    @Parameter
    SearchEngine engine;

    private final EmbeddedServices services;
    private final javax.sql.DataSource db;

    LocalExportIT(EmbeddedServices services) {
        this.services = services;
        this.db = TestServices.dataSource(services);
    }

    @BeforeParameterizedClassInvocation
    static void seed(SearchEngine engine, EmbeddedServices services) throws Exception {
        URI url = LocalEndpoints.of(services, engine).elasticsearch();
        index = new SearchRest(url, null);
        seeded = new SampleDataSeeder(url).seed(SAMPLE, n -> {});
    }

    @BeforeEach
    void cleanDatabase() {
        TestServices.truncate(db);
    }

    private LocalDeployment deploy(String bucket, LocalDate first, Map<String, String> env) throws Exception {
        return deploy(bucket, first, env, LocalFunctions.Instrumentation.NONE);
    }

    private LocalDeployment deploy(
            String bucket, LocalDate first, Map<String, String> env, LocalFunctions.Instrumentation instrumentation)
            throws Exception {
        LocalSettings settings = LocalSettings.builder(first)
                .s3Directory(services.s3Directory())
                .bucket(bucket + "-" + engine.value())
                .searchEngine(engine)
                .workers(4, java.time.Duration.ofSeconds(20))
                .maxReceiveCount(3)
                .environment(env)
                .build();
        return LocalDeployment.start(settings, services, s -> {}, instrumentation);
    }

    private static Map<String, JsonNode> exportedObjects(LocalDeployment d) throws Exception {
        Path root = d.bucketDirectory().orElseThrow().resolve("exports");
        Map<String, JsonNode> byId = new HashMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile)
                    .filter(p -> !p.toString().contains("/manifests/"))
                    .toList()) {
                JsonNode doc = JSON.readTree(f.toFile());
                String id = doc.get("message_id").asText();
                assertThat(byId.put(id, doc))
                        .as("message %s exported twice", id)
                        .isNull();
                String date = doc.get("message").get("timestamp").asText();
                // {prefix}/{yyyy}/{MM}/{dd}/ by the message's UTC date
                LocalDate utc = java.time.OffsetDateTime.parse(date)
                        .atZoneSameInstant(ZoneOffset.UTC)
                        .toLocalDate();
                assertThat(root.relativize(f.getParent()).toString())
                        .isEqualTo(String.format(
                                "%04d/%02d/%02d", utc.getYear(), utc.getMonthValue(), utc.getDayOfMonth()));
            }
        }
        return byId;
    }

    private static JsonNode manifest(LocalDeployment d, JobRun job) throws Exception {
        return JSON.readTree(d.bucketDirectory()
                .orElseThrow()
                .resolve(job.outcome().manifestKey())
                .toFile());
    }

    private Map<String, String> trackingStatus(long jobId) throws Exception {
        Map<String, String> rows = new HashMap<>();
        try (Connection c = db.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT message_id, status FROM message_tracking WHERE job_id = ?")) {
            ps.setLong(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return rows;
    }

    /** The exported JSON holds exactly what the index holds: the message and its side documents in order. */
    private static void assertContentMatchesIndex(Map<String, JsonNode> objects, int sample) throws Exception {
        List<String> ids = new ArrayList<>(objects.keySet());
        java.util.Collections.shuffle(ids, new Random(3));
        List<String> some = ids.subList(0, Math.min(sample, ids.size()));
        JsonNode got = index.post(SampleDataSeeder.MESSAGES + "/_mget", JSON.writeValueAsString(Map.of("ids", some)));
        assertThat(got.get("docs")).hasSize(some.size());
        for (JsonNode doc : got.get("docs")) {
            String id = doc.get("_id").asText();
            JsonNode exported = objects.get(id);
            assertThat(exported.get("message")).isEqualTo(doc.get("_source"));
            for (String side : SampleDataSeeder.SIDE_INDICES) {
                List<JsonNode> hits = new ArrayList<>();
                index.post(
                                side + "/_search",
                                JSON.writeValueAsString(Map.of(
                                        "size", 100,
                                        "query", Map.of("term", Map.of("message_id", id)),
                                        "sort", List.of(Map.of("timestamp", "asc")))))
                        .get("hits")
                        .get("hits")
                        .forEach(hits::add);
                // by timestamp as the engine orders dates (epoch millis, whatever the offset), ties by _id
                hits.sort(java.util.Comparator.comparingLong(
                                (JsonNode h) -> h.get("sort").get(0).asLong())
                        .thenComparing(h -> h.get("_id").asText()));
                List<JsonNode> expected =
                        hits.stream().map(h -> h.get("_source")).toList();
                assertThat(exported.get(side)).as("%s of %s", side, id).containsExactlyElementsOf(expected);
            }
        }
    }

    /** A safety lag that makes {@code lastEnd} the latest day boundary a window may end at, for the next hours. */
    private static String windowsEndingBy(LocalDate lastEnd) {
        return java.time.Duration.between(
                        lastEnd.atStartOfDay(ZoneOffset.UTC).plusHours(1).toInstant(), java.time.Instant.now())
                .toString();
    }

    private List<JobRow> jobRows() throws Exception {
        List<JobRow> rows = new ArrayList<>();
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT job_id, start_date, end_date, status, next_run_date, execution_id,"
                                + " attempt, over_budget FROM job_runs ORDER BY job_id")) {
            while (rs.next()) {
                rows.add(new JobRow(
                        rs.getLong(1),
                        rs.getDate(2).toLocalDate(),
                        rs.getDate(3).toLocalDate(),
                        rs.getString(4),
                        rs.getDate(5) == null ? null : rs.getDate(5).toLocalDate(),
                        rs.getString(6),
                        rs.getInt(7),
                        rs.getBoolean(8)));
            }
        }
        return rows;
    }

    record JobRow(
            long jobId,
            LocalDate start,
            LocalDate end,
            String status,
            LocalDate nextRunDate,
            String executionId,
            int attempt,
            boolean overBudget) {}

    @Test
    void oneScheduledExecution_backfillsThirtyThreeDays_windowAfterWindow_eachMessageOnce() throws Exception {
        LocalDate lastEnd = DAY1.plusDays(DAYS);
        try (LocalDeployment d = deploy("e2e-backfill", DAY1, Map.of(EnvNames.SAFETY_LAG, windowsEndingBy(lastEnd)))) {
            List<LocalExport.Outcome> outcomes = new LocalExport(d).runScheduled(3, null, false);

            // the first execution catches up alone; the next one finds nothing due
            assertThat(outcomes).hasSize(2);
            assertThat(outcomes.get(0).result().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(outcomes.get(0).verdict()).isEqualTo("COMPLETED");
            assertThat(outcomes.get(1).verdict()).isEqualTo("UP_TO_DATE");
            List<JobRow> jobs = jobRows();
            assertThat(jobs).hasSize(DAYS).allSatisfy(j -> {
                assertThat(j.status()).isEqualTo("completed");
                assertThat(j.executionId()).endsWith(":" + outcomes.get(0).executionName());
                assertThat(j.nextRunDate()).isEqualTo(j.end());
            });
            for (int i = 0; i < DAYS; i++) {
                assertThat(jobs.get(i).start()).isEqualTo(DAY1.plusDays(i));
                assertThat(jobs.get(i).end()).isEqualTo(DAY1.plusDays(i + 1));
            }

            Set<String> expected = new HashSet<>();
            seeded.idsByDay().values().forEach(expected::addAll);
            assertThat(expected).hasSizeGreaterThan(11_000);
            Map<String, JsonNode> objects = exportedObjects(d);
            assertThat(objects.keySet()).isEqualTo(expected);
            assertContentMatchesIndex(objects, 300);
            for (JobRow job : jobs) {
                Map<String, String> rows = trackingStatus(job.jobId());
                assertThat(rows.keySet()).isEqualTo(new HashSet<>(seeded.idsIn(job.start())));
                assertThat(rows.values()).containsOnly("completed");
                JsonNode manifest = manifest(d, d.jobs().find(job.jobId()).orElseThrow());
                assertThat(manifest.get("status").asText()).isEqualTo("completed");
                assertThat(manifest.get("counts").get("completed").asLong()).isEqualTo(rows.size());
                assertThat(manifest.get("failed")).isEmpty();
            }
        }
    }

    /**
     * The ndjson-gz output format end to end: one gzip'd NDJSON object per batch, listed in the manifest; every
     * message of the window is in exactly one line, the one its row's s3_path names, equal to the index.
     */
    @Test
    void ndjsonGz_exportsOneObjectPerBatch_listedInTheManifest_eachMessageOnceWhereItsRowSays() throws Exception {
        try (LocalDeployment d = deploy(
                "e2e-ndjson",
                DAY1,
                Map.of(EnvNames.OUTPUT_FORMAT, "ndjson-gz", EnvNames.SAFETY_LAG, windowsEndingBy(DAY1.plusDays(1))))) {
            LocalExport.Outcome outcome =
                    new LocalExport(d).runScheduled(1, null, false).getFirst();

            assertThat(outcome.verdict()).isEqualTo("COMPLETED");
            JobRun job = outcome.job().orElseThrow();
            JsonNode manifest = manifest(d, job);
            List<String> batchObjects = new ArrayList<>();
            manifest.get("batch_objects").forEach(k -> batchObjects.add(k.asText()));
            assertThat(batchObjects).hasSize((int) job.batches());
            Path bucket = d.bucketDirectory().orElseThrow();
            Map<String, JsonNode> byLinePath = new HashMap<>();
            Map<String, JsonNode> byId = new HashMap<>();
            for (String key : batchObjects) {
                assertThat(key).matches("exports/\\d{4}/\\d\\d/\\d\\d/batch-" + job.jobId() + "-\\d+\\.ndjson\\.gz");
                try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(
                        new java.util.zip.GZIPInputStream(Files.newInputStream(bucket.resolve(key))),
                        java.nio.charset.StandardCharsets.UTF_8))) {
                    int n = 0;
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        JsonNode doc = JSON.readTree(line);
                        byLinePath.put(key + "#" + ++n, doc);
                        assertThat(byId.put(doc.get("message_id").asText(), doc))
                                .as("message %s exported twice", doc.get("message_id"))
                                .isNull();
                    }
                }
            }
            assertThat(byId.keySet()).isEqualTo(new HashSet<>(seeded.idsIn(DAY1)));
            assertContentMatchesIndex(byId, 200);
            try (Connection c = db.getConnection();
                    PreparedStatement ps = c.prepareStatement(
                            "SELECT message_id, status, s3_path FROM message_tracking WHERE job_id = ?")) {
                ps.setLong(1, job.jobId());
                try (ResultSet rs = ps.executeQuery()) {
                    int rows = 0;
                    while (rs.next()) {
                        rows++;
                        assertThat(rs.getString(2)).isEqualTo("completed");
                        assertThat(byLinePath
                                        .get(rs.getString(3))
                                        .get("message_id")
                                        .asText())
                                .isEqualTo(rs.getString(1));
                    }
                    assertThat(rows).isEqualTo(byId.size());
                }
            }
        }
    }

    @Test
    void windowOverItsFailureBudget_doesNotStopTheNextWindow_andALaterExecutionExportsOnlyTheRemainder()
            throws Exception {
        LocalDate day3 = DAY1.plusDays(2);
        LocalDate day4 = DAY1.plusDays(3);
        Set<String> window = new HashSet<>(seeded.idsIn(day3));
        window.addAll(seeded.idsIn(day4));
        String lag = windowsEndingBy(day4.plusDays(1));
        Set<String> failedIds = new HashSet<>();
        JobRow failedJob;
        // documents over 3,200 bytes are refused: those with many side documents fail permanently
        try (LocalDeployment d = deploy(
                "e2e-restart",
                day3,
                Map.of(
                        EnvNames.MAX_DOCUMENT_BYTES,
                        "3200",
                        EnvNames.SAFETY_LAG,
                        lag,
                        EnvNames.WINDOW_RETRY_LIMIT,
                        "2"))) {
            LocalExport.Outcome outcome =
                    new LocalExport(d).runScheduled(1, null, false).getFirst();

            assertThat(outcome.result().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            List<JobRow> jobs = jobRows();
            // both windows were tried in the one execution: the failed one did not stop the next
            assertThat(jobs).extracting(JobRow::start).containsExactly(day3, day4);
            failedJob = jobs.getFirst();
            assertThat(failedJob.status()).isEqualTo("failed");
            assertThat(failedJob.overBudget()).isTrue();
            assertThat(failedJob.attempt()).isEqualTo(1);
            assertThat(failedJob.nextRunDate()).isEqualTo(day4);
            JobRun failedRun = d.jobs().find(failedJob.jobId()).orElseThrow();
            assertThat(failedRun.outcome().failureReason()).contains("messages failed (failure budget 0)");
            for (JobRow job : jobs) {
                trackingStatus(job.jobId()).forEach((id, status) -> {
                    if (status.equals("failed")) {
                        failedIds.add(id);
                    }
                });
            }
            assertThat(failedIds).isNotEmpty().hasSizeLessThan(window.size());
            JsonNode manifest = manifest(d, failedRun);
            assertThat(manifest.get("status").asText()).isEqualTo("failed");
            assertThat(manifest.get("failure_budget").asText()).isEqualTo("0");
            // the manifest of the failed window lists exactly that window's failed messages, each with its reason
            Set<String> failedInWindow = new HashSet<>();
            trackingStatus(failedJob.jobId()).forEach((id, status) -> {
                if (status.equals("failed")) {
                    failedInWindow.add(id);
                }
            });
            Set<String> listed = new HashSet<>();
            manifest.get("failed").forEach(f -> {
                listed.add(f.get("message_id").asText());
                assertThat(f.get("reason").asText()).contains("3200");
            });
            assertThat(listed).isNotEmpty().isEqualTo(failedInWindow);
            assertThat(exportedObjects(d).keySet()).hasSize(window.size() - failedIds.size());
        }

        // the cause removed, the next scheduled execution retries the failed windows: only the remainder is exported
        try (LocalDeployment d =
                deploy("e2e-restart", day3, Map.of(EnvNames.SAFETY_LAG, lag, EnvNames.WINDOW_RETRY_LIMIT, "2"))) {
            LocalExport.Outcome rerun =
                    new LocalExport(d).runScheduled(1, null, false).getFirst();

            assertThat(rerun.verdict()).isEqualTo("COMPLETED");
            List<JobRow> retries = jobRows().stream()
                    .filter(j -> j.executionId().endsWith(":" + rerun.executionName()))
                    .toList();
            assertThat(retries)
                    .isNotEmpty()
                    .allSatisfy(j -> assertThat(j.status()).isEqualTo("completed"));
            JobRow retry = retries.getFirst();
            assertThat(retry.start()).isEqualTo(day3);
            assertThat(retry.attempt()).isEqualTo(2);
            Set<String> retried = new HashSet<>();
            for (JobRow j : retries) {
                retried.addAll(trackingStatus(j.jobId()).keySet());
            }
            assertThat(retried).isEqualTo(failedIds);
            assertThat(trackingStatus(failedJob.jobId()).values()).containsOnly("completed");
            assertThat(exportedObjects(d).keySet()).isEqualTo(window);
        }
    }

    @Test
    void secondExecutionWhileOneRuns_endsCleanly_withoutTouchingTheWindow() throws Exception {
        // the workers wait until the second execution has ended: the first job is still running when it plans
        CountDownLatch secondEnded = new CountDownLatch(1);
        LocalFunctions.Instrumentation workersWait = new LocalFunctions.Instrumentation() {
            @Override
            public void beforeWorker(com.amazonaws.services.lambda.runtime.events.SQSEvent event) {
                try {
                    secondEnded.await(5, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (LocalDeployment d =
                deploy("e2e-busy", DAY1, Map.of(EnvNames.SAFETY_LAG, windowsEndingBy(DAY1.plusDays(1))), workersWait)) {
            LocalExport export = new LocalExport(d);
            CompletableFuture<LocalExport.Outcome> first = CompletableFuture.supplyAsync(() ->
                    export.run(LocalExport.input(Optional.empty(), Optional.empty(), false), "first", null, false));
            long deadline = System.currentTimeMillis() + 60_000;
            while (d.jobs().findRunning().isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            JobRun running = d.jobs().findRunning().orElseThrow();

            LocalExport.Outcome second;
            try {
                second =
                        export.run(LocalExport.input(Optional.empty(), Optional.empty(), false), "second", null, false);
            } finally {
                secondEnded.countDown();
            }

            assertThat(second.result().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(second.verdict()).isEqualTo("BUSY");
            assertThat(second.result().output().get("jobId").asLong()).isEqualTo(running.jobId());
            assertThat(d.jobs().find(running.jobId()).orElseThrow().executionId())
                    .endsWith(":first");
            LocalExport.Outcome firstOutcome = first.get(5, TimeUnit.MINUTES);
            assertThat(firstOutcome.verdict()).isEqualTo("COMPLETED");
            try (Connection c = db.getConnection();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM job_runs")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
            assertThat(exportedObjects(d).keySet()).isEqualTo(new HashSet<>(seeded.idsIn(DAY1)));
        }
    }
}
