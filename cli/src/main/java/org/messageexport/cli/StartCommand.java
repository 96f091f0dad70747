package org.messageexport.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.messageexport.domain.JobRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

@Command(
        name = "start",
        mixinStandardHelpOptions = true,
        description = {
            "Start an export: the next scheduled window, or a manual one (--start-date/--end-date, UTC, end exclusive).",
            "With --wait: a live progress bar until the execution ends, then the job's summary (exit 1 if it failed)."
        })
final class StartCommand extends OperatorCommand {
    @Option(names = "--start-date", description = "A manual window's first day (yyyy-MM-dd) …")
    LocalDate startDate;

    @Option(names = "--end-date", description = "… and its end, exclusive.")
    LocalDate endDate;

    @Option(names = "--reexport", description = "With a manual window: export again messages exported before.")
    boolean reexport;

    @Option(names = "--wait", description = "Wait for the end of the execution, showing its progress.")
    boolean await;

    @Option(
            names = "--timeout",
            defaultValue = "PT6H",
            description = "With --wait: the longest wait (ISO-8601 duration, default ${DEFAULT-VALUE}).")
    Duration timeout;

    private JobLauncher.Request request;

    @Override
    void validate() {
        request = JobLauncher.Request.of(startDate, endDate, reexport);
    }

    @Override
    int run(Operator operator) throws Exception {
        Clock clock = Clock.systemUTC();
        JobLauncher launcher = new JobLauncher(
                operator.sfn(),
                operator.endpoints().stateMachineArn(),
                operator.explorer(),
                operator.settlement(),
                clock);
        String arn = launcher.start(request);
        PrintWriter out = out();
        if (!await) {
            if (json()) {
                printJson(Map.of("executionArn", arn, "input", request.input()));
            } else {
                out.println("started " + arn);
                out.println("input   " + request.input());
            }
            return 0;
        }
        if (!json()) {
            out.println("started " + arn + "  input " + request.input());
        }
        boolean terminal = System.console() != null && !json();
        ProgressMeter meter = new ProgressMeter();
        long t0 = System.nanoTime();
        long[] lastPrinted = {0};
        DescribeExecutionResponse ended = launcher.await(arn, Duration.ofMillis(500), timeout, r -> {
            if (json() || r.job().isEmpty()) {
                return;
            }
            long now = System.nanoTime();
            meter.add(new ProgressMeter.Reading(
                    r.rows().completed() + r.rows().failed(),
                    Math.max(r.rows().total(), r.job().get().extracted()),
                    now - t0));
            if (terminal) {
                out.print("\r"
                        + meter.line("job " + r.job().get().jobId() + " "
                                + r.job().get().window() + " "));
                out.flush();
            } else if (now - lastPrinted[0] > 15_000_000_000L) {
                out.println(meter.line(
                        "job " + r.job().get().jobId() + " " + r.job().get().window() + " "));
                lastPrinted[0] = now;
            }
        });
        if (terminal) {
            out.println();
        }
        Optional<JobRun> job = launcher.jobOf(arn, Optional.of(ended));
        String verdict = JobLauncher.verdict(ended);
        Manifests manifests = new Manifests(operator.s3(), operator.config().bucket());
        String completeness = job.filter(j -> j.outcome() != null)
                .flatMap(j -> manifests.read(j.outcome().manifestKey()))
                .flatMap(Manifests::verdict)
                .orElse(null);
        double secs = Math.max(0.001, (System.nanoTime() - t0) / 1e9);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("executionArn", arn);
        summary.put("executionStatus", ended.statusAsString());
        summary.put("verdict", verdict);
        if (ended.error() != null) {
            summary.put("error", ended.error());
            summary.put("cause", ended.cause());
        }
        job.ifPresent(j -> {
            summary.put("jobId", j.jobId());
            summary.put("window", j.window().toString());
            summary.put("status", j.status().name().toLowerCase(Locale.ROOT));
            summary.put("extracted", j.extracted());
            if (j.outcome() != null) {
                summary.put("completed", j.outcome().completed());
                summary.put("failed", j.outcome().failed());
                summary.put("reason", j.outcome().failureReason());
                summary.put("manifestKey", j.outcome().manifestKey());
            }
        });
        summary.put("completeness", completeness);
        summary.put("seconds", Math.round(secs * 10) / 10.0);
        boolean ok = ended.status() == ExecutionStatus.SUCCEEDED
                && ("COMPLETED".equals(verdict) || "UP_TO_DATE".equals(verdict));
        if (json()) {
            printJson(summary);
        } else {
            out.println("execution " + ended.statusAsString() + ": " + verdict
                    + (ended.error() == null ? "" : " (" + ended.error() + ": " + ended.cause() + ")"));
            job.ifPresent(j -> {
                long done = j.outcome() == null ? 0 : j.outcome().completed();
                out.printf(
                        Locale.ROOT,
                        "job %d  window %s  %s  extracted %,d  exported %,d  failed %,d  in %.1f s (%,.0f msg/s)%n",
                        j.jobId(),
                        j.window(),
                        j.status().name().toLowerCase(Locale.ROOT),
                        j.extracted(),
                        done,
                        j.outcome() == null ? 0 : j.outcome().failed(),
                        secs,
                        done / secs);
                if (j.outcome() != null && j.outcome().failureReason() != null) {
                    out.println("reason: " + j.outcome().failureReason());
                }
                if (j.outcome() != null && j.outcome().manifestKey() != null) {
                    out.println("manifest: s3://" + operator.config().bucket() + "/"
                            + j.outcome().manifestKey());
                }
            });
            if (completeness != null) {
                out.println("completeness: " + completeness);
            }
        }
        out.flush();
        return ok ? 0 : 1;
    }
}
