package org.messageexport.local;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch.core.MgetResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.messageexport.adapter.elasticsearch.ElasticsearchClients;
import org.messageexport.config.ElasticsearchConfig;
import org.messageexport.config.Env;
import org.messageexport.config.EnvNames;
import org.messageexport.config.SecretLookup;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.JobStatus;
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.embedded.EmbeddedServicesExtension;
import org.messageexport.sample.SampleDataSeeder;
import org.messageexport.statemachine.ExecutionStatus;
import org.messageexport.testing.TestServices;

/**
 * The whole export through the real ASL engine (aws-local-stepfunctions), the handlers in-process, the
 * SQS event source poller and the embedded real services: what a scheduled run in AWS does.
 */
@ExtendWith(EmbeddedServicesExtension.class)
class LocalExportIT {
    static final LocalDate DAY1 = LocalDate.of(2026, 10, 1);
    static final ObjectMapper JSON = new ObjectMapper();
    static SampleDataSeeder.Seeded seeded;
    static ElasticsearchClient es;

    private final EmbeddedServices services;
    private final javax.sql.DataSource db;

    LocalExportIT(EmbeddedServices services) {
        this.services = services;
        this.db = TestServices.dataSource(services);
    }

    @BeforeAll
    static void seed(EmbeddedServices services) throws Exception {
        es = ElasticsearchClients.create(
                ElasticsearchConfig.from(new Env(TestServices.environment(services, null, null)), SecretLookup.NONE));
        // > 10,000 messages over 3 days, each with 0..4 history, status and audit documents
        seeded = new SampleDataSeeder(es)
                .seed(new SampleDataSeeder.Spec(12_000, DAY1, new double[] {1, 1, 1}, 4, 1500, 11), n -> {});
    }

    @BeforeEach
    void cleanDatabase() {
        TestServices.truncate(db);
    }

