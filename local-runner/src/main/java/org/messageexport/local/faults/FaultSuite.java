package org.messageexport.local.faults;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.messageexport.adapter.sqs.BatchMessageCodec;
import org.messageexport.config.EnvNames;
import org.messageexport.domain.Deadline;
import org.messageexport.domain.MessageBatch;
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.embedded.MySqlEndpoint;
import org.messageexport.local.LocalDeployment;
import org.messageexport.local.LocalExport;
import org.messageexport.local.LocalFunctions;
import org.messageexport.local.LocalSettings;
import org.messageexport.localkit.LocalEndpoints;
import org.messageexport.localkit.SampleDataSeeder;
import org.messageexport.localkit.SearchRest;
import org.messageexport.port.ObjectStore;
import org.messageexport.port.TransientException;

/**
 * The fault suite: each fault is injected into a whole export on the real local services (the real ASL engine, the
 * task functions and the worker in-process, Elasticsearch, MySQL, ElasticMQ, S3Proxy), on a window of its own, in a
 * database of its own; then the bucket and the tracking rows say what happened: messages lost (neither exported nor
 * recorded as failed with a reason), duplicate objects, and the job's verdict. Fault injection is the only fake: a TCP
 * proxy that takes Elasticsearch away, a wrapper that fails S3 PUTs, a worker that throws on every delivery of one
 * batch (the poison); real KILL CONNECTIONs, real duplicate SQS messages, real deletions from the index, a real
 * worker-service JVM killed with SIGKILL, the real DLQ of the work queue's redrive policy.
 */
