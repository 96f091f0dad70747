package org.messageexport.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Locale;
import org.messageexport.config.EnvNames;
import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.SideCollection;
import org.messageexport.job.ExportDocumentWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "dry-run",
        mixinStandardHelpOptions = true,
        description = {
            "Estimate an export before anything runs: per day the message count, the size of a sample of joined",
            "documents, the PUTs, bytes, duration at the configured concurrency and the AWS cost (README's cost model)."
        })
final class DryRunCommand extends OperatorCommand {
    @Option(names = "--start-date", required = true, description = "First day (yyyy-MM-dd, UTC).")
    LocalDate startDate;

    @Option(names = "--end-date", required = true, description = "End day, exclusive.")
    LocalDate endDate;

    @Option(
            names = "--sample",
            defaultValue = "20",
            description = "Documents read per day for the size (default ${DEFAULT-VALUE}).")
    int sample;

    @Option(
            names = "--concurrency",
            description = "Batches exported at once (default: $" + EnvNames.WORKER_CONCURRENCY
                    + " of the deployment, else 4, the stack's workerMaxConcurrency default).")
    Integer concurrency;

    @Option(
            names = "--seconds-per-batch",
            defaultValue = "3.0",
            description =
                    "A worker's time for one batch of 500 (default ${DEFAULT-VALUE}: the local median; the goal is 1.0).")
    double secondsPerBatch;

    @Override
    void validate() {
        if (!endDate.isAfter(startDate)) {
            throw new IllegalArgumentException("--end-date " + endDate + " must be after --start-date " + startDate);
        }
        if (sample < 0 || (concurrency != null && concurrency < 1) || secondsPerBatch <= 0) {
            throw new IllegalArgumentException("--sample must be >= 0, --concurrency >= 1, --seconds-per-batch > 0");
        }
    }

    @Override
    int run(Operator operator) throws Exception {
        int workers = concurrency != null
                ? concurrency
                : Integer.parseInt(operator.environment().getOrDefault(EnvNames.WORKER_CONCURRENCY, "4"));
        DryRun dryRun = new DryRun(
                operator.census(),
                operator.documents(),
                new ExportDocumentWriter(operator.config().sideCollections().stream()
                        .map(SideCollection::name)
                        .toList()),
                new CostModel(secondsPerBatch),
                Clock.systemUTC());
        DryRun.Estimate e = dryRun.estimate(new ExportWindow(startDate, endDate), sample, workers);
        if (json()) {
            printJson(e);
            return 0;
        }
        PrintWriter out = out();
        out.printf(
                Locale.ROOT,
                "dry run of %s (nothing is written): %d worker(s) at %.1f s per batch of %d%n",
                e.window(),
                e.concurrency(),
                e.secondsPerBatch(),
                CostModel.BATCH_SIZE);
        out.printf(
                Locale.ROOT,
                "%-10s  %10s  %7s  %9s  %12s  %10s  %9s  %9s%n",
                "day",
                "messages",
                "sampled",
                "avg size",
                "bytes",
                "PUTs",
                "duration",
                "cost");
        for (DryRun.Day d : e.days()) {
            out.printf(
                    Locale.ROOT,
                    "%-10s  %,10d  %7d  %,7d B  %12s  %,10d  %9s  $%8.4f%n",
                    d.day(),
                    d.messages(),
                    d.sampled(),
                    d.averageBytes(),
                    bytes(d.projectedBytes()),
                    d.puts(),
                    ProgressMeter.human(d.duration()),
                    d.cost());
        }
        CostModel.Cost c = e.cost();
        out.printf(
                Locale.ROOT,
                "total: %,d messages, %,d PUTs, %s, ~%s%n",
                e.messages(),
                e.puts(),
                bytes(e.bytes()),
                ProgressMeter.human(e.duration()));
        out.printf(
                Locale.ROOT,
                "cost:  S3 PUTs $%.4f + worker $%.4f (%,.0f GB-s) + extractor $%.4f + SQS $%.4f + Step Functions $%.4f = $%.4f"
                        + "  (storage $%.4f per month, not included)%n",
                c.s3Puts(),
                c.worker(),
                c.workerGbSeconds(),
                c.extractor(),
                c.sqs(),
                c.stepFunctions(),
                c.total(),
                c.storagePerMonth());
        out.flush();
        return 0;
    }

    private static String bytes(long b) {
        return b < 1024 * 1024
                ? String.format(Locale.ROOT, "%,.1f KiB", b / 1024.0)
                : b < 1024L * 1024 * 1024
                        ? String.format(Locale.ROOT, "%,.1f MiB", b / 1024.0 / 1024)
                        : String.format(Locale.ROOT, "%,.2f GiB", b / 1024.0 / 1024 / 1024);
    }
}
