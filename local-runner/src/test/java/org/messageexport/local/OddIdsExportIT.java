package org.messageexport.local;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.messageexport.localkit.LocalEndpoints;
import org.messageexport.localkit.SampleDataSeeder;
import org.messageexport.statemachine.ExecutionStatus;
import org.messageexport.testing.TestServices;

/**
 * Issue 11's ids end to end (real ASL engine, extraction, workers, S3) on a database created with the server's
 * default collation: case and accent twins, a 400-character id, 512-byte and 4-byte ids, {@code /} and
 * {@code ..} are each exported once under a key of their own inside the prefix, and the next window runs; an id
 * the tracking table cannot hold (a custom id field's value over 512 bytes) fails alone, with its reason.
 */
@ExtendWith(EmbeddedServicesExtension.class)
class OddIdsExportIT {
    static final String INDEX = "odd-ids";
    static final LocalDate DAY1 = LocalDate.of(2025, 6, 1);
    static final ObjectMapper JSON = new ObjectMapper();

    /** The window of DAY1: every odd id, and plain ones. */
    static final List<String> ODD = List.of(
            "Case-A",
            "case-a",
            "CASE-A",
            "\u00e9",
            "e",
            "E",
            "e\u0301",
            "ss",
            "\u00df",
            "a",
            "a ",
            "q".repeat(400),
            "x".repeat(512),
            "\uD83D\uDE00".repeat(128),
            "\uD83D\uDE00-smile",
            "a/b",
            "a/../../b",
            "..",
            "...",
            ".hidden",
            "a%2Fb",
            "\u4e2d\u6587");

    static ElasticsearchClient es;

    private final EmbeddedServices services;
    private final javax.sql.DataSource db;

    OddIdsExportIT(EmbeddedServices services) {
        this.services = services;
        this.db = TestServices.dataSource(services);
    }

    @BeforeAll
    static void index(EmbeddedServices services) throws Exception {
        es = ElasticsearchClients.create(
                ElasticsearchConfig.from(new Env(LocalEndpoints.of(services).environment()), SecretLookup.NONE));
        new SampleDataSeeder(services.elasticsearchUrl()).createIndices(); // the side collections, empty here
        if (!es.indices().exists(e -> e.index(INDEX)).value()) {
            es.indices()
                    .create(c -> c.index(INDEX)
                            .mappings(m -> m.properties("message_id", p -> p.keyword(k -> k))
                                    .properties("timestamp", p -> p.date(d -> d))));
        }
        Map<String, Map<String, Object>> docs = new LinkedHashMap<>();
        for (int i = 0; i < ODD.size(); i++) {
            docs.put(ODD.get(i), doc(ODD.get(i), DAY1, i));
        }
        for (int i = 0; i < 30; i++) {
            docs.put("plain-1-" + i, doc("plain-1-" + i, DAY1, 100 + i));
            docs.put("plain-2-" + i, doc("plain-2-" + i, DAY1.plusDays(1), i));
        }
        // a custom id field's value longer than any tracking row (its _id is short): DAY1 + 2
        String tooLong = "\u00e9".repeat(300); // 600 bytes
        docs.put("long-value", doc(tooLong, DAY1.plusDays(2), 1));
        for (int i = 0; i < 5; i++) {
            docs.put("plain-3-" + i, doc("plain-3-" + i, DAY1.plusDays(2), 10 + i));
        }
        BulkRequest.Builder bulk = new BulkRequest.Builder();
        docs.forEach((id, source) ->
                bulk.operations(o -> o.index(x -> x.index(INDEX).id(id).document(source))));
        assertThat(es.bulk(bulk.build()).errors()).isFalse();
        es.indices().refresh(r -> r.index(INDEX));
    }

