package org.messageexport.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.messageexport.config.EnvNames;
import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.OutputFormat;
import org.messageexport.local.LocalDeployment;
import org.messageexport.local.LocalRunner;
import org.messageexport.local.LocalSettings;
import org.messageexport.local.SampleDataOptions;
import org.messageexport.localkit.SampleDataSeeder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bench} ({@code ./run-local bench}): in one run, on the same sample data and machine, the seed design's
 * per-message loop (baseline), the pipeline end to end in each output format ({@code object}, {@code ndjson-gz}),
 * and what it is measured against (bare concurrent PUTs of the same objects to the same S3, raw PIT paging of the
 * same ids, the peer elasticdump dumping the same index), plus extraction alone, worker batch times,
 * the worker's heap and the handlers' cold init in fresh JVMs on the Lambda artifacts, and the artifacts' sizes.
 * One class per phase; {@link BenchReport} prints medians over {@code --repeat} runs, the ratios against their
 * goals, and one JSON line. Exit codes: 0 done, 1 a phase failed, 2 bad options.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        subcommands = GrowthBenchmark.class,
        description = {
            "Benchmark the export on embedded services: baseline (seed design) vs pipeline vs the local limits.",
            "Prints medians of --repeat runs, ratios against the goals, and one JSON line (also appended to --json-out)."
        })
