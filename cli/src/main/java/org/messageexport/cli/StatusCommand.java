package org.messageexport.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Optional;
import org.messageexport.domain.FailedMessage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "The jobs (latest first, or those of --window DAY) with window, status, counts, rate and execution status,",
            "running executions and the schedule's lag; --job N: one job in detail with its failed messages and reasons."
        })
final class StatusCommand extends OperatorCommand {
    @Option(names = "--job", description = "One job in detail.")
    Long job;

    @Option(names = "--window", paramLabel = "DAY", description = "The jobs whose window holds this day (yyyy-MM-dd).")
    LocalDate window;

    @Option(
            names = "--limit",
            defaultValue = "10",
            description = "Jobs listed, or failed messages with --job (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    void validate() {
        if (job != null && window != null) {
            throw new IllegalArgumentException("--job and --window exclude each other");
        }
        if (limit < 1) {
            throw new IllegalArgumentException("--limit must be >= 1, got " + limit);
        }
    }

    @Override
    int run(Operator operator) throws Exception {
        StatusReport report = new StatusReport(
                operator.jobs(),
                operator.explorer(),
                operator.settlement(),
                operator.sfn(),
                operator.endpoints().stateMachineArn(),
                new Manifests(operator.s3(), operator.config().bucket()),
                operator.jobSettings().window(),
                Clock.systemUTC());
        PrintWriter out = out();
        if (job != null) {
            StatusReport.Detail d = report.detail(job, limit);
            if (json()) {
                printJson(d);
                return 0;
            }
            StatusReport.JobLine j = d.job();
            out.printf(
                    Locale.ROOT,
                    "job %d  window %s  %s%s%n",
                    j.jobId(),
                    j.window(),
                    j.status(),
                    j.reexport() ? "  (re-export)" : "");
            out.println("execution  " + j.execution() + "  " + j.executionStatus());
            out.printf(
                    Locale.ROOT,
                    "rows       %,d: completed %,d  failed %,d  pending %,d  in progress %,d  stalled %,d%n",
                    d.rows().total(),
                    d.rows().completed(),
                    d.rows().failed(),
                    d.rows().pending(),
                    d.rows().inProgress(),
                    d.rows().stalled());
            out.printf(
                    Locale.ROOT,
                    "recorded   extracted %,d  completed %,d  failed %,d%s%n",
                    j.extracted(),
                    j.completed(),
                    j.failed(),
                    j.rate() == null ? "" : String.format(Locale.ROOT, "  (%,.0f msg/s)", j.rate()));
            if (j.reason() != null) {
                out.println("reason     " + j.reason());
            }
            if (d.manifestKey() != null) {
                out.println("manifest   s3://" + operator.config().bucket() + "/" + d.manifestKey());
            }
            if (d.verdict() != null) {
                out.println("verdict    " + d.verdict());
            }
            if (!d.failedMessages().isEmpty()) {
                out.println("failed messages"
                        + (d.rows().failed() > d.failedListed() ? " (first " + d.failedListed() + ")" : "") + ":");
                for (FailedMessage f : d.failedMessages()) {
                    out.printf(
                            Locale.ROOT,
                            "  %-40s batch %d  attempts %d  %s%n",
                            f.messageId(),
                            f.batchId(),
                            f.attempts(),
                            f.reason());
                }
            }
            out.flush();
            return 0;
        }
        StatusReport.Overview o = report.overview(Optional.ofNullable(window), limit);
        if (json()) {
            printJson(o);
            return 0;
        }
        if (o.jobs().isEmpty()) {
            out.println(window == null ? "no jobs yet" : "no job holds " + window);
        } else {
            out.printf(
                    Locale.ROOT,
                    "%5s  %-24s  %-9s  %10s  %10s  %8s  %10s  %s%n",
                    "job",
                    "window",
                    "status",
                    "extracted",
                    "completed",
                    "failed",
                    "msg/s",
                    "execution");
            for (StatusReport.JobLine j : o.jobs()) {
                out.printf(
                        Locale.ROOT,
                        "%5d  %-24s  %-9s  %,10d  %,10d  %,8d  %10s  %s%n",
                        j.jobId(),
                        j.window() + (j.reexport() ? "*" : ""),
                        j.status(),
                        j.extracted(),
                        j.completed(),
                        j.failed(),
                        j.rate() == null ? "-" : String.format(Locale.ROOT, "%,.0f", j.rate()),
                        j.executionStatus());
            }
        }
        out.println("running executions: "
                + (o.runningExecutions().isEmpty() ? "none" : String.join(", ", o.runningExecutions())));
        StatusReport.Schedule s = o.schedule();
        out.println(
                s.nextWindowStart() == null
                        ? "schedule: no window completed yet"
                        : "schedule: next window starts " + s.nextWindowStart() + "; "
                                + (s.windowsBehind() == 0
                                        ? "up to date"
                                        : s.windowsBehind() + " window(s) due (lag "
                                                + s.windowsBehind()
                                                        * Math.max(1, s.window().getDays()) + " days)"));
        out.flush();
        return 0;
    }
}
