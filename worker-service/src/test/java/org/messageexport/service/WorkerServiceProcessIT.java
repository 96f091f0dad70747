package org.messageexport.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.messageexport.adapter.mysql.MySqlJobStore;
import org.messageexport.config.EnvNames;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.JobStatus;
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.embedded.EmbeddedServicesExtension;
import org.messageexport.localkit.LocalEndpoints;
import org.messageexport.localkit.SampleDataSeeder;
import org.messageexport.testing.TestQueues;
import org.messageexport.testing.TestServices;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The server deployment for real: worker services and the scheduled run as separate JVMs started from the built jar
 * (as systemd starts them), on the embedded services. One worker dies by SIGKILL in the middle of a batch, another is
 * stopped by SIGTERM while it works; the job still completes with every message exported once.
 */
@ExtendWith(EmbeddedServicesExtension.class)
class WorkerServiceProcessIT {
    private static final LocalDate DAY = LocalDate.of(2025, 6, 1);
    private static final int MESSAGES = 6_000;
    private static final String BUCKET = "server-export";
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Liveness guards for waits, not timing goals; generous, since on a 2-core machine shared with other builds (load
     * average 30+) the job alone took over 5 minutes.
     */
    private static final Duration PATIENCE = Duration.ofMinutes(10);

    private static final Pattern DRAINED = Pattern.compile(
            "drained in (\\d+) ms: (\\d+) of (\\d+) batches in flight finished, (\\d+) records made visible again");
    private static final Pattern READY = Pattern.compile("worker service ready in (\\d+) ms");

    private final EmbeddedServices services;
    private final DataSource db;
    private final List<ServiceProcess> processes = new ArrayList<>();
    private final Path logs = Path.of("target", "worker-service-processes");
    private String dlqUrl;

    WorkerServiceProcessIT(EmbeddedServices services) {
        this.services = services;
        this.db = TestServices.dataSource(services);
    }

    @AfterEach
    void stopProcesses() {
        processes.forEach(ServiceProcess::close);
    }

    @Test
    void twoWorkerServices_exportAJob_throughAKillMidBatchAndADrain_everyMessageOnce() throws Exception {
        // given: a day of messages, a work queue with its DLQ, a bucket, an empty tracking database
        TestServices.truncate(db);
        Set<String> ids = seed();
        Map<String, String> env = environment(queues());
        services.s3Client().createBucket(b -> b.bucket(BUCKET));

        // the scheduled run (state machine on the local ASL engine) and a first worker
        ServiceProcess schedule = start("schedule", List.of("schedule", "--max-windows", "1"), env);
        ServiceProcess a = start("worker-a", List.of("worker"), env);
        awaitReady(a);

        // when: worker A dies by SIGKILL while it holds claimed rows (it is the only worker: they are its rows)
        await(
                "worker A in the middle of a batch",
                () -> a.inFlightBatches() > 0 && inProgress().size() > 0);
        assertThat(a.kill()).isEqualTo(137);
        Set<String> heldByTheDeadWorker = inProgress();
        assertThat(heldByTheDeadWorker).isNotEmpty();

        // two more workers; B is stopped by SIGTERM while it exports
        ServiceProcess b = start("worker-b", List.of("worker"), env);
        ServiceProcess c = start("worker-c", List.of("worker"), env);
        awaitReady(b);
        awaitReady(c);
        await("worker B in the middle of a batch", () -> b.inFlightBatches() > 0);
        long t0 = System.nanoTime();
        assertThat(b.terminate(PATIENCE)).as("B's exit code after SIGTERM").isEqualTo(143);
        long stopMillis = (System.nanoTime() - t0) / 1_000_000;

        // then: every batch B had in flight ended within the drain (settled, or at its deadline with its rows released
        // and its record made visible again), and no record was left hidden by a drain that ran out of time
        Matcher drained = DRAINED.matcher(b.outputText());
        assertThat(drained.find()).as("B logged its drain; see %s", b.output).isTrue();
        assertThat(Integer.parseInt(drained.group(3)))
                .as("batches in flight at SIGTERM")
                .isPositive();
        assertThat(drained.group(2)).as("batches finished of those in flight").isEqualTo(drained.group(3));
        assertThat(b.outputText()).doesNotContain("drain timeout reached");

        // the job completes: the dead worker's batch came back after its visibility timeout, its leases expired
        assertThat(schedule.waitFor(PATIENCE))
                .as("the scheduled run's exit code; see %s", schedule.output)
                .isZero();
        JobRun job = new MySqlJobStore(db).latest().orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(job.outcome().completed()).isEqualTo(MESSAGES);
        assertThat(job.outcome().failed()).isZero();

        // every message exported once: one completed row and one object each, and nothing else
        Map<String, String> keys = completedRows();
        assertThat(keys.keySet()).isEqualTo(ids);
        assertThat(new HashSet<>(keys.values())).hasSize(MESSAGES);
        assertThat(exportedObjects()).isEqualTo(invert(keys));
        assertThat(attempts(heldByTheDeadWorker))
                .as("the dead worker's rows were claimed again")
                .allMatch(n -> n >= 2);
        assertThat(new TestQueues(services.sqs()).depth(dlqUrl)).isZero();

        assertThat(c.terminate(PATIENCE)).isEqualTo(143);
        System.out.printf(
                "worker service: jar %.1f MB; ready %s / %s / %s ms after start (B, C, A); B stopped in %d ms"
                        + " (drain %s ms, %s batches finished, %s records made visible again); %d rows of the killed"
                        + " batch taken over%n",
                Files.size(ServiceProcess.jar()) / 1e6,
                readyMillis(b),
                readyMillis(c),
                readyMillis(a),
                stopMillis,
                drained.group(1),
                drained.group(2),
                drained.group(4),
                heldByTheDeadWorker.size());
    }

