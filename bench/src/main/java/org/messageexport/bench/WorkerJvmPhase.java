package org.messageexport.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.messageexport.adapter.sqs.BatchMessageCodec;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.MessageBatch;
import org.messageexport.local.LocalDeployment;

/**
 * Phase "worker JVM": the worker artifact in a fresh 256 MB JVM ({@link ProbeJvm}) exports {@code --probe-batches}
 * batches of the pipeline's last job, set back to pending, one event at a time, in the output format of
 * {@code deployment}'s environment: cold init, batch times, heap.
 */
final class WorkerJvmPhase {
    private WorkerJvmPhase() {}

    static ProbeJvm.Result run(
            LocalDeployment deployment,
            PipelineTables tables,
            Path repoDir,
            int probeBatches,
            String outputFormat,
            PrintStream out)
            throws Exception {
        Path jar = repoDir.resolve(ProbeJvm.WORKER_JAR);
        if (!Files.isRegularFile(jar) || probeBatches == 0) {
            return ProbeJvm.Result.NONE;
        }
        JobRun job = deployment
                .jobs()
                .latest()
                .orElseThrow(() -> new IllegalStateException("no job to probe the worker with"));
        List<String> bodies = new ArrayList<>();
        for (MessageBatch batch : tables.batches(job.jobId(), probeBatches)) {
            // exported by the pipeline already: pending again, so that the probe's worker does the whole work
            tables.makePending(batch.batchId());
            bodies.add(BatchMessageCodec.encode(batch));
        }
        Path file = Files.createTempFile("bench-batches", ".jsonl");
        try {
            Files.write(file, bodies);
            ProbeJvm.Result result = ProbeJvm.run(jar, deployment.environment(), "worker", file.toString());
            List<Double> times = result.numbers("batchMs");
            out.printf(
                    Locale.ROOT,
                    "  worker JVM (%s, %s, -Xmx256m): cold init %s ms; %d batches of up to 500, p50 %.0f ms, p95 %.0f ms,"
                            + " %s failures; heap peak %s MB, max live after GC %s MB, %s GCs%n",
                    jar.getFileName(),
                    outputFormat,
                    result.text("initMs"),
                    times.size(),
                    BenchStats.percentile(times, 50),
                    BenchStats.percentile(times, 95),
                    result.text("batchFailures"),
                    BenchReport.format(result.number("heapPeakBeforeGcMb"), ""),
                    BenchReport.format(result.number("heapMaxLiveAfterGcMb"), ""),
                    result.text("gcCount"));
            return result;
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
