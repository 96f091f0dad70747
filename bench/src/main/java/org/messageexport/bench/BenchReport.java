package org.messageexport.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The bench's result: a table of every run's figures and their medians, the figures of the artifacts' JVMs, the
 * ratios and limits against their goals, and one JSON line with all of it (printed last, and appended to
 * {@code --json-out}).
 */
final class BenchReport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double MB = 1024.0 * 1024.0;

    /** What the bench ran with; {@code baselineMessages} is 0 when the baseline did not run. */
    record Setup(
            int messages,
            int days,
            int sideDocs,
            int workers,
            int baselineWorkers,
            int baselineMessages,
            int putConcurrency,
            boolean extractOnly,
            Path repoDir,
            Path jsonOut) {}

    private final Setup setup;
    private final PrintStream out;

    BenchReport(Setup setup, PrintStream out) {
        this.setup = setup;
        this.out = out;
    }

    void print(
            List<BenchRun> runs,
            ProbeJvm.Result worker,
            ProbeJvm.Result ndjsonWorker,
            ProbeJvm.Result extractor,
            String loadBefore,
            String loadAfter)
            throws IOException {
        Figures f = new Figures(runs, worker, ndjsonWorker, extractor);
        printTable(runs, f, loadBefore, loadAfter);
        List<BenchStats.Goal> goals = goals(f);
        printGoals(goals);
        String line = JSON.writeValueAsString(json(runs, f, goals, loadBefore, loadAfter));
        out.println();
        out.println(line);
        if (setup.jsonOut() != null) {
            Files.writeString(
                    setup.jsonOut(),
                    line + System.lineSeparator(),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
    }

    /** The medians and the probes' figures that the table, the goals and the JSON line share. */
    private final class Figures {
        final double baseline;
        final double pipeline;
        final double ndjson;
        final double ndjsonP50;
        final double ndjsonP95;
        final double elasticdump;
        final ProbeJvm.Result ndjsonWorker;
        final List<Double> ndjsonProbeBatchMs;
        final double pipelineExtraction;
        final double extraction;
        final double paging;
        final double bare;
        final double p50;
        final double p95;
        final double putShare;
        final ProbeJvm.Result worker;
        final ProbeJvm.Result extractor;
        final List<Double> probeBatchMs;
        final double workerHeapPeak;
        final double workerLive;
        final double workerInit;
        final double extractorInit;
        final double workerJar;
        final double extractorJar;

        Figures(List<BenchRun> runs, ProbeJvm.Result worker, ProbeJvm.Result ndjsonWorker, ProbeJvm.Result extractor) {
            baseline = median(runs, BenchRun::baselineMsgPerSec);
            pipeline = median(runs, BenchRun::pipelineMsgPerSec);
            ndjson = median(runs, BenchRun::ndjsonMsgPerSec);
            ndjsonP50 = median(runs, BenchRun::ndjsonBatchP50Ms);
            ndjsonP95 = median(runs, BenchRun::ndjsonBatchP95Ms);
            elasticdump = median(runs, BenchRun::elasticdumpDocsPerSec);
            this.ndjsonWorker = ndjsonWorker;
            ndjsonProbeBatchMs = ndjsonWorker.numbers("batchMs");
            pipelineExtraction = median(runs, BenchRun::pipelineExtractionIdsPerSec);
            extraction = median(runs, BenchRun::extractionIdsPerSec);
            paging = median(runs, BenchRun::rawPagingIdsPerSec);
            bare = median(runs, BenchRun::barePutPerSec);
            p50 = median(runs, BenchRun::batchP50Ms);
            p95 = median(runs, BenchRun::batchP95Ms);
            putShare = median(runs, BenchRun::putShare);
            this.worker = worker;
            this.extractor = extractor;
            probeBatchMs = worker.numbers("batchMs");
            workerHeapPeak = worker.number("heapPeakBeforeGcMb");
            workerLive = worker.number("heapMaxLiveAfterGcMb");
            workerInit = worker.number("initMs");
            extractorInit = extractor.number("initMs");
            workerJar = jarMb(ProbeJvm.WORKER_JAR);
            extractorJar = jarMb(ProbeJvm.EXTRACTOR_JAR);
        }
    }

    private void printTable(List<BenchRun> runs, Figures f, String loadBefore, String loadAfter) {
        out.println();
        out.printf(
                Locale.ROOT,
                "Bench results (medians of %d run%s; %,d messages; load average %s before, %s after)%n",
                runs.size(),
                runs.size() == 1 ? "" : "s",
                setup.messages(),
                loadBefore,
                loadAfter);
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "  %-44s", ""));
        for (int i = 1; i <= runs.size(); i++) {
            header.append(String.format(Locale.ROOT, "%10s", "run " + i));
        }
        out.println(header.append(String.format(Locale.ROOT, "%10s", "median")));
        row("baseline, seed design (msg/s)", runs, BenchRun::baselineMsgPerSec);
        row("pipeline, object, end to end (msg/s)", runs, BenchRun::pipelineMsgPerSec);
        row("  extraction inside the pipeline (ids/s)", runs, BenchRun::pipelineExtractionIdsPerSec);
        row("  worker batch p50 (ms, in-process, 4 conc.)", runs, BenchRun::batchP50Ms);
        row("  worker batch p95 (ms)", runs, BenchRun::batchP95Ms);
        row("  share of batch time in S3 PUTs", runs, BenchRun::putShare);
        row("pipeline, ndjson-gz, end to end (msg/s)", runs, BenchRun::ndjsonMsgPerSec);
        row("  worker batch p50 (ms, in-process, 4 conc.)", runs, BenchRun::ndjsonBatchP50Ms);
        row("  worker batch p95 (ms)", runs, BenchRun::ndjsonBatchP95Ms);
        row("elasticdump, raw dump, same index (docs/s)", runs, BenchRun::elasticdumpDocsPerSec);
        row("extraction alone, MySQL + SQS (ids/s)", runs, BenchRun::extractionIdsPerSec);
        row("raw PIT paging (ids/s)", runs, BenchRun::rawPagingIdsPerSec);
        row("bare PUT, concurrency " + setup.putConcurrency() + " (PUT/s)", runs, BenchRun::barePutPerSec);
        for (var probe : List.of(Map.entry("object", f.worker), Map.entry("ndjson-gz", f.ndjsonWorker))) {
            ProbeJvm.Result w = probe.getValue();
            if (w.ran()) {
                List<Double> ms = w.numbers("batchMs");
                out.printf(
                        Locale.ROOT,
                        "  worker JVM on the artifact, %s, -Xmx256m, one event at a time: %d batches, p50 %.0f ms,"
                                + " p95 %.0f ms; heap peak %.1f MB (max live after GC %.1f MB); cold init %.0f ms%n",
                        probe.getKey(),
                        ms.size(),
                        BenchStats.percentile(ms, 50),
                        BenchStats.percentile(ms, 95),
                        w.number("heapPeakBeforeGcMb"),
                        w.number("heapMaxLiveAfterGcMb"),
                        w.number("initMs"));
            }
        }
        if (f.extractor.ran()) {
            out.printf(
                    Locale.ROOT,
                    "  extractor JVM on the artifact: cold init of ExtractPageHandler %.0f ms; a whole (empty) job ran: %s%n",
                    f.extractorInit,
                    f.extractor.text("finalizeJob"));
        }
    }

    private List<BenchStats.Goal> goals(Figures f) {
        List<BenchStats.Goal> goals = new ArrayList<>();
        if (!setup.extractOnly()) {
            goals.add(BenchStats.Goal.atLeast(
                    "object pipeline / baseline", BenchStats.ratio(f.pipeline, f.baseline), 10, "x"));
            goals.add(BenchStats.Goal.atLeast(
                    "object pipeline / bare PUT", BenchStats.ratio(f.pipeline, f.bare), 0.8, "x"));
            goals.add(BenchStats.Goal.atLeast(
                    "ndjson-gz pipeline / elasticdump", BenchStats.ratio(f.ndjson, f.elasticdump), 1, "x"));
            goals.add(BenchStats.Goal.atLeast(
                    "ndjson-gz pipeline / baseline", BenchStats.ratio(f.ndjson, f.baseline), 10, "x"));
        }
        goals.add(BenchStats.Goal.atLeast(
                "extraction alone / raw paging", BenchStats.ratio(f.extraction, f.paging), 0.5, "x"));
        if (!setup.extractOnly()) {
            goals.add(BenchStats.Goal.atLeast(
                    "extraction in pipeline / raw paging", BenchStats.ratio(f.pipelineExtraction, f.paging), 0.5, "x"));
            goals.add(BenchStats.Goal.atMost("worker batch p50 (pipeline)", f.p50, 1000, "ms"));
            goals.add(BenchStats.Goal.atMost("worker batch p95 (pipeline)", f.p95, 1000, "ms"));
            goals.add(BenchStats.Goal.atMost("worker batch p95 (ndjson-gz pipeline)", f.ndjsonP95, 1000, "ms"));
            goals.add(BenchStats.Goal.atMost(
                    "worker batch p95 (own JVM, object)", BenchStats.percentile(f.probeBatchMs, 95), 1000, "ms"));
            goals.add(BenchStats.Goal.atMost(
                    "worker batch p95 (own JVM, ndjson-gz)",
                    BenchStats.percentile(f.ndjsonProbeBatchMs, 95),
                    300,
                    "ms"));
            goals.add(BenchStats.Goal.atMost("worker heap peak (object)", f.workerHeapPeak, 256, "MB"));
            goals.add(BenchStats.Goal.atMost(
                    "worker heap peak (ndjson-gz)", f.ndjsonWorker.number("heapPeakBeforeGcMb"), 256, "MB"));
            goals.add(BenchStats.Goal.atMost("worker cold init", f.workerInit, 1500, "ms"));
            goals.add(BenchStats.Goal.atMost("extractor cold init", f.extractorInit, 1500, "ms"));
        }
        goals.add(BenchStats.Goal.atMost("worker-lambda.jar", f.workerJar, 30, "MB"));
        goals.add(BenchStats.Goal.atMost("extractor-lambda.jar", f.extractorJar, 30, "MB"));
        return goals;
    }

    private void printGoals(List<BenchStats.Goal> goals) {
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
    }

    private ObjectNode json(
            List<BenchRun> runs, Figures f, List<BenchStats.Goal> goals, String loadBefore, String loadAfter) {
        ObjectNode json = JSON.createObjectNode();
        json.put("bench", "message-export");
        json.put("at", java.time.Instant.now().toString());
        json.put("messages", setup.messages())
                .put("days", setup.days())
                .put("sideDocs", setup.sideDocs())
                .put("repeat", runs.size())
                .put("workers", setup.workers())
                .put("baselineWorkers", setup.baselineWorkers())
                .put("baselineMessages", setup.baselineMessages())
                .put("putConcurrency", setup.putConcurrency())
                .put("extractOnly", setup.extractOnly())
                .put("cpus", Runtime.getRuntime().availableProcessors())
                .put("loadBefore", loadBefore)
                .put("loadAfter", loadAfter);
        ObjectNode medians = json.putObject("medians");
        put(medians, "baselineMsgPerSec", f.baseline);
        put(medians, "pipelineMsgPerSec", f.pipeline);
        put(medians, "ndjsonMsgPerSec", f.ndjson);
        put(medians, "ndjsonBatchP50Ms", f.ndjsonP50);
        put(medians, "ndjsonBatchP95Ms", f.ndjsonP95);
        put(medians, "elasticdumpDocsPerSec", f.elasticdump);
        put(medians, "pipelineExtractionIdsPerSec", f.pipelineExtraction);
        put(medians, "extractionIdsPerSec", f.extraction);
        put(medians, "rawPagingIdsPerSec", f.paging);
        put(medians, "barePutPerSec", f.bare);
        put(medians, "batchP50Ms", f.p50);
        put(medians, "batchP95Ms", f.p95);
        put(medians, "putShareOfBatchTime", f.putShare);
        ObjectNode ratios = json.putObject("ratios");
        put(ratios, "pipelineOverBaseline", BenchStats.ratio(f.pipeline, f.baseline));
        put(ratios, "pipelineOverBarePut", BenchStats.ratio(f.pipeline, f.bare));
        put(ratios, "ndjsonOverElasticdump", BenchStats.ratio(f.ndjson, f.elasticdump));
        put(ratios, "ndjsonOverBaseline", BenchStats.ratio(f.ndjson, f.baseline));
        put(ratios, "ndjsonOverBarePut", BenchStats.ratio(f.ndjson, f.bare));
        put(ratios, "pipelineOverElasticdump", BenchStats.ratio(f.pipeline, f.elasticdump));
        put(ratios, "extractionOverRawPaging", BenchStats.ratio(f.extraction, f.paging));
        put(ratios, "pipelineExtractionOverRawPaging", BenchStats.ratio(f.pipelineExtraction, f.paging));
        ObjectNode probe = json.putObject("workerJvm");
        put(probe, "initMs", f.workerInit);
        put(probe, "batchP50Ms", BenchStats.percentile(f.probeBatchMs, 50));
        put(probe, "batchP95Ms", BenchStats.percentile(f.probeBatchMs, 95));
        put(probe, "heapPeakMb", f.workerHeapPeak);
        put(probe, "heapMaxLiveAfterGcMb", f.workerLive);
        ObjectNode ndjsonProbe = json.putObject("ndjsonWorkerJvm");
        put(ndjsonProbe, "initMs", f.ndjsonWorker.number("initMs"));
        put(ndjsonProbe, "batchP50Ms", BenchStats.percentile(f.ndjsonProbeBatchMs, 50));
        put(ndjsonProbe, "batchP95Ms", BenchStats.percentile(f.ndjsonProbeBatchMs, 95));
        put(ndjsonProbe, "heapPeakMb", f.ndjsonWorker.number("heapPeakBeforeGcMb"));
        put(json.putObject("extractorJvm"), "initMs", f.extractorInit);
        ObjectNode jars = json.putObject("artifactsMb");
        put(jars, "workerLambda", f.workerJar);
        put(jars, "extractorLambda", f.extractorJar);
        ArrayNode perRun = json.putArray("runs");
        for (BenchRun r : runs) {
            ObjectNode n = perRun.addObject();
            put(n, "baselineMsgPerSec", r.baselineMsgPerSec());
            put(n, "pipelineMsgPerSec", r.pipelineMsgPerSec());
            put(n, "ndjsonMsgPerSec", r.ndjsonMsgPerSec());
            put(n, "elasticdumpDocsPerSec", r.elasticdumpDocsPerSec());
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
        return json;
    }

    private void row(String label, List<BenchRun> runs, Function<BenchRun, Double> figure) {
        if (runs.stream().allMatch(r -> Double.isNaN(figure.apply(r)))) {
            return;
        }
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-44s", label));
        for (BenchRun r : runs) {
            line.append(String.format(Locale.ROOT, "%10s", format(figure.apply(r), "")));
        }
        out.println(line.append(String.format(Locale.ROOT, "%10s", format(median(runs, figure), ""))));
    }

    private static double median(List<BenchRun> runs, Function<BenchRun, Double> figure) {
        return BenchStats.median(runs.stream().map(figure).toList());
    }

    /** A figure as the report prints it: n/a, two decimals below 100 (and for ratios), else whole. */
    static String format(double v, String unit) {
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

    private double jarMb(String path) {
        Path p = setup.repoDir().resolve(path);
        try {
            return Files.isRegularFile(p) ? Files.size(p) / MB : Double.NaN;
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    /** The machine's load average (1, 5, 15 min), or n/a. */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }
}
