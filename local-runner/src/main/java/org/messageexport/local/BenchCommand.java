package org.messageexport.local;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Stream;
import org.messageexport.adapter.elasticsearch.ElasticsearchClients;
import org.messageexport.adapter.elasticsearch.ElasticsearchMessageIndex;
import org.messageexport.adapter.s3.S3ObjectStore;
import org.messageexport.adapter.s3.ServerSideEncryption;
import org.messageexport.config.AwsEndpointConfig;
import org.messageexport.config.ElasticsearchConfig;
import org.messageexport.config.Env;
import org.messageexport.config.EnvNames;
import org.messageexport.config.JobSettings;
import org.messageexport.config.SecretLookup;
import org.messageexport.config.SideCollections;
import org.messageexport.domain.Deadline;
import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.ExtractionCursor;
import org.messageexport.domain.IdPage;
import org.messageexport.domain.JobRun;
import org.messageexport.extractor.ExtractorConfig;
import org.messageexport.extractor.ExtractorRuntime;
import org.messageexport.job.ExtractResult;
import org.messageexport.job.PlanRequest;
import org.messageexport.job.PlanResult;
import org.messageexport.observability.Metrics;
import org.messageexport.port.ObjectStore.JsonObject;
import org.messageexport.port.ObjectStore.PutFailure;
import org.messageexport.sample.SampleDataSeeder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bench}: in one run, on the same sample data and machine, the seed design's per-message loop
 * (baseline), the pipeline end to end, and the limits it is measured against (bare concurrent PUTs of
 * the same objects to the same S3, raw PIT paging of the same ids), plus extraction alone, worker batch
 * times, the worker's heap and the handlers' cold init in fresh JVMs on the Lambda artifacts, and the
 * artifacts' sizes. Prints a table of medians over {@code --repeat} runs, the ratios against their goals,
 * and one JSON line.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Benchmark the export on embedded services: baseline (seed design) vs pipeline vs the local limits.",
            "Prints medians of --repeat runs, ratios against the goals, and one JSON line (also appended to --json-out)."
        })