public final class BenchCommand implements Callable<Integer> {
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
            names = "--elasticdump-limit",
            defaultValue = "10000",
            description = "Documents per request of the peer, elasticdump (--limit; default ${DEFAULT-VALUE}).")
    int elasticdumpLimit;

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

    /** The bucket of the pipeline's run in the ndjson-gz output format (the object format's is the default one). */
    static final String NDJSON_BUCKET = "message-export-ndjson";

    private final PrintStream out = System.out;

    public static void main(String[] args) {
        LocalRunner.configureLogging(args);
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return LocalRunner.withExitCodes(new CommandLine(new BenchCommand()));
    }

    @Override
    public Integer call() throws Exception {
        validate();
        boolean tempData = dataDir == null;
        Path data = tempData ? Files.createTempDirectory("message-export-bench") : dataDir;
        LocalDate first = sample.firstDay(LocalDate.now(ZoneOffset.UTC));
        ExportWindow window = new ExportWindow(first, first.plusDays(sample.days()));
        LocalSettings settings = LocalSettings.builder(first)
                .window(Period.ofDays(sample.days()))
                .s3Directory(data.resolve("s3"))
                .workers(workers, Duration.ofSeconds(30))
                .build();
        PipelinePhase pipeline = new PipelinePhase(out, "pipeline, object");
        PipelinePhase ndjsonPipeline = new PipelinePhase(out, "pipeline, ndjson-gz");
        String loadBefore = BenchReport.loadAverage();
        out.printf(
                Locale.ROOT,
                "· bench: %,d messages over %d days (0..%d side documents each per collection), window %s, repeat %d;"
                        + " %d CPUs, load average %s%n",
                sample.messages(),
                sample.days(),
                sample.sideDocs(),
                window,
                repeat,
                Runtime.getRuntime().availableProcessors(),
                loadBefore);
        try (LocalDeployment deployment =
                LocalDeployment.start(settings, null, s -> out.println("· " + s), pipeline.instrumentation())) {
            seed(deployment, first);
            PipelineTables tables = new PipelineTables(deployment.database());
            boolean withBaseline = !extractOnly && !skipBaseline;
            // the same functions in the ndjson-gz output format, on the same services, data, database and window
            try (LocalDeployment ndjson = LocalDeployment.start(
                            LocalSettings.builder(first)
                                    .window(Period.ofDays(sample.days()))
                                    .bucket(NDJSON_BUCKET)
                                    .workers(workers, Duration.ofSeconds(30))
                                    .environment(Map.of(EnvNames.OUTPUT_FORMAT, OutputFormat.NDJSON_GZ.setting()))
                                    .build(),
                            deployment.embeddedServices().orElseThrow(),
                            s -> {},
                            ndjsonPipeline.instrumentation());
                    BaselinePhase baseline = withBaseline
                            ? BaselinePhase.create(deployment.environment(), baselineWorkers, baselineMessages, out)
                            : null) {
                List<BenchRun> runs = new ArrayList<>();
                for (int r = 1; r <= repeat; r++) {
                    out.printf(Locale.ROOT, "· run %d of %d%n", r, repeat);
                    runs.add(runOnce(deployment, ndjson, tables, pipeline, ndjsonPipeline, baseline, window));
                }
                ProbeJvm.Result worker = ProbeJvm.Result.NONE;
                ProbeJvm.Result ndjsonWorker = ProbeJvm.Result.NONE;
                ProbeJvm.Result extractor = ProbeJvm.Result.NONE;
                if (!extractOnly) {
                    worker = WorkerJvmPhase.run(deployment, tables, repoDir, probeBatches, "object", out);
                    ndjsonWorker = WorkerJvmPhase.run(ndjson, tables, repoDir, probeBatches, "ndjson-gz", out);
                    extractor = ExtractorJvmPhase.run(deployment, first, repoDir, out);
                }
                new BenchReport(setup(withBaseline), out)
                        .print(runs, worker, ndjsonWorker, extractor, loadBefore, BenchReport.loadAverage());
            }
        } finally {
            if (tempData) {
                deleteTree(data);
            }
        }
        return 0;
    }

    private void validate() {
        if (!sample.valid()
                || repeat < 1
                || workers < 1
                || baselineWorkers < 1
                || putConcurrency < 1
                || probeBatches < 0
                || elasticdumpLimit < 1
                || (baselineMessages != null && baselineMessages < 1)) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--messages, --days, --repeat, --workers, --baseline-workers, --put-concurrency and"
                            + " --elasticdump-limit must be >= 1; --probe-batches and --side-docs >= 0");
        }
    }

    /** One repetition: every phase in turn on the same data. */
    private BenchRun runOnce(
            LocalDeployment deployment,
            LocalDeployment ndjson,
            PipelineTables tables,
            PipelinePhase pipeline,
            PipelinePhase ndjsonPipeline,
            BaselinePhase baseline,
            ExportWindow window)
            throws Exception {
        double baselineRate = baseline == null ? Double.NaN : baseline.run(window);
        double paging = RawPagingPhase.run(deployment.environment(), window, out);
        double extraction = ExtractionPhase.run(deployment, tables, window, out);
        if (extractOnly) {
            return BenchRun.extractionOnly(baselineRate, extraction, paging);
        }
        tables.clear();
        PipelinePhase.Result p = pipeline.run(deployment, window);
        double bare = BarePutPhase.run(deployment, putConcurrency, out);
        tables.clear();
        PipelinePhase.Result n = ndjsonPipeline.run(ndjson, window);
        double peer = ElasticdumpPhase.run(deployment, repoDir, elasticdumpLimit, out);
        return new BenchRun(
                baselineRate,
                p.msgPerSec(),
                n.msgPerSec(),
                n.batchP50Ms(),
                n.batchP95Ms(),
                peer,
                p.extractionIdsPerSec(),
                extraction,
                paging,
                bare,
                p.batchP50Ms(),
                p.batchP95Ms(),
                p.putShare(),
                p.exported(),
                p.batches());
    }

    private BenchReport.Setup setup(boolean withBaseline) {
        return new BenchReport.Setup(
                sample.messages(),
                sample.days(),
                sample.sideDocs(),
                workers,
                baselineWorkers,
                !withBaseline
                        ? 0
                        : baselineMessages == null ? sample.messages() : Math.min(sample.messages(), baselineMessages),
                putConcurrency,
                extractOnly,
                repoDir,
                jsonOut);
    }

    /** The sample data into an empty messages index (the bench measures its own data, nothing else). */
    private void seed(LocalDeployment deployment, LocalDate first) throws Exception {
        SampleDataSeeder seeder = SampleDataSeeder.forEnvironment(deployment.environment());
        long existing = seeder.count(SampleDataSeeder.MESSAGES);
        if (existing > 0) {
            throw new IllegalStateException("index " + SampleDataSeeder.MESSAGES + " is not empty (" + existing + ")");
        }
        long t0 = System.nanoTime();
        SampleDataSeeder.Seeded seeded = seeder.seed(sample.spec(first), n -> {});
        out.printf(
                Locale.ROOT,
                "· seeded %,d messages with %,d side documents in %.1f s%n",
                seeded.messages(),
                seeded.sideDocuments(),
                (System.nanoTime() - t0) / 1e9);
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("bench: could not delete " + root + ": " + e.getMessage());
        }
    }
}