public final class FaultSuite {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Each fault's window is a day of its own in June 2026 (far from the other tests' days). */
    private static final LocalDate FIRST_DAY = LocalDate.of(2026, 6, 1);

    static final int MESSAGES = 1_000;
    static final int DELETED = 5;
    static final int BATCH_SIZE = 100;

    public enum Fault {
        S3_5XX("S3 answers 5xx to 20 % of PUTs"),
        SAME_BATCH_TWICE("every batch delivered twice (two workers at once)"),
        MYSQL_KILL_CONNECTION("MySQL KILL CONNECTION of the app's connections, mid-transaction (extractor and worker)"),
        ES_DOWN_DURING_EXTRACTION("Elasticsearch unreachable for 30 s as extraction starts"),
        ES_DOWN_DURING_WORK("Elasticsearch unreachable for 30 s while the workers export"),
        MESSAGE_DELETED(
                "5 messages deleted between extraction and export (FAILURE_BUDGET=1%; the completeness proof fails the"
                        + " job: tracked > indexed)",
                "FAILED"),
        EXTRACTOR_SEND_LOST(
                "extractor's sends lost after its first commit (SQS cut off 10 s): crash between commit and send"),
        WORKER_PROCESS_KILLED(
                "a worker-service process (a JVM of its own) SIGKILLed mid-batch; its leases reclaimed by the other"
                        + " workers"),
        POISON_BATCH_REDRIVEN(
                "a poison batch (its worker crashes on every delivery) dead-lettered, the job failed over budget; the"
                        + " DLQ redriven, the job's counts and manifest recounted, the window retried");

        private final String description;
        private final String expectedVerdict;

        Fault(String description) {
            this(description, "COMPLETED");
        }

        Fault(String description, String expectedVerdict) {
            this.description = description;
            this.expectedVerdict = expectedVerdict;
        }

        public String description() {
            return description;
        }

        /**
         * The job's verdict when the fault is survived: COMPLETED, or FAILED with its reason where the export must not
         * claim completeness (messages deleted from the index after extraction are a completeness mismatch).
         */
        public String expectedVerdict() {
            return expectedVerdict;
        }
    }

    /**
     * What one fault did to one export. {@code lost}: messages of the window neither exported nor failed with a
     * reason; {@code duplicateObjects}: objects beyond one per message.
     */
    public record Row(
            Fault fault,
            int messages,
            int exported,
            int failedWithReason,
            int lost,
            int duplicateObjects,
            String verdict,
            String reason,
            String injected,
            long millis) {
        /** 0 lost, 0 duplicates, and the job's expected verdict (a failed job with its reason). */
        public boolean survived() {
            return lost == 0
                    && duplicateObjects == 0
                    && fault.expectedVerdict().equals(verdict)
                    && ("COMPLETED".equals(verdict) || reason != null && !reason.isBlank());
        }
    }

    private final EmbeddedServices services;
    private final SearchRest index;

    public FaultSuite(EmbeddedServices services) {
        this.services = services;
        this.index = new SearchRest(services.elasticsearchUrl(), null);
    }

    public Row run(Fault fault) throws Exception {
        LocalDate day = FIRST_DAY.plusDays(fault.ordinal() * 2L);
        List<String> ids = seed(day, fault.ordinal());
        String database = services.mysql().database() + "_fault_" + fault.name().toLowerCase(java.util.Locale.ROOT);
        recreateDatabase(database);
        Map<String, String> env = new HashMap<>();
        env.put(EnvNames.DB_URL, jdbcUrl(database));
        env.put(EnvNames.SAFETY_LAG, windowsEndingBy(day.plusDays(1)));
        // ten batches of 100: a fault that starts with the first settled batch still finds most of the work ahead
        env.put(EnvNames.BATCH_SIZE, Integer.toString(BATCH_SIZE));
        Injection injection = new Injection(fault, ids);
        URI sqs = URI.create(LocalEndpoints.of(services).environment().get(EnvNames.SQS_ENDPOINT));
        URI target = fault == Fault.EXTRACTOR_SEND_LOST ? sqs : services.elasticsearchUrl();
        try (TcpFaultProxy proxy = new TcpFaultProxy(target)) {
            if (fault == Fault.ES_DOWN_DURING_EXTRACTION || fault == Fault.ES_DOWN_DURING_WORK) {
                env.put(EnvNames.ES_URL, proxy.uri(services.elasticsearchUrl()).toString());
            }
            if (fault == Fault.EXTRACTOR_SEND_LOST) {
                // only the task functions read this environment's endpoint: the worker's event source keeps the queue
                env.put(EnvNames.SQS_ENDPOINT, proxy.uri(sqs).toString());
            }
            if (fault == Fault.MESSAGE_DELETED) {
                env.put(EnvNames.FAILURE_BUDGET, "1%");
            }
            if (fault == Fault.POISON_BATCH_REDRIVEN) {
                // the job does not wait for the dead-lettered batch: what is left at the deadline fails
                env.put(EnvNames.JOB_DEADLINE, "PT2M");
            }
            String bucket =
                    "faults-" + fault.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
            LocalSettings settings = LocalSettings.builder(day)
                    .s3Directory(services.s3Directory())
                    .bucket(bucket)
                    .workers(4, Duration.ofSeconds(15))
                    // the poison reaches the DLQ on its second delivery
                    .maxReceiveCount(fault == Fault.POISON_BATCH_REDRIVEN ? 2 : 8)
                    .environment(env)
                    .build();
            long t0 = System.currentTimeMillis();
            try (LocalDeployment d = LocalDeployment.start(settings, services, s -> {}, injection)) {
                injection.before(d);
                AtomicBoolean running = new AtomicBoolean(true);
                Thread injector = new Thread(() -> injection.during(d, proxy, running), "fault-injector");
                injector.setDaemon(true);
                injector.start();
                LocalExport.Outcome outcome;
                try {
                    outcome = new LocalExport(d)
                            .run(
                                    LocalExport.input(Optional.empty(), Optional.empty(), false),
                                    "fault-" + bucket,
                                    null,
                                    false);
                } finally {
                    running.set(false);
                    injector.join(10_000);
                    injection.stopProcess();
                    // the suite's own reads below go through the deployment's pool, whose idle connections the
                    // KILL CONNECTION injector may have killed last: they are replaced, as the app's are on use
                    if (d.database() instanceof HikariDataSource pool) {
                        pool.getHikariPoolMXBean().softEvictConnections();
                    }
                }
                outcome = injection.after(d, outcome, "fault-" + bucket);
                long millis = System.currentTimeMillis() - t0;
                return row(fault, d, ids, outcome, injection, millis);
            }
        } finally {
            dropDatabase(database);
        }
    }

    private Row row(
            Fault fault,
            LocalDeployment d,
            List<String> ids,
            LocalExport.Outcome outcome,
            Injection injection,
            long millis)
            throws Exception {
        Map<String, Integer> objects = exportedObjects(d.bucketDirectory().orElseThrow());
        Set<String> failed = new HashSet<>();
        try (Connection c = d.database().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT message_id FROM message_tracking"
                        + " WHERE status = 'failed' AND last_error IS NOT NULL AND last_error <> ''")) {
            while (rs.next()) {
                failed.add(rs.getString(1));
            }
        }
        Set<String> lost = new HashSet<>(ids);
        lost.removeAll(objects.keySet());
        lost.removeAll(failed);
        int duplicates = objects.values().stream().mapToInt(n -> n - 1).sum();
        int exported = (int) ids.stream().filter(objects::containsKey).count();
        return new Row(
                fault,
                ids.size(),
                exported,
                failed.size(),
                lost.size(),
                duplicates,
                outcome.verdict(),
                outcome.reason(),
                injection.summary(),
                millis);
    }

    /** Message id → number of objects holding it (manifests aside). */
    private static Map<String, Integer> exportedObjects(Path bucket) throws IOException {
        Map<String, Integer> byId = new HashMap<>();
        Path root = bucket.resolve("exports");
        if (!Files.exists(root)) {
            return byId;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile)
                    .filter(p -> !p.toString().contains("/manifests/"))
                    .toList()) {
                JsonNode doc = JSON.readTree(f.toFile());
                byId.merge(doc.get("message_id").asText(), 1, Integer::sum);
            }
        }
        return byId;
    }

    private List<String> seed(LocalDate day, int seed) throws IOException {
        SampleDataSeeder.Seeded seeded = new SampleDataSeeder(services.elasticsearchUrl())
                .seed(new SampleDataSeeder.Spec(MESSAGES, day, new double[] {1}, 2, 300, 1000 + seed), n -> {});
        return seeded.idsIn(day);
    }

    /** A safety lag that makes {@code lastEnd} the latest day boundary a window may end at, for the next hours. */
    private static String windowsEndingBy(LocalDate lastEnd) {
        return Duration.between(
                        lastEnd.atStartOfDay(ZoneOffset.UTC).plusHours(1).toInstant(), java.time.Instant.now())
                .toString();
    }

    private String jdbcUrl(String database) {
        MySqlEndpoint db = services.mysql();
        URI base = URI.create(db.jdbcUrl().substring("jdbc:".length()));
        return "jdbc:" + base.getScheme() + "://" + base.getAuthority() + "/" + database
                + (base.getQuery() == null ? "" : "?" + base.getQuery());
    }

    private Connection root() throws SQLException {
        MySqlEndpoint db = services.mysql();
        return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
    }

    private void recreateDatabase(String database) throws SQLException {
        try (Connection c = root();
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database);
            s.execute("CREATE DATABASE " + database);
        }
    }

    private void dropDatabase(String database) throws SQLException {
        try (Connection c = root();
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database);
        }
    }

    /** One fault: what it does to the worker (as its instrumentation) and, from a thread of its own, during the run. */
    private final class Injection implements LocalFunctions.Instrumentation {
        private final Fault fault;
        private final List<String> ids;
        private final Random random = new Random(7);
        private final AtomicInteger count = new AtomicInteger();
        private final AtomicBoolean deleted = new AtomicBoolean();
        /** WORKER_PROCESS_KILLED: the worker-service JVM, and the in-process workers held back until it is killed. */
        private volatile Process worker;

        private volatile Path workerLog;
        private final java.util.concurrent.CountDownLatch killed = new java.util.concurrent.CountDownLatch(1);
        private volatile int exitCode = -1;
        private final Set<String> heldByTheDeadWorker = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private volatile String afterSummary = "";
        /** POISON_BATCH_REDRIVEN: the batch that crashes its worker while the poison is on. */
        private final java.util.concurrent.atomic.AtomicLong poisonBatch =
                new java.util.concurrent.atomic.AtomicLong(-1);

        private final AtomicBoolean poisoned = new AtomicBoolean(true);

        Injection(Fault fault, List<String> ids) {
            this.fault = fault;
            this.ids = ids;
        }

        String summary() {
            return switch (fault) {
                case S3_5XX -> count.get() + " PUTs answered 503";
                case SAME_BATCH_TWICE -> count.get() + " batch messages sent twice";
                case MYSQL_KILL_CONNECTION -> count.get() + " connections killed";
                case ES_DOWN_DURING_EXTRACTION, ES_DOWN_DURING_WORK -> count.get() > 0 ? "cut off 30 s" : "not cut off";
                case EXTRACTOR_SEND_LOST -> count.get() > 0 ? "cut off 10 s" : "not cut off";
                case MESSAGE_DELETED -> count.get() + " messages deleted";
                case WORKER_PROCESS_KILLED ->
                    count.get() == 0
                            ? "0 processes killed"
                            : "worker process killed (exit " + exitCode + ") holding " + heldByTheDeadWorker.size()
                                    + " claimed rows" + afterSummary;
                case POISON_BATCH_REDRIVEN ->
                    count.get() == 0
                            ? "0 poisoned deliveries"
                            : "batch " + poisonBatch.get() + " crashed its worker " + count.get() + " times"
                                    + afterSummary;
            };
        }

        @Override
        public ObjectStore objectStore(ObjectStore store) {
            if (fault != Fault.S3_5XX) {
                return store;
            }
            return new ObjectStore() {
                @Override
                public void put(String key, byte[] body, String contentType) {
                    store.put(key, body, contentType);
                }

                @Override
                public List<PutFailure> putAllJson(List<JsonObject> objects, Deadline deadline) {
                    List<JsonObject> pass = new ArrayList<>();
                    List<PutFailure> failures = new ArrayList<>();
                    synchronized (random) {
                        for (JsonObject o : objects) {
                            if (random.nextInt(5) == 0) {
                                count.incrementAndGet();
                                failures.add(new PutFailure(
                                        o.key(), new TransientException("injected: S3 503 Slow Down", null)));
                            } else {
                                pass.add(o);
                            }
                        }
                    }
                    failures.addAll(store.putAllJson(pass, deadline));
                    return failures;
                }
            };
        }

        @Override
        public void beforeWorker(SQSEvent event) {
            if (fault == Fault.WORKER_PROCESS_KILLED) {
                // the in-process workers wait until the worker process is dead: only it claims rows before
                try {
                    killed.await(5, java.util.concurrent.TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            if (fault == Fault.POISON_BATCH_REDRIVEN) {
                long batchId = BatchMessageCodec.decode(
                                event.getRecords().getFirst().getBody())
                        .batchId();
                poisonBatch.compareAndSet(-1, batchId);
                if (poisoned.get() && batchId == poisonBatch.get()) {
                    count.incrementAndGet();
                    throw new IllegalStateException("injected: poison batch " + batchId + " crashes its worker");
                }
                return;
            }
            if (fault != Fault.MESSAGE_DELETED || !deleted.compareAndSet(false, true)) {
                return;
            }
            MessageBatch batch =
                    BatchMessageCodec.decode(event.getRecords().getFirst().getBody());
            try {
                for (String id : batch.messageIds().subList(0, DELETED)) {
                    index.deleteDocument(SampleDataSeeder.MESSAGES, id);
                    count.incrementAndGet();
                }
                index.refresh(SampleDataSeeder.MESSAGES);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void during(LocalDeployment d, TcpFaultProxy proxy, AtomicBoolean running) {
            try {
                switch (fault) {
                    case SAME_BATCH_TWICE -> sendEveryBatchAgain(d, running);
                    case MYSQL_KILL_CONNECTION -> killConnections(d, running);
                    case ES_DOWN_DURING_EXTRACTION -> {
                        if (waitFor(d, running, "SELECT COUNT(*) FROM job_runs")) {
                            proxy.cutOff(Duration.ofSeconds(30));
                            count.incrementAndGet();
                        }
                    }
                    case EXTRACTOR_SEND_LOST -> {
                        if (waitFor(d, running, "SELECT COUNT(*) FROM job_runs")) {
                            proxy.cutOff(Duration.ofSeconds(10));
                            count.incrementAndGet();
                        }
                    }
                    case WORKER_PROCESS_KILLED -> killWorkerMidBatch(d, running);
                    case ES_DOWN_DURING_WORK -> {
                        if (waitFor(d, running, "SELECT COUNT(*) FROM message_tracking WHERE status = 'completed'")) {
                            proxy.cutOff(Duration.ofSeconds(30));
                            count.incrementAndGet();
                        }
                    }
                    default -> {}
                }
            } catch (Exception e) {
                throw new IllegalStateException("fault injection of " + fault + " failed: " + e, e);
            }
        }

        /** Before the execution: WORKER_PROCESS_KILLED starts the worker-service JVM on the deployment's queue. */
        void before(LocalDeployment d) throws Exception {
            if (fault != Fault.WORKER_PROCESS_KILLED) {
                return;
            }
            Map<String, String> env = new HashMap<>(d.environment());
            env.put(EnvNames.HEALTH_ADDRESS, "127.0.0.1:0");
            env.put(EnvNames.WORKER_CONCURRENCY, "2");
            // its batch ends (and its leases expire) long before the queue gives its message to another worker
            env.put(EnvNames.WORKER_BATCH_TIMEOUT, "PT10S");
            env.put(EnvNames.LEASE_DURATION, "PT10S");
            env.put(EnvNames.WORKER_VISIBILITY_TIMEOUT, "PT15S");
            workerLog = Files.createTempFile("fault-worker-process", ".log");
            ProcessBuilder pb = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Xmx256m",
                            "-XX:+UseSerialGC",
                            "-cp",
                            System.getProperty("java.class.path"),
                            "org.messageexport.service.ServiceMain",
                            "worker")
                    .redirectErrorStream(true)
                    .redirectOutput(workerLog.toFile());
            pb.environment().putAll(env);
            worker = pb.start();
            long end = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (!Files.readString(workerLog).contains("worker service ready")) {
                if (!worker.isAlive() || System.nanoTime() > end) {
                    throw new IllegalStateException(
                            "the worker process did not become ready: " + Files.readString(workerLog));
                }
                Thread.sleep(50);
            }
        }

        /** SIGKILL to the worker process as soon as it holds claimed rows (only it claims before): mid-batch. */
        private void killWorkerMidBatch(LocalDeployment d, AtomicBoolean running) throws Exception {
            try {
                if (!waitFor(d, running, "SELECT COUNT(*) FROM message_tracking WHERE status = 'in_progress'")) {
                    return;
                }
                // at once: a pause here lets a fast worker finish its batches first, and then it holds nothing
                worker.destroyForcibly(); // SIGKILL: no shutdown hook, no drain, no release of its rows
                exitCode = worker.waitFor();
                count.incrementAndGet();
                try (Connection c = d.database().getConnection();
                        Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery(
                                "SELECT message_id FROM message_tracking WHERE status = 'in_progress'")) {
                    while (rs.next()) {
                        heldByTheDeadWorker.add(rs.getString(1));
                    }
                }
            } finally {
                killed.countDown();
            }
        }

        void stopProcess() throws IOException {
            killed.countDown();
            if (worker != null && worker.isAlive()) {
                worker.destroyForcibly();
            }
            if (workerLog != null) {
                Files.deleteIfExists(workerLog);
            }
        }

        /**
         * After the execution: WORKER_PROCESS_KILLED checks the dead worker's rows were claimed again and completed;
         * POISON_BATCH_REDRIVEN cures the poison, redrives the DLQ (what {@code message-export redrive-dlq} does
         * where SQS has no message move task: receive, send to the work queue, delete), waits for the workers,
         * recounts the failed job (counts and manifest, as {@code retry-failed} does) and runs the next scheduled
         * execution, which retries the window over budget. Returns the outcome the row reports.
         */
        LocalExport.Outcome after(LocalDeployment d, LocalExport.Outcome first, String name) throws Exception {
            if (fault == Fault.WORKER_PROCESS_KILLED && !heldByTheDeadWorker.isEmpty()) {
                long reclaimed = 0;
                try (Connection c = d.database().getConnection();
                        PreparedStatement ps = c.prepareStatement(
                                "SELECT status, attempts FROM message_tracking" + " WHERE message_id = ?")) {
                    for (String id : heldByTheDeadWorker) {
                        ps.setString(1, id);
                        try (ResultSet rs = ps.executeQuery()) {
                            if (rs.next() && rs.getString(1).equals("completed") && rs.getInt(2) >= 2) {
                                reclaimed++;
                            }
                        }
                    }
                }
                afterSummary = "; " + reclaimed + " of them claimed again and exported";
                return first;
            }
            if (fault != Fault.POISON_BATCH_REDRIVEN || count.get() == 0) {
                return first;
            }
            poisoned.set(false);
            long jobId = first.job().orElseThrow().jobId();
            String firstVerdict = first.verdict();
            String dlq = d.deadLetterQueueUrl().orElseThrow();
            int moved = 0;
            long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            // the poison reached the DLQ (more copies may follow: the progress check sent the stalled batch again)
            while (moved == 0 && System.nanoTime() < end) {
                moved += redrive(d, dlq);
            }
            Thread.sleep(2_000);
            moved += redrive(d, dlq);
            // the workers export the redriven batch: every row of the job completed (bounded: the row says if not)
            AtomicBoolean waiting = new AtomicBoolean(true);
            Thread timer = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(Duration.ofMinutes(3));
                } catch (InterruptedException e) {
                    return;
                }
                waiting.set(false);
            });
            waitFor(
                    d,
                    waiting,
                    "SELECT COUNT(*) = 0 FROM message_tracking WHERE job_id = " + jobId + " AND status <> 'completed'");
            timer.interrupt();
            org.messageexport.job.FailedMessageRetrier.Recount recount;
            try (var extractor = new org.messageexport.extractor.ExtractorRuntime(
                    org.messageexport.extractor.ExtractorConfig.fromEnv(
                            d.environment(), org.messageexport.config.SecretLookup.NONE),
                    java.time.Clock.systemUTC())) {
                recount = new org.messageexport.job.FailedMessageRetrier(
                                d.jobs(),
                                new org.messageexport.adapter.mysql.MySqlFailedMessageRetry(d.database()),
                                new org.messageexport.adapter.mysql.MySqlBatchOutbox(d.database()),
                                new org.messageexport.adapter.sqs.SqsBatchQueue(d.sqs(), d.queueUrl()),
                                d.tracking(),
                                extractor.jobFinalizer(),
                                java.time.Clock.systemUTC())
                        .recount(jobId);
            }
            JsonNode manifest = JSON.readTree(d.bucketDirectory()
                    .orElseThrow()
                    .resolve(recount.manifestKey())
                    .toFile());
            LocalExport.Outcome retried = new LocalExport(d)
                    .run(LocalExport.input(Optional.empty(), Optional.empty(), false), name + "-next", null, false);
            afterSummary = "; job " + jobId + " " + firstVerdict + "; " + moved + " DLQ messages redriven; recounted:"
                    + " manifest " + manifest.at("/counts/completed").asLong() + " completed, "
                    + manifest.at("/counts/failed").asLong() + " failed; next execution: "
                    + retried.job()
                            .map(j -> "job " + j.jobId() + " (" + j.kind().dbValue() + ") ")
                            .orElse("")
                    + retried.verdict();
            return retried;
        }

        /** Moves what the DLQ holds now back to the work queue; returns how many messages it moved. */
        private int redrive(LocalDeployment d, String dlq) {
            int moved = 0;
            while (true) {
                var received = d.sqs()
                        .receiveMessage(
                                r -> r.queueUrl(dlq).maxNumberOfMessages(10).waitTimeSeconds(1))
                        .messages();
                if (received.isEmpty()) {
                    return moved;
                }
                for (var m : received) {
                    d.sqs().sendMessage(x -> x.queueUrl(d.queueUrl()).messageBody(m.body()));
                    d.sqs().deleteMessage(x -> x.queueUrl(dlq).receiptHandle(m.receiptHandle()));
                    moved++;
                }
            }
        }

        private boolean waitFor(LocalDeployment d, AtomicBoolean running, String countQuery) throws Exception {
            while (running.get()) {
                try (Connection c = d.database().getConnection();
                        Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery(countQuery)) {
                    if (rs.next() && rs.getLong(1) > 0) {
                        return true;
                    }
                }
                Thread.sleep(20);
            }
            return false;
        }

        /** A copy of every batch message on the queue as soon as its batch is enqueued. */
        private void sendEveryBatchAgain(LocalDeployment d, AtomicBoolean running) throws Exception {
            Set<Long> sent = new HashSet<>();
            while (running.get()) {
                try (Connection c = d.database().getConnection();
                        PreparedStatement ps = c.prepareStatement("SELECT b.job_id, b.batch_id, t.message_id"
                                + " FROM message_batches b JOIN message_tracking t ON t.batch_id = b.batch_id"
                                + " WHERE b.status <> 'created' ORDER BY b.batch_id")) {
                    Map<Long, List<String>> byBatch = new java.util.LinkedHashMap<>();
                    Map<Long, Long> jobOf = new HashMap<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            long batch = rs.getLong(2);
                            if (!sent.contains(batch)) {
                                jobOf.put(batch, rs.getLong(1));
                                byBatch.computeIfAbsent(batch, b -> new ArrayList<>())
                                        .add(rs.getString(3));
                            }
                        }
                    }
                    for (var e : byBatch.entrySet()) {
                        String body = BatchMessageCodec.encode(
                                new MessageBatch(jobOf.get(e.getKey()), e.getKey(), e.getValue()));
                        d.sqs().sendMessage(m -> m.queueUrl(d.queueUrl()).messageBody(body));
                        sent.add(e.getKey());
                        count.incrementAndGet();
                    }
                }
                Thread.sleep(50);
            }
        }

        /** Kills every connection of the deployment's database (not its own) every second, ten times. */
        private void killConnections(LocalDeployment d, AtomicBoolean running) throws Exception {
            String database;
            try (Connection c = d.database().getConnection()) {
                database = c.getCatalog();
            }
            try (Connection c = root()) {
                for (int round = 0; round < 10 && running.get(); round++) {
                    Thread.sleep(1000);
                    count.addAndGet(ConnectionKiller.killAll(c, database));
                }
            }
        }
    }

    /** The table the command prints and the README shows. */
    public static String table(List<Row> rows) {
        StringBuilder out = new StringBuilder();
        out.append(
                "| fault | injected | messages | exported | failed with reason | lost | duplicate objects | job verdict | time |\n");
        out.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            out.append("| ")
                    .append(r.fault().description())
                    .append(" | ")
                    .append(r.injected())
                    .append(" | ")
                    .append(r.messages())
                    .append(" | ")
                    .append(r.exported())
                    .append(" | ")
                    .append(r.failedWithReason())
                    .append(" | ")
                    .append(r.lost())
                    .append(" | ")
                    .append(r.duplicateObjects())
                    .append(" | ")
                    .append(r.verdict())
                    .append("COMPLETED".equals(r.verdict()) ? "" : " (" + r.reason() + ")")
                    .append(" | ")
                    .append(String.format("%.1f s", r.millis() / 1000.0))
                    .append(" |\n");
        }
        return out.toString();
    }
}