    private String queues() {
        SqsClient sqs = new TestQueues(services.sqs()).client();
        dlqUrl = sqs.createQueue(q -> q.queueName("server-dlq-" + System.nanoTime()))
                .queueUrl();
        String dlqArn = sqs.getQueueAttributes(a -> a.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes()
                .get(QueueAttributeName.QUEUE_ARN);
        return sqs.createQueue(q -> q.queueName("server-work-" + System.nanoTime())
                        .attributes(Map.of(
                                QueueAttributeName.REDRIVE_POLICY,
                                "{\"maxReceiveCount\":\"5\",\"deadLetterTargetArn\":\"" + dlqArn + "\"}")))
                .queueUrl();
    }

    private Set<String> seed() throws Exception {
        SampleDataSeeder.Seeded seeded = new SampleDataSeeder(
                        LocalEndpoints.of(services).elasticsearch())
                .seed(new SampleDataSeeder.Spec(MESSAGES, DAY, new double[] {1}, 2, 500, 16), n -> {});
        return Set.copyOf(seeded.idsIn(DAY));
    }

    /** What the env file gives the units on a server, pointed at the embedded services. */
    private Map<String, String> environment(String queueUrl) {
        Map<String, String> env = LocalEndpoints.of(services).environment(BUCKET, queueUrl);
        env.put(EnvNames.FIRST_START_DATE, DAY.toString());
        // the one day is the only due window (an execution catches up every due window)
        env.put(
                EnvNames.SAFETY_LAG,
                java.time.Duration.between(
                                DAY.plusDays(1)
                                        .atStartOfDay(java.time.ZoneOffset.UTC)
                                        .plusHours(1)
                                        .toInstant(),
                                java.time.Instant.now())
                        .toString());
        env.put(EnvNames.EXPORT_WINDOW, "P1D");
        env.put(EnvNames.PROGRESS_MAX_WAIT, "PT2S");
        env.put(EnvNames.MAX_RECEIVE_COUNT, "5");
        // 24 batches of 250, two at a time per worker; a batch lasts long enough to be interrupted (4 PUTs at once)
        env.put(EnvNames.BATCH_SIZE, "250");
        env.put(EnvNames.WORKER_CONCURRENCY, "2");
        env.put(EnvNames.PUT_CONCURRENCY, "4");
        // short enough that the dead worker's batch comes back within a test; its leases end before its visibility
        env.put(EnvNames.WORKER_BATCH_TIMEOUT, "PT30S");
        env.put(EnvNames.LEASE_DURATION, "PT30S");
        env.put(EnvNames.WORKER_VISIBILITY_TIMEOUT, "PT35S");
        return env;
    }

    private ServiceProcess start(String name, List<String> args, Map<String, String> env) throws Exception {
        ServiceProcess p = ServiceProcess.start(name, args, env, logs);
        processes.add(p);
        return p;
    }

    private static void awaitReady(ServiceProcess p) throws InterruptedException {
        await(p.name + " ready (see " + p.output + ")", () -> {
            if (!p.alive()) {
                throw new AssertionError(p.name + " exited: " + p.outputText());
            }
            return p.ready();
        });
    }

    private static String readyMillis(ServiceProcess p) {
        Matcher m = READY.matcher(p.outputText());
        return m.find() ? m.group(1) : "?";
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited %s for %s", PATIENCE, what).isLessThan(end);
            Thread.sleep(20);
        }
    }

    private Set<String> inProgress() {
        Set<String> ids = new HashSet<>();
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT message_id FROM message_tracking WHERE status = 'in_progress'")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return ids;
    }

    /** message id → object key of the completed rows; fails on a row in any other status. */
    private Map<String, String> completedRows() throws Exception {
        Map<String, String> keys = new HashMap<>();
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT message_id, status, s3_path FROM message_tracking")) {
            while (rs.next()) {
                assertThat(rs.getString(2)).as("row %s", rs.getString(1)).isEqualTo("completed");
                assertThat(keys.put(rs.getString(1), rs.getString(3))).isNull();
            }
        }
        return keys;
    }

    private List<Integer> attempts(Set<String> messageIds) throws Exception {
        List<Integer> attempts = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT attempts FROM message_tracking WHERE message_id = ?")) {
            for (String id : messageIds) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    attempts.add(rs.getInt(1));
                }
            }
        }
        return attempts;
    }

    /** object key → message id of every exported object (the embedded S3 keeps them as files), manifest aside. */
    private Map<String, String> exportedObjects() throws Exception {
        Path bucket = services.s3Directory().resolve(BUCKET);
        Map<String, String> byKey = new HashMap<>();
        try (Stream<Path> files = Files.walk(bucket.resolve("exports"))) {
            for (Path f : files.filter(Files::isRegularFile)
                    .filter(p -> !bucket.relativize(p).toString().startsWith("exports/manifests/"))
                    .toList()) {
                JsonNode doc = JSON.readTree(f.toFile());
                byKey.put(bucket.relativize(f).toString(), doc.get("message_id").asText());
            }
        }
        return byKey;
    }

    private static Map<String, String> invert(Map<String, String> map) {
        Map<String, String> inverted = new HashMap<>();
        map.forEach((k, v) -> inverted.put(v, k));
        return inverted;
    }
}