final class BenchCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double MB = 1024.0 * 1024.0;

    @Spec
    CommandSpec spec;

    @Mixin
    SampleDataOptions sample;

    @Option(
            names = "--repeat",
            defaultValue = "1",
            description = "Runs of every phase; figures are medians (default ${DEFAULT-VALUE}).")
    int repeat;

    @Option(
            names = "--workers",
            defaultValue = "4",
            description = "Concurrent worker invocations of the pipeline (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(
            names = "--baseline-workers",
            defaultValue = "4",
            description = "Processes of the seed's pool (default ${DEFAULT-VALUE}).")
    int baselineWorkers;

    @Option(
            names = "--baseline-messages",
            description = "Run the baseline on the first N of the window's ids only (its loop has no"
                    + " batching, so its rate does not depend on N); default: all --messages.")
    Integer baselineMessages;

    @Option(
            names = "--put-concurrency",
            defaultValue = "64",
            description = "Concurrent PUTs of the bare PUT limit (default ${DEFAULT-VALUE}).")
    int putConcurrency;

    @Option(
            names = "--probe-batches",
            defaultValue = "10",
            description = "Batches the forked worker JVM (-Xmx256m) exports (default ${DEFAULT-VALUE}).")
    int probeBatches;

    @Option(names = "--extract-only", description = "Only raw PIT paging and extraction (into MySQL + SQS, no worker).")
    boolean extractOnly;

    @Option(names = "--skip-baseline", description = "Leave out the baseline (it is the slowest phase).")
    boolean skipBaseline;

    @Option(names = "--json-out", description = "Append the JSON line to this file too.")
    Path jsonOut;

    @Option(
            names = "--repo-dir",
            defaultValue = ".",
            description = "Where the Lambda artifacts are built (default: the current directory).")
    Path repoDir;

    @Option(
            names = "--data-dir",
            description = "Where the embedded S3 keeps its files (default: a temporary directory, deleted at the end).")
    Path dataDir;

    @Option(names = "--verbose", description = "Log what the functions do (stderr).")
    boolean verbose;

    private PrintStream out;

    /** What one repetition measured; NaN where a phase did not run. */
    record Run(
            double baselineMsgPerSec,
            double pipelineMsgPerSec,
            double pipelineExtractionIdsPerSec,
            double extractionIdsPerSec,
            double rawPagingIdsPerSec,
            double barePutPerSec,
            double batchP50Ms,
            double batchP95Ms,
            double putShare,
            long pipelineExported,
            long pipelineBatches) {}

    /** Collects the deployment's invocation times (thread-safe). */
    static final class Timings implements LocalDeployment.Instrumentation {
        private final List<Double> workerMillis = Collections.synchronizedList(new ArrayList<>());
        private final List<Long> extractNanos = Collections.synchronizedList(new ArrayList<>());
        private final java.util.concurrent.atomic.AtomicLong putNanos = new java.util.concurrent.atomic.AtomicLong();

        @Override
        public void taskInvoked(String function, long nanos) {
            if ("extract-page".equals(function)) {
                extractNanos.add(nanos);
            }
        }

        @Override
        public void workerInvoked(int records, long nanos) {
            workerMillis.add(nanos / 1e6);
        }

        @Override
        public void objectsPut(int objects, long nanos) {
            putNanos.addAndGet(nanos);
        }

        /** Of the worker invocations' time, the share spent in the object store's putAllJson. */
        double putShare() {
            double total =
                    workerMillis().stream().mapToDouble(Double::doubleValue).sum() * 1e6;
            return BenchStats.ratio(putNanos.get(), total);
        }

        void reset() {
            putNanos.set(0);
            workerMillis.clear();
            extractNanos.clear();
        }

        List<Double> workerMillis() {
            synchronized (workerMillis) {
                return List.copyOf(workerMillis);
            }
        }

        long extractNanos() {
            synchronized (extractNanos) {
                return extractNanos.stream().mapToLong(Long::longValue).sum();
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        out = System.out;
        if (!sample.valid()
                || repeat < 1
                || workers < 1
                || baselineWorkers < 1
                || putConcurrency < 1
                || probeBatches < 0
                || (baselineMessages != null && baselineMessages < 1)) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--messages, --days, --repeat, --workers, --baseline-workers and"
                            + " --put-concurrency must be >= 1; --probe-batches and --side-docs >= 0");
        }
        boolean tempData = dataDir == null;
        Path data = tempData ? Files.createTempDirectory("message-export-bench") : dataDir;
        LocalDate first = sample.firstDay(LocalDate.now(ZoneOffset.UTC));
        ExportWindow window = new ExportWindow(first, first.plusDays(sample.days));
        LocalSettings settings = LocalSettings.builder(first)
                .window(Period.ofDays(sample.days))
                .s3Directory(data.resolve("s3"))
                .workers(workers, Duration.ofSeconds(30))
                .build();
        Timings timings = new Timings();
        String loadBefore = loadAverage();
        out.printf(
                Locale.ROOT,
                "· bench: %,d messages over %d days (0..%d side documents each per collection), window %s, repeat %d;"
                        + " %d CPUs, load average %s%n",
                sample.messages,
                sample.days,
                sample.sideDocs,
                window,
                repeat,
                Runtime.getRuntime().availableProcessors(),
                loadBefore);
        try (LocalDeployment deployment = LocalDeployment.start(settings, null, s -> out.println("· " + s), timings)) {
            seed(deployment, first);
            Map<String, String> env = deployment.environment();
            String baselineDb = extractOnly || skipBaseline ? null : createBaselineDatabase(env);
            List<Run> runs = new ArrayList<>();
            try {
                for (int r = 1; r <= repeat; r++) {
                    out.printf(Locale.ROOT, "· run %d of %d%n", r, repeat);
                    runs.add(runOnce(deployment, timings, window, baselineDb));
                }
                Map<String, Map<String, String>> probes = new LinkedHashMap<>();
                if (!extractOnly) {
                    probes.put("worker", workerProbe(deployment));
                    probes.put("extractor", extractorProbe(deployment, first));
                }
                report(runs, probes, loadBefore, loadAverage());
            } finally {
                if (baselineDb != null) {
                    dropDatabase(env, baselineDb);
                }
            }
        } finally {
            if (tempData) {
                deleteTree(data);
            }
        }
        return 0;
    }

    private Run runOnce(LocalDeployment deployment, Timings timings, ExportWindow window, String baselineDb)
            throws Exception {
        Map<String, String> env = deployment.environment();
        double baseline = Double.NaN;
        if (baselineDb != null) {
            baseline = baseline(env, window, baselineDb);
        }
        double paging = rawPaging(env, window);
        double extraction = extractionAlone(deployment, window);
        if (extractOnly) {
            return new Run(
                    baseline,
                    Double.NaN,
                    Double.NaN,
                    extraction,
                    paging,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    0,
                    0);
        }
        resetPipelineTables(deployment);
        timings.reset();
        LocalExport.Outcome outcome = new LocalExport(deployment)
                .run(
                        LocalExport.input(Optional.of(window.start()), Optional.of(window.end()), false),
                        LocalExport.executionName(1),
                        null,
                        false);
        JobRun job = outcome.job()
                .orElseThrow(() -> new IllegalStateException(
                        "the pipeline ran no job: " + outcome.verdict() + " (" + outcome.reason() + ")"));
        if (!"COMPLETED".equals(outcome.verdict())) {
            throw new IllegalStateException(
                    "the pipeline's job " + job.jobId() + " ended " + outcome.verdict() + ": " + outcome.reason());
        }
        long exported = job.outcome().completed();
        double pipeline = BenchStats.rate(exported, outcome.durationMs() * 1_000_000L);
        double pipelineExtraction = BenchStats.rate(job.extracted(), timings.extractNanos());
        List<Double> batches = timings.workerMillis();
        double p50 = BenchStats.percentile(batches, 50);
        double p95 = BenchStats.percentile(batches, 95);
        double putShare = timings.putShare();
        out.printf(
                Locale.ROOT,
                "  pipeline: job %d exported %,d messages (%,d failed) in %.1f s = %,.0f msg/s; extraction inside it"
                        + " %,.0f ids/s; %d worker invocations, p50 %.0f ms, p95 %.0f ms, %.0f%% of it in S3 PUTs%n",
                job.jobId(),
                exported,
                job.outcome().failed(),
                outcome.durationMs() / 1000.0,
                pipeline,
                pipelineExtraction,
                batches.size(),
                p50,
                p95,
                putShare * 100);
        double bare = barePut(deployment);
        return new Run(
                baseline,
                pipeline,
                pipelineExtraction,
                extraction,
                paging,
                bare,
                p50,
                p95,
                putShare,
                exported,
                batches.size());
    }

    private void seed(LocalDeployment deployment, LocalDate first) throws Exception {
        ElasticsearchClient es = ElasticsearchClients.create(esConfig(deployment.environment()));
        try {
            SampleDataSeeder seeder = new SampleDataSeeder(es);
            long existing = seeder.count(SampleDataSeeder.MESSAGES);
            if (existing > 0) {
                throw new IllegalStateException(
                        "index " + SampleDataSeeder.MESSAGES + " is not empty (" + existing + ")");
            }
            long t0 = System.nanoTime();
            SampleDataSeeder.Seeded seeded = seeder.seed(sample.spec(first), n -> {});
            out.printf(
                    Locale.ROOT,
                    "· seeded %,d messages with %,d side documents in %.1f s%n",
                    seeded.messages(),
                    seeded.sideDocuments(),
                    (System.nanoTime() - t0) / 1e9);
        } finally {
            es._transport().close();
        }
    }

    // --- baseline ---------------------------------------------------------------------------------------

    private double baseline(Map<String, String> env, ExportWindow window, String database) throws Exception {
        Env e = new Env(env);
        SeedDesignBaseline baseline = new SeedDesignBaseline(
                esConfig(env),
                SideCollections.from(e),
                AwsEndpointConfig.from(e, EnvNames.S3_ENDPOINT),
                env.get(EnvNames.BUCKET),
                "bench-baseline",
                serverUrl(env.get(EnvNames.DB_URL)) + database,
                env.get(EnvNames.DB_USERNAME),
                env.getOrDefault(EnvNames.DB_PASSWORD, ""),
                baselineWorkers);
        baseline.resetTables();
        long t0 = System.nanoTime();
        // the seed listed the window's ids first (a scroll); PIT paging stands in for it
        List<String> ids = pageIds(env, window, null);
        if (baselineMessages != null && baselineMessages < ids.size()) {
            ids = ids.subList(0, baselineMessages);
        }
        SeedDesignBaseline.Result result = baseline.run(window.start(), ids, t0);
        out.printf(
                Locale.ROOT,
                "  baseline: %,d messages (%d failed) in %.1f s = %,.0f msg/s (listing ids + pending rows %.1f s),"
                        + " %d workers%n",
                result.messages(),
                result.failed(),
                result.totalNanos() / 1e9,
                result.messagesPerSecond(),
                result.listNanos() / 1e9,
                baselineWorkers);
        return result.messagesPerSecond();
    }

    private static String createBaselineDatabase(Map<String, String> env) throws SQLException {
        String name = databaseName(env.get(EnvNames.DB_URL)) + "_seed";
        execute(env, "CREATE DATABASE IF NOT EXISTS `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        return name;
    }

    private static void dropDatabase(Map<String, String> env, String name) {
        try {
            execute(env, "DROP DATABASE IF EXISTS `" + name + "`");
        } catch (SQLException e) {
            System.err.println("bench: could not drop database " + name + ": " + e.getMessage());
        }
    }

    private static void execute(Map<String, String> env, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(
                        serverUrl(env.get(EnvNames.DB_URL)),
                        env.get(EnvNames.DB_USERNAME),
                        env.getOrDefault(EnvNames.DB_PASSWORD, ""));
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** {@code jdbc:mysql://host:port/} of a URL that names a database. */
    static String serverUrl(String jdbcUrl) {
        String noQuery = jdbcUrl.contains("?") ? jdbcUrl.substring(0, jdbcUrl.indexOf('?')) : jdbcUrl;
        int slash = noQuery.indexOf('/', noQuery.indexOf("//") + 2);
        return (slash < 0 ? noQuery : noQuery.substring(0, slash)) + "/";
    }

    static String databaseName(String jdbcUrl) {
        String noQuery = jdbcUrl.contains("?") ? jdbcUrl.substring(0, jdbcUrl.indexOf('?')) : jdbcUrl;
        return noQuery.substring(serverUrl(jdbcUrl).length());
    }

    // --- the limits -------------------------------------------------------------------------------------

    /** The ids of the window through the extractor's own adapter, nothing else: the rate extraction is measured against. */
    private double rawPaging(Map<String, String> env, ExportWindow window) throws IOException {
        long[] nanos = new long[1];
        List<String> ids = pageIds(env, window, nanos);
        double rate = BenchStats.rate(ids.size(), nanos[0]);
        out.printf(
                Locale.ROOT, "  raw PIT paging: %,d ids in %.2f s = %,.0f ids/s%n", ids.size(), nanos[0] / 1e9, rate);
        return rate;
    }

    private static List<String> pageIds(Map<String, String> env, ExportWindow window, long[] nanos) throws IOException {
        ElasticsearchConfig config = esConfig(env);
        JobSettings job = JobSettings.from(new Env(env));
        ElasticsearchClient es = ElasticsearchClients.create(config);
        try {
            ElasticsearchMessageIndex index = new ElasticsearchMessageIndex(es, config, job.pitKeepAlive());
            List<String> ids = new ArrayList<>(1 << 16);
            long t0 = System.nanoTime();
            ExtractionCursor cursor = new ExtractionCursor(null, null);
            while (true) {
                IdPage page = index.nextPage(window, cursor, job.pageSize());
                if (page.isEmpty()) {
                    index.release(page.next());
                    break;
                }
                ids.addAll(page.ids());
                cursor = page.next();
            }
            if (nanos != null) {
                nanos[0] = System.nanoTime() - t0;
            }
            return ids;
        } finally {
            es._transport().close();
        }
    }

    /**
     * Plan + extract of the window as the ExtractPage function does it (PIT pages into tracking rows,
     * batches and SQS sends), without workers: a queue of its own, emptied afterwards, and the rows removed.
     */
    private double extractionAlone(LocalDeployment deployment, ExportWindow window) throws Exception {
        resetPipelineTables(deployment);
        String queueUrl = deployment
                .sqs()
                .createQueue(q -> q.queueName("bench-extract-" + Long.toString(System.nanoTime(), 36)))
                .queueUrl();
        Map<String, String> env = new LinkedHashMap<>(deployment.environment());
        env.put(EnvNames.QUEUE_URL, queueUrl);
        Clock clock = Clock.systemUTC();
        try (ExtractorRuntime runtime = new ExtractorRuntime(ExtractorConfig.fromEnv(env, SecretLookup.NONE), clock)) {
            var planner = runtime.jobPlanner();
            var extractor = runtime.pageExtractor();
            String execution = "bench-extract-" + System.nanoTime();
            long t0 = System.nanoTime();
            PlanResult plan = planner.plan(
                    new PlanRequest(execution, Optional.of(window.start()), Optional.of(window.end()), false));
            if (plan.action() != PlanResult.Action.RUN) {
                throw new IllegalStateException("extraction not planned: " + plan);
            }
            ExtractResult result;
            int calls = 0;
            do {
                result = extractor.extract(
                        plan.jobId(),
                        execution,
                        Deadline.after(Duration.ofMinutes(10), clock),
                        Metrics.toStdout("bench-extract"));
                calls++;
            } while (!result.done());
            long nanos = System.nanoTime() - t0;
            double rate = BenchStats.rate(result.extracted(), nanos);
            out.printf(
                    Locale.ROOT,
                    "  extraction alone: %,d ids into MySQL rows + %,d SQS batches in %.2f s (%d call%s) = %,.0f ids/s%n",
                    result.extracted(),
                    result.batches(),
                    nanos / 1e9,
                    calls,
                    calls == 1 ? "" : "s",
                    rate);
            return rate;
        } finally {
            deployment.sqs().deleteQueue(d -> d.queueUrl(queueUrl));
            resetPipelineTables(deployment);
        }
    }

    /** The objects the pipeline just wrote, PUT again (other keys) by one store with {@code --put-concurrency} threads. */
    private double barePut(LocalDeployment deployment) throws IOException {
        Path dir = deployment
                .bucketDirectory()
                .orElseThrow()
                .resolve(deployment.settings().keyPrefix());
        List<JsonObject> objects = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)
                    .filter(p ->
                            p.toString().endsWith(".json") && !dir.relativize(p).startsWith("manifests"))::iterator) {
                objects.add(new JsonObject(
                        "bench-bare-put/" + dir.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f)));
            }
        }
        Env e = new Env(deployment.environment());
        try (var s3 = S3ObjectStore.client(
                        AwsEndpointConfig.from(e, EnvNames.S3_ENDPOINT), S3ObjectStore.httpClient(putConcurrency));
                S3ObjectStore store = new S3ObjectStore(
                        s3, deployment.settings().bucket(), ServerSideEncryption.NONE, putConcurrency)) {
            Deadline deadline = Deadline.after(Duration.ofMinutes(30), Clock.systemUTC());
            // connections and code paths warm, as the pipeline's are by then
            store.putAllJson(
                    objects.subList(0, Math.min(objects.size(), 4 * putConcurrency)).stream()
                            .map(o -> new JsonObject("bench-bare-put-warmup/" + o.key(), o.json()))
                            .toList(),
                    deadline);
            long t0 = System.nanoTime();
            List<PutFailure> failures = store.putAllJson(objects, deadline);
            long nanos = System.nanoTime() - t0;
            long bytes = objects.stream().mapToLong(o -> o.json().length).sum();
            double rate = BenchStats.rate(objects.size() - failures.size(), nanos);
            out.printf(
                    Locale.ROOT,
                    "  bare PUT: %,d objects (%,.1f MB, %d failed) at concurrency %d in %.1f s = %,.0f PUT/s%n",
                    objects.size(),
                    bytes / MB,
                    failures.size(),
                    putConcurrency,
                    nanos / 1e9,
                    rate);
            return rate;
        }
    }

    // --- forked JVMs on the Lambda artifacts ------------------------------------------------------------

    private Map<String, String> workerProbe(LocalDeployment deployment) throws Exception {
        Path jar = repoDir.resolve("worker-lambda/target/worker-lambda.jar");
        if (!Files.isRegularFile(jar) || probeBatches == 0) {
            return Map.of();
        }
        List<String> bodies = new ArrayList<>();
        try (Connection c = deployment.database().getConnection()) {
            long jobId;
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT MAX(job_id) FROM job_runs")) {
                rs.next();
                jobId = rs.getLong(1);
            }
            List<Long> batchIds = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT batch_id FROM message_batches WHERE job_id = ? ORDER BY batch_id LIMIT ?")) {
                ps.setLong(1, jobId);
                ps.setInt(2, probeBatches);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        batchIds.add(rs.getLong(1));
                    }
                }
            }
            for (long batchId : batchIds) {
                ObjectNode body = JSON.createObjectNode().put("jobId", jobId).put("batchId", batchId);
                ArrayNode ids = body.putArray("messageIds");
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT message_id FROM message_tracking WHERE batch_id = ? ORDER BY message_id")) {
                    ps.setLong(1, batchId);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getString(1));
                        }
                    }
                }
                // exported by the pipeline already: pending again, so that the probe's worker does the whole work
                try (PreparedStatement ps =
                        c.prepareStatement("UPDATE message_tracking SET status = 'pending', lease_token = NULL,"
                                + " lease_until = NULL WHERE batch_id = ?")) {
                    ps.setLong(1, batchId);
                    ps.executeUpdate();
                }
                bodies.add(JSON.writeValueAsString(body));
            }
        }
        Path file = Files.createTempFile("bench-batches", ".jsonl");
        try {
            Files.write(file, bodies);
            Map<String, String> result = fork(jar, deployment.environment(), "worker", file.toString());
            List<Double> times = parseList(result.get("batchMs"));
            out.printf(
                    Locale.ROOT,
                    "  worker JVM (%s, -Xmx256m): cold init %s ms; %d batches of up to 500, p50 %.0f ms, p95 %.0f ms,"
                            + " %s failures; heap peak %s MB, max live after GC %s MB, %s GCs%n",
                    jar.getFileName(),
                    result.get("initMs"),
                    times.size(),
                    BenchStats.percentile(times, 50),
                    BenchStats.percentile(times, 95),
                    result.get("batchFailures"),
                    mb(result.get("heapPeakBeforeGcMb")),
                    mb(result.get("heapMaxLiveAfterGcMb")),
                    result.get("gcCount"));
            return result;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private Map<String, String> extractorProbe(LocalDeployment deployment, LocalDate firstSampleDay) throws Exception {
        Path jar = repoDir.resolve("extractor-lambda/target/extractor-lambda.jar");
        if (!Files.isRegularFile(jar)) {
            return Map.of();
        }
        // a window without messages: a whole job through the artifact's handlers without touching the bench's data
        LocalDate start = firstSampleDay.minusDays(30);
        Map<String, String> result = fork(
                jar,
                deployment.environment(),
                "extractor",
                start.toString(),
                start.plusDays(1).toString());
        out.printf(
                Locale.ROOT,
                "  extractor JVM (%s, -Xmx256m): cold init (ExtractPageHandler) %s ms, the other three %s ms;"
                        + " empty job: %s%n",
                jar.getFileName(),
                result.get("initMs"),
                result.get("otherHandlersInitMs"),
                result.get("finalizeJob"));
        return result;
    }

    /**
     * Runs {@link HandlerProbe} on the artifact in a fresh JVM with the flags of Lambda's java21 runtime at
     * a small size (serial GC, C1 only, 256 MB heap) and the functions' environment.
     */
    private Map<String, String> fork(Path jar, Map<String, String> env, String... args) throws Exception {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        String classes = Path.of(HandlerProbe.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .toString();
        List<String> command = new ArrayList<>(List.of(
                javaBin.toString(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:+TieredCompilation",
                "-XX:TieredStopAtLevel=1",
                "-Xshare:auto",
                "-Dmessageexport.metrics=log",
                "-cp",
                jar.toAbsolutePath() + java.io.File.pathSeparator + classes,
                HandlerProbe.class.getName()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile("bench-probe", ".log");
        try {
            ProcessBuilder pb =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            int exit = p.waitFor();
            Map<String, String> values = new LinkedHashMap<>();
            for (String line : Files.readAllLines(log)) {
                if (line.startsWith("BENCH-PROBE ")) {
                    String kv = line.substring("BENCH-PROBE ".length());
                    int eq = kv.indexOf('=');
                    values.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
            if (exit != 0 || !values.containsKey("heapMaxMb")) {
                List<String> lines = Files.readAllLines(log);
                throw new IllegalStateException("the " + args[0] + " probe JVM failed (exit " + exit + "): "
                        + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
            }
            return values;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    // --- report -----------------------------------------------------------------------------------------

    private void report(List<Run> runs, Map<String, Map<String, String>> probes, String loadBefore, String loadAfter)
            throws IOException {
        double baseline = median(runs, Run::baselineMsgPerSec);
        double pipeline = median(runs, Run::pipelineMsgPerSec);
        double pipelineExtraction = median(runs, Run::pipelineExtractionIdsPerSec);
        double extraction = median(runs, Run::extractionIdsPerSec);
        double paging = median(runs, Run::rawPagingIdsPerSec);
        double bare = median(runs, Run::barePutPerSec);
        double p50 = median(runs, Run::batchP50Ms);
        double p95 = median(runs, Run::batchP95Ms);
        Map<String, String> worker = probes.getOrDefault("worker", Map.of());
        Map<String, String> extractor = probes.getOrDefault("extractor", Map.of());
        List<Double> probeBatchMs = parseList(worker.get("batchMs"));
        double workerHeapPeak = number(worker.get("heapPeakBeforeGcMb"));
        double workerLive = number(worker.get("heapMaxLiveAfterGcMb"));
        double workerInit = number(worker.get("initMs"));
        double extractorInit = number(extractor.get("initMs"));
        double workerJar = jarMb("worker-lambda/target/worker-lambda.jar");
        double extractorJar = jarMb("extractor-lambda/target/extractor-lambda.jar");

        out.println();
        out.printf(
                Locale.ROOT,
                "Bench results (medians of %d run%s; %,d messages; load average %s before, %s after)%n",
                runs.size(),
                runs.size() == 1 ? "" : "s",
                sample.messages,
                loadBefore,
                loadAfter);
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "  %-44s", ""));
        for (int i = 1; i <= runs.size(); i++) {
            header.append(String.format(Locale.ROOT, "%10s", "run " + i));
        }
        out.println(header.append(String.format(Locale.ROOT, "%10s", "median")));
        row("baseline, seed design (msg/s)", runs, Run::baselineMsgPerSec);
        row("pipeline end to end (msg/s)", runs, Run::pipelineMsgPerSec);
        row("  extraction inside the pipeline (ids/s)", runs, Run::pipelineExtractionIdsPerSec);
        row("  worker batch p50 (ms, in-process, 4 conc.)", runs, Run::batchP50Ms);
        row("  worker batch p95 (ms)", runs, Run::batchP95Ms);
        row("  share of batch time in S3 PUTs", runs, Run::putShare);
        row("extraction alone, MySQL + SQS (ids/s)", runs, Run::extractionIdsPerSec);
        row("raw PIT paging (ids/s)", runs, Run::rawPagingIdsPerSec);
        row("bare PUT, concurrency " + putConcurrency + " (PUT/s)", runs, Run::barePutPerSec);
        if (!worker.isEmpty()) {
            out.printf(
                    Locale.ROOT,
                    "  worker JVM on the artifact, -Xmx256m, one event at a time: %d batches, p50 %.0f ms, p95 %.0f ms;"
                            + " heap peak %.1f MB (max live after GC %.1f MB); cold init %.0f ms%n",
                    probeBatchMs.size(),
                    BenchStats.percentile(probeBatchMs, 50),
                    BenchStats.percentile(probeBatchMs, 95),
                    workerHeapPeak,
                    workerLive,
                    workerInit);
        }
        if (!extractor.isEmpty()) {
            out.printf(
                    Locale.ROOT,
                    "  extractor JVM on the artifact: cold init of ExtractPageHandler %.0f ms; a whole (empty) job ran: %s%n",
                    extractorInit,
                    extractor.get("finalizeJob"));
        }

        List<BenchStats.Goal> goals = new ArrayList<>();
        if (!extractOnly) {
            goals.add(BenchStats.Goal.atLeast("pipeline / baseline", BenchStats.ratio(pipeline, baseline), 10, "x"));
            goals.add(BenchStats.Goal.atLeast("pipeline / bare PUT", BenchStats.ratio(pipeline, bare), 0.5, "x"));
        }
        goals.add(BenchStats.Goal.atLeast(
                "extraction alone / raw paging", BenchStats.ratio(extraction, paging), 0.5, "x"));
        if (!extractOnly) {
            goals.add(BenchStats.Goal.atLeast(
                    "extraction in pipeline / raw paging", BenchStats.ratio(pipelineExtraction, paging), 0.5, "x"));
            goals.add(BenchStats.Goal.atMost("worker batch p50 (pipeline)", p50, 1000, "ms"));
            goals.add(BenchStats.Goal.atMost("worker batch p95 (pipeline)", p95, 1000, "ms"));
            goals.add(BenchStats.Goal.atMost(
                    "worker batch p95 (own JVM)", BenchStats.percentile(probeBatchMs, 95), 1000, "ms"));
            goals.add(BenchStats.Goal.atMost("worker heap peak", workerHeapPeak, 256, "MB"));
            goals.add(BenchStats.Goal.atMost("worker cold init", workerInit, 1500, "ms"));
            goals.add(BenchStats.Goal.atMost("extractor cold init", extractorInit, 1500, "ms"));
        }
        goals.add(BenchStats.Goal.atMost("worker-lambda.jar", workerJar, 30, "MB"));
        goals.add(BenchStats.Goal.atMost("extractor-lambda.jar", extractorJar, 30, "MB"));
        out.println();
        out.println("Goals");
        for (BenchStats.Goal g : goals) {
            out.printf(
                    Locale.ROOT,
                    "  %-40s %10s   goal %s %s %-3s  %s%n",
                    g.name(),
                    format(g.value(), g.unit()),
                    g.atMost() ? "<=" : ">=",
                    format(g.target(), ""),
                    g.unit(),
                    g.verdict());
        }

        ObjectNode json = JSON.createObjectNode();
        json.put("bench", "message-export");
        json.put("at", java.time.Instant.now().toString());
        json.put("messages", sample.messages)
                .put("days", sample.days)
                .put("sideDocs", sample.sideDocs)
                .put("repeat", runs.size())
                .put("workers", workers)
                .put("baselineWorkers", baselineWorkers)
                .put(
                        "baselineMessages",
                        extractOnly || skipBaseline
                                ? 0
                                : baselineMessages == null
                                        ? sample.messages
                                        : Math.min(sample.messages, baselineMessages))
                .put("putConcurrency", putConcurrency)
                .put("extractOnly", extractOnly)
                .put("cpus", Runtime.getRuntime().availableProcessors())
                .put("loadBefore", loadBefore)
                .put("loadAfter", loadAfter);
        ObjectNode medians = json.putObject("medians");
        put(medians, "baselineMsgPerSec", baseline);
        put(medians, "pipelineMsgPerSec", pipeline);
        put(medians, "pipelineExtractionIdsPerSec", pipelineExtraction);
        put(medians, "extractionIdsPerSec", extraction);
        put(medians, "rawPagingIdsPerSec", paging);
        put(medians, "barePutPerSec", bare);
        put(medians, "batchP50Ms", p50);
        put(medians, "batchP95Ms", p95);
        put(medians, "putShareOfBatchTime", median(runs, Run::putShare));
        ObjectNode ratios = json.putObject("ratios");
        put(ratios, "pipelineOverBaseline", BenchStats.ratio(pipeline, baseline));
        put(ratios, "pipelineOverBarePut", BenchStats.ratio(pipeline, bare));
        put(ratios, "extractionOverRawPaging", BenchStats.ratio(extraction, paging));
        put(ratios, "pipelineExtractionOverRawPaging", BenchStats.ratio(pipelineExtraction, paging));
        ObjectNode probe = json.putObject("workerJvm");
        put(probe, "initMs", workerInit);
        put(probe, "batchP50Ms", BenchStats.percentile(probeBatchMs, 50));
        put(probe, "batchP95Ms", BenchStats.percentile(probeBatchMs, 95));
        put(probe, "heapPeakMb", workerHeapPeak);
        put(probe, "heapMaxLiveAfterGcMb", workerLive);
        put(json.putObject("extractorJvm"), "initMs", extractorInit);
        ObjectNode jars = json.putObject("artifactsMb");
        put(jars, "workerLambda", workerJar);
        put(jars, "extractorLambda", extractorJar);
        ArrayNode perRun = json.putArray("runs");
        for (Run r : runs) {
            ObjectNode n = perRun.addObject();
            put(n, "baselineMsgPerSec", r.baselineMsgPerSec());
            put(n, "pipelineMsgPerSec", r.pipelineMsgPerSec());
            put(n, "pipelineExtractionIdsPerSec", r.pipelineExtractionIdsPerSec());
            put(n, "extractionIdsPerSec", r.extractionIdsPerSec());
            put(n, "rawPagingIdsPerSec", r.rawPagingIdsPerSec());
            put(n, "barePutPerSec", r.barePutPerSec());
            put(n, "batchP50Ms", r.batchP50Ms());
            put(n, "batchP95Ms", r.batchP95Ms());
            put(n, "putShareOfBatchTime", r.putShare());
        }
        ObjectNode verdicts = json.putObject("goals");
        goals.forEach(g -> verdicts.put(g.name(), g.verdict()));
        String line = JSON.writeValueAsString(json);
        out.println();
        out.println(line);
        if (jsonOut != null) {
            Files.writeString(
                    jsonOut, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    private void row(String label, List<Run> runs, Function<Run, Double> figure) {
        if (runs.stream().allMatch(r -> Double.isNaN(figure.apply(r)))) {
            return;
        }
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-44s", label));
        for (Run r : runs) {
            line.append(String.format(Locale.ROOT, "%10s", format(figure.apply(r), "")));
        }
        out.println(line.append(String.format(Locale.ROOT, "%10s", format(median(runs, figure), ""))));
    }

    private static double median(List<Run> runs, Function<Run, Double> figure) {
        return BenchStats.median(runs.stream().map(figure).toList());
    }

    private static String format(double v, String unit) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if ("x".equals(unit) || Math.abs(v) < 100) {
            return String.format(Locale.ROOT, "%,.2f", v);
        }
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    private static void put(ObjectNode node, String field, double value) {
        if (Double.isNaN(value)) {
            node.putNull(field);
        } else {
            node.put(field, Math.round(value * 100) / 100.0);
        }
    }

    private static double number(String s) {
        try {
            return s == null ? Double.NaN : Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String mb(String s) {
        return format(number(s), "");
    }

    private static List<Double> parseList(String csv) {
        if (csv == null || csv.isBlank()) {
            return List.of();
        }
        return Stream.of(csv.split(",")).map(Double::parseDouble).toList();
    }

    private double jarMb(String path) {
        Path p = repoDir.resolve(path);
        try {
            return Files.isRegularFile(p) ? Files.size(p) / MB : Double.NaN;
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    private static ElasticsearchConfig esConfig(Map<String, String> env) {
        return ElasticsearchConfig.from(new Env(env), SecretLookup.NONE);
    }

    private static void resetPipelineTables(LocalDeployment deployment) throws SQLException {
        try (Connection c = deployment.database().getConnection();
                Statement s = c.createStatement()) {
            s.execute("DELETE FROM message_tracking");
            s.execute("DELETE FROM message_batches");
            s.execute("DELETE FROM job_runs");
        }
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("bench: could not delete " + root + ": " + e.getMessage());
        }
    }
}
