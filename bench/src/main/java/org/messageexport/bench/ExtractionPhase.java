package org.messageexport.bench;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.messageexport.config.EnvNames;
import org.messageexport.config.SecretLookup;
import org.messageexport.domain.Deadline;
import org.messageexport.domain.ExportWindow;
import org.messageexport.extractor.ExtractorConfig;
import org.messageexport.extractor.ExtractorRuntime;
import org.messageexport.job.ExtractResult;
import org.messageexport.job.PlanRequest;
import org.messageexport.job.PlanResult;
import org.messageexport.local.LocalDeployment;
import org.messageexport.observability.Metrics;

/**
 * Phase "extraction alone": plan + extract of the window as the ExtractPage function does it (PIT pages into
 * tracking rows, batches and SQS sends), without workers: a queue of its own, deleted afterwards, and the rows
 * removed.
 */
final class ExtractionPhase {
    private ExtractionPhase() {}

    static double run(LocalDeployment deployment, PipelineTables tables, ExportWindow window, PrintStream out)
            throws Exception {
        tables.clear();
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
            tables.clear();
        }
    }
}
