package org.messageexport.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.messageexport.domain.ProgressCounts;
import org.messageexport.job.FailedMessageRetrier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "retry-failed",
        mixinStandardHelpOptions = true,
        description = {
            "Re-enqueue the failed messages of a finished job, and only those, as new batches for the workers; wait",
            "until the workers settled them, then record the job's counts and rewrite its manifest. Exit 1 if some",
            "still failed. The job's status and the schedule are left as they are."
        })
final class RetryFailedCommand extends OperatorCommand {
    @Option(names = "--job", required = true, description = "The finished job whose failed messages to retry.")
    long job;

    @Option(
            names = "--timeout",
            defaultValue = "PT30M",
            description = "The longest wait for the workers (ISO-8601 duration, default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--no-wait", description = "Only re-enqueue; run retry-failed again later to record the counts.")
    boolean noWait;

    @Override
    int run(Operator operator) throws Exception {
        FailedMessageRetrier retrier = operator.retrier();
        FailedMessageRetrier.Requeued requeued =
                retrier.requeue(job, operator.jobSettings().batchSize());
        PrintWriter out = out();
        if (!json()) {
            out.printf(
                    Locale.ROOT,
                    "job %d: %,d failed messages re-enqueued in %d batch(es) (%d sent)%n",
                    job,
                    requeued.messages(),
                    requeued.batches(),
                    requeued.sent());
            out.flush();
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("requeued", requeued);
        if (noWait) {
            if (json()) {
                printJson(result);
            }
            return 0;
        }
        Instant until = Instant.now().plus(timeout);
        ProgressCounts counts = retrier.counts(job);
        while (!counts.settled()) {
            if (Instant.now().isAfter(until)) {
                throw new IllegalStateException("job " + job + ": " + (counts.pending() + counts.inProgress())
                        + " messages still unsettled after " + timeout + "; run retry-failed again to record them");
            }
            Thread.sleep(500);
            counts = retrier.counts(job);
        }
        FailedMessageRetrier.Recount recount = retrier.recount(job);
        result.put("recount", recount);
        if (json()) {
            printJson(result);
        } else {
            out.printf(
                    Locale.ROOT,
                    "job %d: completed %,d  failed %,d; counts recorded, manifest rewritten: s3://%s/%s%n",
                    job,
                    recount.counts().completed(),
                    recount.counts().failed(),
                    operator.config().bucket(),
                    recount.manifestKey());
        }
        out.flush();
        return recount.counts().failed() == 0 ? 0 : 1;
    }
}
