package org.messageexport.local;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.messageexport.domain.CompletenessProof;
import org.messageexport.domain.JobKind;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.JobStatus;
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.embedded.EmbeddedServicesExtension;
import org.messageexport.embedded.MySqlEndpoint;
import org.messageexport.local.faults.ConnectionKiller;
import org.messageexport.localkit.LocalEndpoints;
import org.messageexport.localkit.SampleDataSeeder;
import org.messageexport.statemachine.ExecutionStatus;
import org.messageexport.testing.TestServices;

/**
 * The integrity guarantees through the real ASL engine (aws-local-stepfunctions), the handlers in-process, the SQS
 * event source and the embedded real services, with the set of exported ids (the S3 objects) checked after each
 * step: a contiguous schedule whatever manual windows come in between, the completeness proof and the list of
 * keys beside each manifest, late arrivals exported by a follow-up job, and a run that completes with every message
 * once while the database connections are killed again and again.
 */
@ExtendWith(EmbeddedServicesExtension.class)
class ExportIntegrityIT {
    /** Days of their own (other ITs of this JVM seed October): 11-10 … 11-14 for the schedule, 11-15 for late ones. */
    static final LocalDate D10 = LocalDate.of(2026, 11, 10);

    static final LocalDate LATE_DAY = D10.plusDays(5);
    static final ObjectMapper JSON = new ObjectMapper();
    static SampleDataSeeder.Seeded seeded;
    static ElasticsearchClient es;

    private final EmbeddedServices services;
    private final javax.sql.DataSource db;

    ExportIntegrityIT(EmbeddedServices services) {
        this.services = services;
        this.db = TestServices.dataSource(services);
    }

    @BeforeAll
    static void seed(EmbeddedServices services) throws Exception {
        es = ElasticsearchClients.create(
                ElasticsearchConfig.from(new Env(LocalEndpoints.of(services).environment()), SecretLookup.NONE));
        seeded = new SampleDataSeeder(services.elasticsearchUrl())
                .seed(new SampleDataSeeder.Spec(1_800, D10, new double[] {1, 1, 1, 1, 1, 1}, 1, 300, 17), n -> {});
    }

    @BeforeEach
    void cleanDatabase() {
        TestServices.truncate(db);
    }

    /**
     * A deployment whose scheduled executions catch up to {@code latestEnd} (the safety lag that makes it the latest
     * end a window may have): a test stops the schedule where it wants by that day.
     */
    private LocalDeployment deploy(String bucket, LocalDate first, LocalDate latestEnd, Map<String, String> env)
            throws Exception {
        Map<String, String> all = new HashMap<>(env);
        all.put(EnvNames.SAFETY_LAG, SafetyLags.windowsEndingBy(latestEnd));
        LocalSettings settings = LocalSettings.builder(first)
                .s3Directory(services.s3Directory())
                .bucket(bucket)
                .workers(4, Duration.ofSeconds(10))
                .maxReceiveCount(3)
                .environment(all)
                .build();
        return LocalDeployment.start(settings, services, s -> {});
    }

    private static Set<String> days(int... offsets) {
        Set<String> ids = new HashSet<>();
        for (int d : offsets) {
            ids.addAll(seeded.idsIn(D10.plusDays(d)));
        }
        return ids;
    }

