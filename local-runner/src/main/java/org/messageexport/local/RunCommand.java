package org.messageexport.local;

import java.io.PrintStream;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.messageexport.domain.CompletenessProof;
import org.messageexport.domain.JobRun;
import org.messageexport.localkit.SampleDataSeeder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code run}: one export end to end (a scheduled execution catches up every due window), with a live
 * progress line and a summary. With no option: embedded services, sample data, one job over it.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Run the export end to end on this machine.",
            "Without endpoint options it starts embedded Elasticsearch, MySQL, SQS and S3, seeds sample data when the",
            "messages index is empty, and exports it; the JSON files land under --data-dir."
        })
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SampleDataOptions sample;

    @Option(
            names = "--window-days",
            description = "Length of a scheduled window in days (default: all sample days in one window, else 1).")
    Integer windowDays;

    @Option(
            names = "--windows",
            defaultValue = "1",
            description = "Scheduled executions to run at most, default ${DEFAULT-VALUE}; each one catches up every due"
                    + " window (at most 40), the next continues when more are due.")
    int windows;

    @Option(
            names = "--first-start-date",
            description = "The first window's start when no job has completed yet (default: the first sample day).")
    LocalDate firstStartDate;

    @Option(names = "--start-date", description = "Run one manual window from this date (yyyy-MM-dd, UTC) …")
    LocalDate startDate;

    @Option(names = "--end-date", description = "… to this date, exclusive.")
    LocalDate endDate;

    @Option(
            names = "--reexport",
            description = "With a manual window: export again messages that were exported before.")
    boolean reexport;

    @Mixin
    DeploymentOptions services;

    @Option(
            names = "--seed",
            description = "Seed sample data into an external Elasticsearch too when its index is empty.")
    boolean seedExternal;

    @Option(names = "--verbose", description = "Log what the functions do (stderr).")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        validate();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        LocalDate firstSampleDay = sample.firstDay(today);
        LocalDate first = firstStartDate != null ? firstStartDate : firstSampleDay;
        int window = windowDays != null ? windowDays : (windows == 1 ? sample.days : 1);
        LocalSettings.Builder settings =
                services.configure(LocalSettings.builder(first).window(Period.ofDays(window)), spec.commandLine());
        long t0 = System.currentTimeMillis();
        try (LocalDeployment deployment = LocalDeployment.start(settings.build(), s -> out.println("· " + s))) {
            if (services.esUrl == null || seedExternal) {
                seedIfEmpty(deployment, sample, firstSampleDay, out);
            }
            LocalExport export = new LocalExport(deployment);
            boolean terminal = System.console() != null;
            List<LocalExport.Outcome> outcomes = new ArrayList<>();
            if (startDate != null) {
                out.println("· running manual window [" + startDate + ", " + endDate + ")"
                        + (reexport ? " (re-export)" : ""));
                outcomes.add(export.run(
                        LocalExport.input(Optional.of(startDate), Optional.of(endDate), reexport),
                        LocalExport.executionName(1),
                        out,
                        terminal));
            } else {
                out.println("· running scheduled windows of " + window + " day" + (window == 1 ? "" : "s") + " from "
                        + first + " (or where the schedule stands) until up to date");
                outcomes.addAll(export.runScheduled(windows, out, terminal));
            }
            return summarize(deployment, outcomes, System.currentTimeMillis() - t0, out);
        }
    }

    private void validate() {
        if ((startDate == null) != (endDate == null)) {
            throw new ParameterException(spec.commandLine(), "--start-date and --end-date go together");
        }
        if (startDate != null && !endDate.isAfter(startDate)) {
            throw new ParameterException(
                    spec.commandLine(), "--end-date " + endDate + " must be after --start-date " + startDate);
        }
        if (reexport && startDate == null) {
            throw new ParameterException(spec.commandLine(), "--reexport needs --start-date and --end-date");
        }
        if (startDate != null && windows != 1) {
            throw new ParameterException(spec.commandLine(), "--windows cannot be combined with a manual window");
        }
        if (!sample.valid() || windows < 1 || (windowDays != null && windowDays < 1)) {
            throw new ParameterException(
                    spec.commandLine(), "--messages, --days, --windows and --window-days must be >= 1");
        }
        services.validate(spec.commandLine());
    }

    /** Seeds the sample data when the messages index is empty (the embedded one, or an external one with --seed). */
    static void seedIfEmpty(LocalDeployment deployment, SampleDataOptions sample, LocalDate firstDay, PrintStream out)
            throws Exception {
        SampleDataSeeder seeder = SampleDataSeeder.forEnvironment(deployment.environment());
        long existing = seeder.count(SampleDataSeeder.MESSAGES);
        if (existing > 0) {
            out.println("· index " + SampleDataSeeder.MESSAGES + " holds " + existing + " messages: not seeding");
            return;
        }
        long t0 = System.currentTimeMillis();
        SampleDataSeeder.Seeded seeded = seeder.seed(sample.spec(firstDay), n -> {});
        out.printf(
                Locale.ROOT,
                "· seeded %,d sample messages over %s .. %s with %,d history/status/audit documents in %.1f s%n",
                seeded.messages(),
                firstDay,
                firstDay.plusDays(sample.days - 1L),
                seeded.sideDocuments(),
                (System.currentTimeMillis() - t0) / 1000.0);
    }

    /** The proof's verdict with its numbers (the manifest's and the failure reason's), or why there is none. */
    private static String completeness(JobRun job) {
        CompletenessProof.Verdict verdict = job.outcome().verdict();
        if (verdict == null) {
            return "no proof (the job failed before its end)";
        }
        String reason = job.outcome().failureReason();
        if (verdict == CompletenessProof.Verdict.MISMATCH && reason != null) {
            return reason;
        }
        return String.format(
                Locale.ROOT,
                "%s (index holds %,d messages of the window, %,d tracked, every one completed or failed)",
                verdict.dbValue(),
                job.outcome().indexCount(),
                job.outcome().trackedCount());
    }

    private static Integer summarize(
            LocalDeployment deployment, List<LocalExport.Outcome> outcomes, long totalMs, PrintStream out) {
        out.println();
        out.println("Summary");
        long exported = 0;
        boolean ok = true;
        String failure = null;
        for (LocalExport.Outcome o : outcomes) {
            String verdict = o.verdict();
            List<JobRun> jobs =
                    o.jobs().stream().filter(j -> j.outcome() != null).toList();
            if (jobs.size() > 1) {
                long windowExported =
                        jobs.stream().mapToLong(j -> j.outcome().completed()).sum();
                double secs = Math.max(0.001, o.durationMs() / 1000.0);
                out.printf(
                        Locale.ROOT,
                        "  execution %s: %s after %d windows, exported %,d in %.1f s (%,.0f msg/s)%n",
                        o.executionName(),
                        verdict,
                        jobs.size(),
                        windowExported,
                        secs,
                        windowExported / secs);
            }
            for (JobRun j : jobs) {
                exported += j.outcome().completed();
                String status = String.format(
                        Locale.ROOT,
                        "%s  extracted %,d  exported %,d  failed %,d",
                        j.status().name(),
                        j.extracted(),
                        j.outcome().completed(),
                        j.outcome().failed());
                if (jobs.size() == 1) {
                    // one window: the execution's time is the job's (several: the execution's line has it)
                    double secs = Math.max(0.001, o.durationMs() / 1000.0);
                    status += String.format(
                            Locale.ROOT,
                            "  in %.1f s (%,.0f msg/s)",
                            secs,
                            j.outcome().completed() / secs);
                }
                out.printf(
                        Locale.ROOT,
                        "  job %d (%s)  window %s  %s%n",
                        j.jobId(),
                        j.kind().dbValue(),
                        j.window(),
                        status);
                out.println("    completeness: " + completeness(j));
                if (j.alreadyTracked() > 0 || j.rejected() > 0) {
                    out.printf(
                            Locale.ROOT,
                            "    ids tracked by earlier jobs %,d, rejected (cannot be tracked, counted as failed) %,d%n",
                            j.alreadyTracked(),
                            j.rejected());
                }
                if (j.outcome().manifestKey() != null) {
                    out.println("    manifest: " + where(deployment, j.outcome().manifestKey()));
                }
            }
            if (jobs.isEmpty()) {
                out.printf(
                        Locale.ROOT,
                        "  execution %s: %s%s%n",
                        o.executionName(),
                        verdict,
                        "UP_TO_DATE".equals(verdict) ? "" : " (" + o.reason() + ")");
            }
            boolean good = "COMPLETED".equals(verdict) || "UP_TO_DATE".equals(verdict);
            if (!good && ok) {
                ok = false;
                failure = verdict + ": " + o.reason();
            }
        }
        String prefix = deployment.settings().keyPrefix();
        out.println("  exported objects: " + where(deployment, prefix + "/"));
        out.printf(Locale.ROOT, "  total: %,d messages exported in %.1f s%n", exported, totalMs / 1000.0);
        if (!ok) {
            System.err.println("local-runner: export failed: " + failure);
            return 1;
        }
        return 0;
    }

    private static String where(LocalDeployment deployment, String key) {
        return deployment
                .bucketDirectory()
                .map(dir -> dir.resolve(key).toAbsolutePath().toString())
                .orElse("s3://" + deployment.settings().bucket() + "/" + key);
    }
}
