package org.messageexport.local;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.messageexport.adapter.elasticsearch.ElasticsearchClients;
import org.messageexport.config.ElasticsearchConfig;
import org.messageexport.config.Env;
import org.messageexport.config.EnvNames;
import org.messageexport.config.SecretLookup;
import org.messageexport.domain.JobRun;
import org.messageexport.local.LocalSettings.ExternalEndpoints;
import org.messageexport.sample.SampleDataSeeder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code run}: one export end to end (or {@code --windows N} consecutive scheduled ones), with a live
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
            description = "Consecutive scheduled windows to run (catch-up), default ${DEFAULT-VALUE}.")
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

    @Option(
            names = "--data-dir",
            defaultValue = "local-data",
            description = "Where the embedded S3 keeps its files (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(
            names = "--workers",
            defaultValue = "4",
            description = "Concurrent worker invocations (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(
            names = "--put-concurrency",
            description = "Concurrent S3 PUTs per worker invocation (PUT_CONCURRENCY; default: the worker's, 32).")
    Integer putConcurrency;

    @Option(
            names = "--es-url",
            description = "Use this Elasticsearch instead of the embedded one (then give the other endpoints too).")
    URI esUrl;

    @Option(names = "--es-user")
    String esUser;

    @Option(names = "--es-password")
    String esPassword;

    @Option(names = "--jdbc-url", description = "MySQL, e.g. jdbc:mysql://db:3306/message_export")
    String jdbcUrl;

    @Option(names = "--db-user", defaultValue = "root")
    String dbUser;

    @Option(names = "--db-password")
    String dbPassword;

    @Option(names = "--s3-endpoint", description = "S3-compatible endpoint; omit for AWS S3.")
    URI s3Endpoint;

    @Option(names = "--sqs-endpoint", description = "SQS-compatible endpoint; omit for AWS SQS.")
    URI sqsEndpoint;

    @Option(names = "--bucket", description = "Bucket to export to (required with real endpoints).")
    String bucket;

    @Option(names = "--queue-url", description = "Work queue (required with real endpoints).")
    String queueUrl;

    @Option(names = "--region", defaultValue = "us-east-1")
    String region;

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
        LocalSettings.Builder settings = LocalSettings.builder(first)
                .window(Period.ofDays(window))
                .s3Directory(dataDir.resolve("s3"))
                .workers(workers, Duration.ofSeconds(30));
        if (putConcurrency != null) {
            settings.environment(Map.of(EnvNames.PUT_CONCURRENCY, Integer.toString(putConcurrency)));
        }
        if (esUrl != null) {
            settings.bucket(bucket)
                    .external(new ExternalEndpoints(
                            esUrl,
                            esUser,
                            esPassword,
                            jdbcUrl,
                            dbUser,
                            dbPassword,
                            Optional.ofNullable(s3Endpoint),
                            Optional.ofNullable(sqsEndpoint),
                            queueUrl,
                            region));
        }
        long t0 = System.currentTimeMillis();
        try (LocalDeployment deployment = LocalDeployment.start(settings.build(), s -> out.println("· " + s))) {
            if (esUrl == null || seedExternal) {
                seedIfEmpty(deployment, firstSampleDay, out);
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
                out.println("· running " + windows + " scheduled window" + (windows == 1 ? "" : "s") + " of " + window
                        + " day" + (window == 1 ? "" : "s") + " from " + first
                        + " (or where the last completed job ended)");
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
        if (!sample.valid()
                || windows < 1
                || workers < 1
                || (windowDays != null && windowDays < 1)
                || (putConcurrency != null && putConcurrency < 1)) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--messages, --days, --windows, --workers, --window-days and --put-concurrency must be >= 1");
        }
        if (esUrl != null && (jdbcUrl == null || bucket == null || queueUrl == null)) {
            throw new ParameterException(
                    spec.commandLine(), "with --es-url also give --jdbc-url, --bucket and --queue-url");
        }
        if (esUrl == null && (jdbcUrl != null || s3Endpoint != null || sqsEndpoint != null || queueUrl != null)) {
            throw new ParameterException(
                    spec.commandLine(),
                    "real endpoints start with --es-url (all services are either embedded or given)");
        }
    }

    private void seedIfEmpty(LocalDeployment deployment, LocalDate firstDay, PrintStream out) throws Exception {
        ElasticsearchClient es = ElasticsearchClients.create(
                ElasticsearchConfig.from(new Env(deployment.environment()), SecretLookup.NONE));
        try {
            SampleDataSeeder seeder = new SampleDataSeeder(es);
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
        } finally {
            es._transport().close();
        }
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
            Optional<JobRun> job = o.job();
            if (job.isPresent() && job.get().outcome() != null) {
                JobRun j = job.get();
                exported += j.outcome().completed();
                double secs = Math.max(0.001, o.durationMs() / 1000.0);
                out.printf(
                        Locale.ROOT,
                        "  job %d  window %s  %s  extracted %,d  exported %,d  failed %,d  in %.1f s (%,.0f msg/s)%n",
                        j.jobId(),
                        j.window(),
                        verdict,
                        j.extracted(),
                        j.outcome().completed(),
                        j.outcome().failed(),
                        secs,
                        j.outcome().completed() / secs);
                if (j.outcome().manifestKey() != null) {
                    out.println("    manifest: " + where(deployment, j.outcome().manifestKey()));
                }
            } else {
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
