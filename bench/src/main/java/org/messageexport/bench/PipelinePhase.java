package org.messageexport.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.messageexport.config.StateMachineTask;
import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.JobRun;
import org.messageexport.local.LocalDeployment;
import org.messageexport.local.LocalExport;
import org.messageexport.local.LocalFunctions;

/**
 * Phase "pipeline": the state machine end to end (extract → SQS → concurrent worker invocations → S3 → tracking),
 * timed from the execution's start to its end, with the time of the ExtractPage calls, of every worker invocation
 * and of its S3 PUTs, seen through the deployment's {@link #instrumentation()}.
 */
final class PipelinePhase {
    /** The figures of one run; {@code putShare} is the share of the worker invocations' time spent in S3 PUTs. */
    record Result(
            double msgPerSec,
            double extractionIdsPerSec,
            double batchP50Ms,
            double batchP95Ms,
            double putShare,
            long exported,
            long batches) {}

    private final Timings timings = new Timings();
    private final PrintStream out;
    private final String label;

    /** {@code label} names the run in the output, e.g. {@code pipeline, ndjson-gz}. */
    PipelinePhase(PrintStream out, String label) {
        this.out = out;
        this.label = label;
    }

    /** What the deployment must report to this phase. */
    LocalFunctions.Instrumentation instrumentation() {
        return timings;
    }

    Result run(LocalDeployment deployment, ExportWindow window) {
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
        double extraction = BenchStats.rate(job.extracted(), timings.extractNanos());
        List<Double> batches = timings.workerMillis();
        double p50 = BenchStats.percentile(batches, 50);
        double p95 = BenchStats.percentile(batches, 95);
        double putShare = timings.putShare();
        out.printf(
                Locale.ROOT,
                "  %s: job %d exported %,d messages (%,d failed) in %.1f s = %,.0f msg/s; extraction inside it"
                        + " %,.0f ids/s; %d worker invocations, p50 %.0f ms, p95 %.0f ms, %.0f%% of it in S3 PUTs%n",
                label,
                job.jobId(),
                exported,
                job.outcome().failed(),
                outcome.durationMs() / 1000.0,
                pipeline,
                extraction,
                batches.size(),
                p50,
                p95,
                putShare * 100);
        return new Result(pipeline, extraction, p50, p95, putShare, exported, batches.size());
    }

    /** Collects the deployment's invocation times (thread-safe). */
    private static final class Timings implements LocalFunctions.Instrumentation {
        private final List<Double> workerMillis = Collections.synchronizedList(new ArrayList<>());
        private final List<Long> extractNanos = Collections.synchronizedList(new ArrayList<>());
        private final AtomicLong putNanos = new AtomicLong();

        @Override
        public void taskInvoked(StateMachineTask task, long nanos) {
            if (task == StateMachineTask.EXTRACT_PAGE) {
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
}