    private static Map<String, Object> doc(String messageId, LocalDate day, int minute) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("message_id", messageId);
        m.put(
                "timestamp",
                day.atStartOfDay(ZoneOffset.UTC).plusMinutes(minute).toInstant().toString());
        m.put("subject", "about " + messageId);
        return m;
    }

    @BeforeEach
    void cleanDatabase() {
        TestServices.truncate(db);
    }

    private LocalDeployment deploy(String bucket, LocalDate first, Map<String, String> env) throws Exception {
        Map<String, String> all = new HashMap<>(env);
        all.put(EnvNames.MESSAGES_INDEX, INDEX);
        LocalSettings settings = LocalSettings.builder(first)
                .s3Directory(services.s3Directory())
                .bucket(bucket)
                .workers(2, java.time.Duration.ofSeconds(20))
                .maxReceiveCount(3)
                .environment(all)
                .build();
        return LocalDeployment.start(settings, services, s -> {});
    }

    /** The exported objects by their message id, each key checked to lie inside the prefix's date folders. */
    private static Map<String, Path> exportedObjects(LocalDeployment d) throws Exception {
        Path bucket = d.bucketDirectory().orElseThrow();
        Path root = bucket.resolve("exports");
        Map<String, Path> byId = new HashMap<>();
        try (Stream<Path> files = Files.walk(bucket)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String key = bucket.relativize(f).toString();
                if (key.startsWith("exports/manifests/") || key.startsWith(".")) {
                    continue;
                }
                assertThat(f.normalize()).as(key).startsWith(root);
                assertThat(key).as("key").matches("exports/\\d{4}/\\d{2}/\\d{2}/[^/]+\\.json");
                assertThat(key.split("/")).doesNotContain("..", ".");
                JsonNode doc = JSON.readTree(f.toFile());
                String id = doc.get("message_id").asText();
                assertThat(byId.put(id, f))
                        .as("message '%s' exported twice", id)
                        .isNull();
            }
        }
        return byId;
    }

    private JsonNode manifest(LocalDeployment d, JobRun job) throws Exception {
        return JSON.readTree(d.bucketDirectory()
                .orElseThrow()
                .resolve(job.outcome().manifestKey())
                .toFile());
    }

    /** The deployment's jobs, oldest first. */
    private List<JobRun> jobs(LocalDeployment d) throws Exception {
        List<JobRun> jobs = new ArrayList<>();
        try (java.sql.Connection c = db.getConnection();
                java.sql.Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT job_id FROM job_runs ORDER BY job_id")) {
            while (rs.next()) {
                jobs.add(d.jobs().find(rs.getLong(1)).orElseThrow());
            }
        }
        return jobs;
    }

    @Test
    void twinsLongAndOddIds_areEachExportedOnce_underKeysOfTheirOwn_andTheNextWindowRuns() throws Exception {
        // two days due: one scheduled execution catches both up
        try (LocalDeployment d =
                deploy("odd-ids", DAY1, Map.of(EnvNames.SAFETY_LAG, SafetyLags.windowsEndingBy(DAY1.plusDays(2))))) {
            List<LocalExport.Outcome> outcomes = new LocalExport(d).runScheduled(2, null, false);

            assertThat(outcomes).extracting(LocalExport.Outcome::verdict).containsExactly("COMPLETED", "UP_TO_DATE");
            List<JobRun> jobs = jobs(d);
            assertThat(jobs).hasSize(2);
            JobRun first = jobs.get(0);
            JobRun second = jobs.get(1);
            assertThat(outcomes.getFirst().job().orElseThrow().jobId()).isEqualTo(second.jobId());
            assertThat(second.window().start()).isEqualTo(first.window().end()).isEqualTo(DAY1.plusDays(1));
            List<String> expected = new ArrayList<>(ODD);
            for (int i = 0; i < 30; i++) {
                expected.add("plain-1-" + i);
                expected.add("plain-2-" + i);
            }
            Map<String, Path> objects = exportedObjects(d);
            assertThat(objects.keySet()).containsExactlyInAnyOrderElementsOf(expected);
            // S3 keys are case-sensitive, and the file system under S3Proxy here too: twins have distinct keys
            assertThat(objects.values().stream().map(Path::toString).distinct()).hasSize(expected.size());
            assertThat(first.extracted()).isEqualTo(ODD.size() + 30);
            JsonNode manifest = manifest(d, first);
            assertThat(manifest.get("counts").get("completed").asLong()).isEqualTo(ODD.size() + 30);
            assertThat(manifest.get("counts").get("already_tracked").asLong()).isZero();
            assertThat(manifest.get("counts").get("rejected").asLong()).isZero();
            assertThat(manifest.get("failed")).isEmpty();
        }
    }

    @Test
    void aCustomIdOverTheLimit_failsThatMessageWithItsReason_theRestIsExported() throws Exception {
        LocalDate day3 = DAY1.plusDays(2);
        String tooLong = "\u00e9".repeat(300);
        // today's policy: one failure is within a budget of 1
        try (LocalDeployment d = deploy(
                "odd-ids-custom",
                day3,
                Map.of(
                        EnvNames.MESSAGE_ID_FIELD,
                        "message_id",
                        EnvNames.FAILURE_BUDGET,
                        "1",
                        EnvNames.SAFETY_LAG,
                        SafetyLags.windowsEndingBy(day3.plusDays(2))))) {
            List<LocalExport.Outcome> outcomes = new LocalExport(d).runScheduled(2, null, false);

            // one execution catches up both due days; the next finds nothing due
            assertThat(outcomes).extracting(LocalExport.Outcome::verdict).containsExactly("COMPLETED", "UP_TO_DATE");
            List<JobRun> jobs = jobs(d);
            assertThat(jobs).hasSize(2);
            JobRun job = jobs.getFirst();
            assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(job.outcome().failed()).isEqualTo(1);
            assertThat(job.outcome().completed()).isEqualTo(5);
            assertThat(job.rejected()).isEqualTo(1);
            assertThat(exportedObjects(d).keySet())
                    .containsExactlyInAnyOrder("plain-3-0", "plain-3-1", "plain-3-2", "plain-3-3", "plain-3-4");
            JsonNode manifest = manifest(d, job);
            assertThat(manifest.get("counts").get("failed").asLong()).isEqualTo(1);
            assertThat(manifest.get("counts").get("rejected").asLong()).isEqualTo(1);
            JsonNode failed = manifest.get("failed").get(0);
            assertThat(failed.get("message_id").asText()).isEqualTo(tooLong);
            assertThat(failed.get("rejected").asBoolean()).isTrue();
            assertThat(failed.get("reason").asText())
                    .isEqualTo("message id of " + tooLong.getBytes(StandardCharsets.UTF_8).length
                            + " bytes (UTF-8) is longer than the 512 bytes the tracking table holds"
                            + " (Elasticsearch's _id limit)");
            assertThat(jobs.get(1).window().start()).isEqualTo(day3.plusDays(1));
        }
        // with the default budget (0) the job fails for it, names it, and still exports the rest
        cleanDatabase();
        try (LocalDeployment d = deploy(
                "odd-ids-custom-0",
                day3,
                Map.of(
                        EnvNames.MESSAGE_ID_FIELD,
                        "message_id",
                        EnvNames.SAFETY_LAG,
                        SafetyLags.windowsEndingBy(day3.plusDays(1))))) {
            LocalExport.Outcome outcome =
                    new LocalExport(d).runScheduled(1, null, false).getFirst();

            // over its budget: the window's job failed, the schedule moved on (later executions retry it), and the
            // execution, with nothing more due, ends with that window's result
            assertThat(outcome.result().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(outcome.verdict()).isEqualTo("FAILED");
            JobRun job = outcome.job().orElseThrow();
            assertThat(job.outcome().failureReason())
                    .startsWith("1 of 6 messages failed (failure budget 0); first: " + tooLong + ": message id of 600");
            assertThat(exportedObjects(d)).hasSize(5);
        }
    }
}