    private LocalDeployment deploy(String bucket, LocalDate first, Map<String, String> env) throws Exception {
        LocalSettings settings = LocalSettings.builder(first)
                .s3Directory(services.s3Directory())
                .bucket(bucket)
                .workers(4, java.time.Duration.ofSeconds(20))
                .maxReceiveCount(3)
                .environment(env)
                .build();
        return LocalDeployment.start(settings, services, s -> {});
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

    /** The exported JSON holds exactly what Elasticsearch holds: the message and its side documents in order. */
    private static void assertContentMatchesIndex(Map<String, JsonNode> objects, int sample) throws Exception {
        List<String> ids = new ArrayList<>(objects.keySet());
        java.util.Collections.shuffle(ids, new Random(3));
        List<String> some = ids.subList(0, Math.min(sample, ids.size()));
        MgetResponse<ObjectNode> got =
                es.mget(m -> m.index(SampleDataSeeder.MESSAGES).ids(some), ObjectNode.class);
        for (var doc : got.docs()) {
            String id = doc.result().id();
            JsonNode exported = objects.get(id);
            assertThat(exported.get("message")).isEqualTo(doc.result().source());
            for (String side : SampleDataSeeder.SIDE_INDICES) {
                List<Hit<ObjectNode>> hits = new ArrayList<>(es.search(
                                s -> s.index(side)
                                        .size(100)
                                        .query(q -> q.term(
                                                t -> t.field("message_id").value(id)))
                                        .sort(o -> o.field(
                                                f -> f.field("timestamp").order(SortOrder.Asc))),
                                ObjectNode.class)
                        .hits()
                        .hits());
                // by timestamp as Elasticsearch orders dates (epoch millis, whatever the offset), ties by _id
                hits.sort(java.util.Comparator.comparingLong(
                                (Hit<ObjectNode> h) -> h.sort().getFirst().longValue())
                        .thenComparing(Hit::id));
                List<JsonNode> expected =
                        hits.stream().map(h -> (JsonNode) h.source()).toList();
                assertThat(exported.get(side)).as("%s of %s", side, id).containsExactlyElementsOf(expected);
            }
        }
    }

    @Test
    void twoScheduledRuns_exportTwoContiguousDays_eachMessageOnce() throws Exception {
        try (LocalDeployment d = deploy("e2e-scheduled", DAY1, Map.of())) {
            List<LocalExport.Outcome> outcomes = new LocalExport(d).runScheduled(2, null, false);

            assertThat(outcomes).hasSize(2).allSatisfy(o -> {
                assertThat(o.result().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
                assertThat(o.verdict()).isEqualTo("COMPLETED");
            });
            JobRun first = outcomes.get(0).job().orElseThrow();
            JobRun second = outcomes.get(1).job().orElseThrow();
            assertThat(first.window().start()).isEqualTo(DAY1);
            assertThat(first.window().end()).isEqualTo(DAY1.plusDays(1));
            assertThat(second.window().start()).isEqualTo(first.window().end());
            assertThat(second.window().end()).isEqualTo(DAY1.plusDays(2));
            try (Connection c = db.getConnection();
                    Statement s = c.createStatement();
                    ResultSet rs =
                            s.executeQuery("SELECT job_id, status, next_run_date FROM job_runs ORDER BY job_id")) {
                rs.next();
                assertThat(rs.getString(2)).isEqualTo("completed");
                assertThat(rs.getDate(3).toLocalDate()).isEqualTo(DAY1.plusDays(1));
                rs.next();
                assertThat(rs.getString(2)).isEqualTo("completed");
                assertThat(rs.getDate(3).toLocalDate()).isEqualTo(DAY1.plusDays(2));
                assertThat(rs.next()).isFalse();
            }

            Set<String> expected = new HashSet<>(seeded.idsIn(DAY1));
            expected.addAll(seeded.idsIn(DAY1.plusDays(1)));
            assertThat(expected).hasSizeGreaterThan(7_000);
            Map<String, JsonNode> objects = exportedObjects(d);
            assertThat(objects.keySet()).isEqualTo(expected);
            assertContentMatchesIndex(objects, 300);
            for (JobRun job : List.of(first, second)) {
                Map<String, String> rows = trackingStatus(job.jobId());
                assertThat(rows.keySet())
                        .isEqualTo(new HashSet<>(seeded.idsIn(job.window().start())));
                assertThat(rows.values()).containsOnly("completed");
                JsonNode manifest = manifest(d, job);
                assertThat(manifest.get("status").asText()).isEqualTo("completed");
                assertThat(manifest.get("counts").get("completed").asLong()).isEqualTo(rows.size());
                assertThat(manifest.get("failed")).isEmpty();
                assertThat(objects.get(rows.keySet().iterator().next())
                                .get("export")
                                .get("job_id")
                                .asLong())
                        .isEqualTo(job.jobId());
            }
        }
    }

    @Test
    void permanentWorkerFailures_failTheJob_andARerunExportsOnlyTheRemainder() throws Exception {
        LocalDate day3 = DAY1.plusDays(2);
        Set<String> window = new HashSet<>(seeded.idsIn(day3));
        JobRun failedJob;
        Set<String> failedIds = new HashSet<>();
        // documents over 3,200 bytes are refused: those with many side documents fail permanently
        try (LocalDeployment d = deploy("e2e-restart", day3, Map.of(EnvNames.MAX_DOCUMENT_BYTES, "3200"))) {
            LocalExport.Outcome outcome =
                    new LocalExport(d).runScheduled(1, null, false).getFirst();

            assertThat(outcome.result().status()).isEqualTo(ExecutionStatus.FAILED);
            assertThat(outcome.result().error()).isEqualTo("ExportFailed");
            failedJob = outcome.job().orElseThrow();
            assertThat(failedJob.status()).isEqualTo(JobStatus.FAILED);
            assertThat(failedJob.outcome().failureReason()).contains("messages failed (failure budget 0)");
            Map<String, String> rows = trackingStatus(failedJob.jobId());
            rows.forEach((id, status) -> {
                if (status.equals("failed")) {
                    failedIds.add(id);
                }
            });
            assertThat(failedIds).isNotEmpty().hasSizeLessThan(window.size());
            JsonNode manifest = manifest(d, failedJob);
            assertThat(manifest.get("status").asText()).isEqualTo("failed");
            Set<String> listed = new HashSet<>();
            manifest.get("failed").forEach(f -> {
                listed.add(f.get("message_id").asText());
                assertThat(f.get("reason").asText()).contains("3200");
            });
            assertThat(listed).isEqualTo(failedIds);
            assertThat(exportedObjects(d).keySet()).hasSize(window.size() - failedIds.size());
        }

        // the cause removed, the next scheduled run redoes the window: only the remainder is exported
        try (LocalDeployment d = deploy("e2e-restart", day3, Map.of())) {
            LocalExport.Outcome rerun =
                    new LocalExport(d).runScheduled(1, null, false).getFirst();

            assertThat(rerun.verdict()).isEqualTo("COMPLETED");
            JobRun job = rerun.job().orElseThrow();
            assertThat(job.window()).isEqualTo(failedJob.window());
            assertThat(job.extracted()).isEqualTo(failedIds.size());
            assertThat(trackingStatus(job.jobId()).keySet()).isEqualTo(failedIds);
            assertThat(trackingStatus(failedJob.jobId()).values()).containsOnly("completed");
            assertThat(exportedObjects(d).keySet()).isEqualTo(window);
            assertThat(manifest(d, job).get("counts").get("completed").asLong()).isEqualTo(failedIds.size());
        }
    }

    @Test
    void secondExecutionWhileOneRuns_endsCleanly_withoutTouchingTheWindow() throws Exception {
        try (LocalDeployment d = deploy("e2e-busy", DAY1, Map.of())) {
            LocalExport export = new LocalExport(d);
            CompletableFuture<LocalExport.Outcome> first = CompletableFuture.supplyAsync(() ->
                    export.run(LocalExport.input(Optional.empty(), Optional.empty(), false), "first", null, false));
            long deadline = System.currentTimeMillis() + 60_000;
            while (d.jobs().findRunning().isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            JobRun running = d.jobs().findRunning().orElseThrow();

            LocalExport.Outcome second =
                    export.run(LocalExport.input(Optional.empty(), Optional.empty(), false), "second", null, false);

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