    /** The exported message objects, by id; each id has one object (keys are injective). */
    private static Map<String, JsonNode> exported(LocalDeployment d) throws Exception {
        Path root = d.bucketDirectory().orElseThrow().resolve("exports");
        Map<String, JsonNode> byId = new HashMap<>();
        if (!Files.exists(root)) {
            return byId;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile)
                    .filter(p -> !p.toString().contains("/manifests/"))
                    .toList()) {
                JsonNode doc = JSON.readTree(f.toFile());
                assertThat(byId.put(doc.get("message_id").asText(), doc)).isNull();
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

    /** The ids listed in the keys object the manifest names; each listed key exists. */
    private static Set<String> listedIds(LocalDeployment d, JsonNode manifest) throws Exception {
        Path bucket = d.bucketDirectory().orElseThrow();
        Set<String> ids = new HashSet<>();
        for (String line : Files.readAllLines(
                bucket.resolve(manifest.get("exported_keys").get("key").asText()), StandardCharsets.UTF_8)) {
            JsonNode entry = JSON.readTree(line);
            assertThat(bucket.resolve(entry.get("key").asText())).exists();
            ids.add(entry.get("message_id").asText());
        }
        assertThat(ids).hasSize(manifest.get("exported_keys").get("listed").asInt());
        return ids;
    }

    private static LocalExport.Outcome scheduled(LocalExport export, String name) {
        return export.run(LocalExport.input(Optional.empty(), Optional.empty(), false), name, null, false);
    }

    private static LocalExport.Outcome manual(
            LocalExport export, String name, LocalDate start, LocalDate end, boolean reexport) {
        return export.run(LocalExport.input(Optional.of(start), Optional.of(end), reexport), name, null, false);
    }

    /** The job completed with a complete proof over the window it names. */
    private static JobRun completed(LocalExport.Outcome o, JobKind kind, LocalDate start, LocalDate end) {
        assertThat(o.result().status()).as(o.reason()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(o.verdict()).as(o.reason()).isEqualTo("COMPLETED");
        JobRun job = o.job().orElseThrow();
        assertThat(job.kind()).isEqualTo(kind);
        assertThat(job.window().start()).isEqualTo(start);
        assertThat(job.window().end()).isEqualTo(end);
        assertThat(job.outcome().verdict()).isEqualTo(CompletenessProof.Verdict.COMPLETE);
        return job;
    }

    @Test
    void manualWindows_aheadOf_overlapping_andBehindTheSchedule_neverMakeItSkipADay() throws Exception {
        // each deployment's safety lag says how far its scheduled executions may catch up
        try (LocalDeployment d = deploy("integrity-schedule", D10, D10.plusDays(1), Map.of())) {
            LocalExport export = new LocalExport(d);

            // scheduled: [11-10, 11-11), the only window due
            JobRun first = completed(scheduled(export, "s1"), JobKind.SCHEDULED, D10, D10.plusDays(1));
            assertThat(exported(d).keySet()).isEqualTo(days(0));
            JsonNode m1 = manifest(d, first);
            assertThat(m1.get("completeness").get("verdict").asText()).isEqualTo("complete");
            assertThat(m1.get("completeness").get("index_count").asLong()).isEqualTo(days(0).size());
            assertThat(m1.get("completeness").get("tracked").asLong()).isEqualTo(days(0).size());
            assertThat(listedIds(d, m1)).isEqualTo(days(0));
        }
        try (LocalDeployment d = deploy("integrity-schedule", D10, D10.plusDays(3), Map.of())) {
            LocalExport export = new LocalExport(d);

            // manual, ahead of the schedule (a day left between): [11-12, 11-13)
            JobRun ahead = completed(
                    manual(export, "m1", D10.plusDays(2), D10.plusDays(3), false),
                    JobKind.MANUAL,
                    D10.plusDays(2),
                    D10.plusDays(3));
            assertThat(exported(d).keySet()).isEqualTo(days(0, 2));
            assertThat(listedIds(d, manifest(d, ahead))).isEqualTo(days(2));

            // the schedule goes on where it was and catches up: [11-11, 11-12), the day the seed's planner skipped,
            // then [11-12, 11-13), exported by the manual job: nothing new, and the proof still holds
            JobRun covered = completed(scheduled(export, "s2"), JobKind.SCHEDULED, D10.plusDays(2), D10.plusDays(3));
            assertThat(covered.extracted()).isZero();
            assertThat(covered.outcome().indexCount()).isEqualTo(days(2).size());
            assertThat(covered.outcome().trackedCount()).isEqualTo(days(2).size());
            assertThat(covered.executionId())
                    .isEqualTo(d.jobs().find(covered.jobId() - 1).orElseThrow().executionId());
            assertThat(d.jobs().find(covered.jobId() - 1).orElseThrow().window().start())
                    .isEqualTo(D10.plusDays(1));
            assertThat(exported(d).keySet()).isEqualTo(days(0, 1, 2));
        }
        try (LocalDeployment d = deploy("integrity-schedule", D10, D10.plusDays(4), Map.of())) {
            LocalExport export = new LocalExport(d);

            // manual, overlapping the schedule's cursor (a re-export of the completed part): [11-12, 11-14)
            completed(
                    manual(export, "m2", D10.plusDays(2), D10.plusDays(4), true),
                    JobKind.MANUAL,
                    D10.plusDays(2),
                    D10.plusDays(4));
            assertThat(exported(d).keySet()).isEqualTo(days(0, 1, 2, 3));
            completed(scheduled(export, "s4"), JobKind.SCHEDULED, D10.plusDays(3), D10.plusDays(4));
            assertThat(exported(d).keySet()).isEqualTo(days(0, 1, 2, 3));

            // manual re-export behind the schedule: the same objects again, written by the new job
            JobRun again =
                    completed(manual(export, "m3", D10, D10.plusDays(1), true), JobKind.MANUAL, D10, D10.plusDays(1));
            Map<String, JsonNode> objects = exported(d);
            assertThat(objects.keySet()).isEqualTo(days(0, 1, 2, 3));
            assertThat(days(0))
                    .allSatisfy(id -> assertThat(
                                    objects.get(id).get("export").get("job_id").asLong())
                            .isEqualTo(again.jobId()));
        }
        try (LocalDeployment d = deploy("integrity-schedule", D10, D10.plusDays(5), Map.of())) {
            // the schedule walks on to the next day: none skipped, none exported twice
            completed(scheduled(new LocalExport(d), "s5"), JobKind.SCHEDULED, D10.plusDays(4), D10.plusDays(5));
            assertThat(exported(d).keySet()).isEqualTo(days(0, 1, 2, 3, 4));
            assertThat(d.jobs().lastNextRunDate()).contains(D10.plusDays(5));
        }
    }

    @Test
    void messagesIndexedIntoACompletedWindow_areExportedByTheNextRun_asAFollowUpJobOfThatWindow() throws Exception {
        try (LocalDeployment d = deploy("integrity-late", LATE_DAY, LATE_DAY.plusDays(1), Map.of())) {
            LocalExport export = new LocalExport(d);
            JobRun window = completed(scheduled(export, "s1"), JobKind.SCHEDULED, LATE_DAY, LATE_DAY.plusDays(1));
            Set<String> before = new HashSet<>(seeded.idsIn(LATE_DAY));
            assertThat(exported(d).keySet()).isEqualTo(before);

            // five messages arrive late, after the window's job ended
            List<String> late = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String id = "late-" + LATE_DAY + "-" + i;
                late.add(id);
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("message_id", id);
                doc.put(
                        "timestamp",
                        LATE_DAY.atStartOfDay(ZoneOffset.UTC)
                                .plusHours(3 + i)
                                .toInstant()
                                .toString());
                doc.put("channel", "email");
                doc.put("subject", "arrived late");
                es.index(x -> x.index(SampleDataSeeder.MESSAGES).id(id).document(doc));
            }
            es.indices().refresh(r -> r.index(SampleDataSeeder.MESSAGES));

            JobRun followUp = completed(scheduled(export, "s2"), JobKind.LATE, LATE_DAY, LATE_DAY.plusDays(1));

            assertThat(followUp.jobId()).isNotEqualTo(window.jobId());
            assertThat(followUp.extracted()).isEqualTo(5);
            Set<String> all = new HashSet<>(before);
            all.addAll(late);
            assertThat(exported(d).keySet()).isEqualTo(all);
            JsonNode m = manifest(d, followUp);
            assertThat(m.get("kind").asText()).isEqualTo("late");
            assertThat(m.get("follow_up_of").asText()).contains(window.window().toString());
            assertThat(m.get("completeness").get("index_count").asLong()).isEqualTo(all.size());
            assertThat(listedIds(d, m)).isEqualTo(new HashSet<>(late));
            // a late job never moves the schedule
            assertThat(d.jobs().lastNextRunDate()).contains(LATE_DAY.plusDays(1));
        }
    }

    @Test
    void databaseConnectionsKilledAgainAndAgainDuringARun_theJobCompletes_withEveryMessageOnce() throws Exception {
        MySqlEndpoint endpoint = services.mysql();
        try (LocalDeployment d =
                        deploy("integrity-kill", D10.plusDays(1), D10.plusDays(2), Map.of(EnvNames.BATCH_SIZE, "20"));
                Connection root = DriverManager.getConnection(
                        System.getenv().getOrDefault("EMBEDDED_MYSQL_URL", endpoint.jdbcUrl()),
                        endpoint.user(),
                        endpoint.password())) {
            LocalExport export = new LocalExport(d);
            CompletableFuture<LocalExport.Outcome> run = CompletableFuture.supplyAsync(() -> scheduled(export, "k1"));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger killed = new AtomicInteger();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(12);
            // KILL CONNECTION on every connection of the app's database (this one is on none) every 700 ms
            while (!run.isDone() && System.nanoTime() < until && !stop.get()) {
                killed.addAndGet(ConnectionKiller.killAll(root, endpoint.database()));
                Thread.sleep(700);
            }
            LocalExport.Outcome outcome = run.get(6, TimeUnit.MINUTES);

            assertThat(killed.get()).as("connections killed").isGreaterThanOrEqualTo(3);
            JobRun job = completed(outcome, JobKind.SCHEDULED, D10.plusDays(1), D10.plusDays(2));
            assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(job.outcome().completed()).isEqualTo(days(1).size());
            assertThat(exported(d).keySet()).isEqualTo(days(1));
            assertThat(listedIds(d, manifest(d, job))).isEqualTo(days(1));
            System.out.printf(
                    "connections killed during the run: %d; run took %d ms; started %s%n",
                    killed.get(), outcome.durationMs(), Instant.now());
        }
    }
}
