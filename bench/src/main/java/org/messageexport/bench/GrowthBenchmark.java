package org.messageexport.bench;

import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.messageexport.adapter.mysql.MySqlBatchOutbox;
import org.messageexport.adapter.mysql.MySqlDatabase;
import org.messageexport.adapter.mysql.MySqlJobStore;
import org.messageexport.adapter.mysql.MySqlMessageLeases;
import org.messageexport.adapter.mysql.MySqlTrackingPartitions;
import org.messageexport.config.DatabaseConfig;
import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.ExtractionCursor;
import org.messageexport.domain.IdPage;
import org.messageexport.domain.JobKind;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.JobStatus;
import org.messageexport.domain.MessageBatch;
import org.messageexport.port.JobStore.JobFinish;
import org.messageexport.port.MessageLeases.ExportedMessage;
import org.messageexport.port.TrackingPartitions.DayPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bench growth}: does the tracking table stay as fast at tens of millions of rows as when it is empty? On a
 * database of its own on a MySQL/MariaDB server, it fills {@code message_tracking} a day (one partition, one completed
 * job) at a time with {@code --rows-per-day} rows by INSERT … SELECT ({@link PipelineTables#fillDay}), and at each
 * checkpoint of {@code --rows} measures, on a fresh day, what a job does to the table through the real adapters:
 * extraction's page inserts ({@link MySqlBatchOutbox#recordPage}: lookups, INSERT IGNORE, batches), the worker's
 * claims and completes ({@link MySqlMessageLeases}) in batches of 500. Last, retention: one full day removed with a
 * DELETE against the next one dropped as a partition ({@link MySqlTrackingPartitions#dropSettledBefore}).
 */
@Command(
        name = "growth",
        mixinStandardHelpOptions = true,
        description = {
            "Tracking table growth: extraction inserts/s, claims/s and completes/s at each --rows checkpoint, then",
            "DROP PARTITION of a day against DELETE of an equal day. Needs a MySQL/MariaDB server (EMBEDDED_MYSQL_URL)."
        })
public final class GrowthBenchmark implements Callable<Integer> {
    private static final LocalDate FIRST_DAY = LocalDate.parse("2025-01-01");
    private static final int BATCH = 500;
    private static final int PAGE = 10_000;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--rows",
            split = ",",
            defaultValue = "1000000,10000000",
            description = "Checkpoints: table sizes at which to measure (default ${DEFAULT-VALUE}).")
    List<Long> checkpoints;

    @Option(
            names = "--rows-per-day",
            defaultValue = "1000000",
            description = "Rows of each filled day, i.e. of each partition (default ${DEFAULT-VALUE}).")
    int rowsPerDay;

    @Option(
            names = "--sample",
            defaultValue = "50000",
            description = "Ids extracted, claimed and completed at each checkpoint (default ${DEFAULT-VALUE}).")
    int sample;

    @Option(
            names = "--jdbc-url",
            description = "The server, e.g. jdbc:mysql://127.0.0.1:3306/ (default: EMBEDDED_MYSQL_URL).")
    String serverUrl;

    @Option(names = "--db-user", description = "Default: EMBEDDED_MYSQL_USER, else root.")
    String user;

    @Option(names = "--db-password", description = "Default: EMBEDDED_MYSQL_PASSWORD, else empty.")
    String password;

    @Option(names = "--keep", description = "Keep the benchmark's database (default: dropped at the end).")
    boolean keep;

    private final PrintStream out = System.out;

    /** The figures of one checkpoint. */
    record Checkpoint(
            long rows,
            int partitions,
            long bytes,
            double fillRowsPerSecond,
            double insertsPerSecond,
            double claimsPerSecond,
            double completesPerSecond) {}

    @Override
    public Integer call() throws Exception {
        String server = serverUrl != null ? serverUrl : System.getenv("EMBEDDED_MYSQL_URL");
        if (server == null || server.isBlank()) {
            throw new ParameterException(
                    spec.commandLine(), "bench growth needs a MySQL/MariaDB server: --jdbc-url or EMBEDDED_MYSQL_URL");
        }
        if (rowsPerDay % 1000 != 0 || rowsPerDay <= 0 || rowsPerDay > 1_000_000) {
            throw new ParameterException(
                    spec.commandLine(), "--rows-per-day must be a multiple of 1000 up to 1000000, got " + rowsPerDay);
        }
        if (sample < BATCH || sample % BATCH != 0) {
            throw new ParameterException(spec.commandLine(), "--sample must be a multiple of 500, got " + sample);
        }
        if (!server.endsWith("/")) {
            server = server + "/";
        }
        String dbUser = user != null ? user : System.getenv().getOrDefault("EMBEDDED_MYSQL_USER", "root");
        String dbPassword = password != null ? password : System.getenv().getOrDefault("EMBEDDED_MYSQL_PASSWORD", "");
        String database = "bench_growth_" + Long.toString(System.currentTimeMillis(), 36);
        admin(server, dbUser, dbPassword, "CREATE DATABASE " + database);
        try (HikariDataSource ds =
                MySqlDatabase.pool(new DatabaseConfig(server + database, dbUser, dbPassword, 4), "growth")) {
            MySqlDatabase.migrate(ds);
            run(ds);
        } finally {
            if (!keep) {
                admin(server, dbUser, dbPassword, "DROP DATABASE IF EXISTS " + database);
            }
        }
        return 0;
    }

    private static void admin(String server, String user, String password, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(server, user, password);
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private void run(HikariDataSource ds) throws Exception {
        PipelineTables tables = new PipelineTables(ds);
        MySqlJobStore jobs = new MySqlJobStore(ds);
        MySqlTrackingPartitions partitions = new MySqlTrackingPartitions(ds);
        MySqlBatchOutbox outbox = new MySqlBatchOutbox(ds);
        MySqlMessageLeases leases = new MySqlMessageLeases(ds);
        List<Checkpoint> results = new ArrayList<>();
        LocalDate day = FIRST_DAY;
        long batchIds = 1_000_000_000L;
        out.printf(
                Locale.ROOT,
                "bench growth: checkpoints %s rows, %,d rows per day, %,d ids measured per checkpoint%n",
                checkpoints,
                rowsPerDay,
                sample);
        for (long target : checkpoints) {
            long rows = tables.trackingRows();
            long fillStart = System.nanoTime();
            long filled = 0;
            while (rows + rowsPerDay <= target) {
                JobRun job = completedJob(jobs, day, 0);
                partitions.prepareDays(day, day);
                tables.fillDay(day, job.jobId(), batchIds, rowsPerDay);
                batchIds += rowsPerDay / BATCH + 1;
                rows += rowsPerDay;
                filled += rowsPerDay;
                day = day.plusDays(1);
            }
            double fillRate = filled == 0 ? 0 : filled / seconds(fillStart);
            // measured on a day of its own, as a job does it: its partition prepared at plan
            partitions.prepareDays(day, day);
            JobRun job =
                    jobs.create(new ExportWindow(day, day.plusDays(1)), JobKind.MANUAL, false, "growth", Instant.now());
            List<String> ids = new ArrayList<>(sample);
            String run = UUID.randomUUID().toString().substring(0, 8);
            for (int i = 0; i < sample; i++) {
                ids.add("m-" + run + "-" + i);
            }
            long t0 = System.nanoTime();
            List<MessageBatch> batches = new ArrayList<>();
            for (int from = 0; from < sample; from += PAGE) {
                batches.addAll(outbox.recordPage(
                                job,
                                "growth",
                                IdPage.onDay(
                                        ids.subList(from, Math.min(sample, from + PAGE)),
                                        day,
                                        new ExtractionCursor("growth", List.of(from))),
                                List.of(),
                                BATCH,
                                Instant.now())
                        .batches());
            }
            double inserts = sample / seconds(t0);
            long t1 = System.nanoTime();
            List<List<String>> claimed = new ArrayList<>();
            for (MessageBatch b : batches) {
                Instant now = Instant.now();
                claimed.add(
                        leases.claim(job.jobId(), b.messageIds(), "lease-" + b.batchId(), now, now.plusSeconds(600)));
            }
            double claims = sample / seconds(t1);
            long t2 = System.nanoTime();
            for (int i = 0; i < batches.size(); i++) {
                MessageBatch b = batches.get(i);
                // the worker's form (BatchExporter): by job, so that each row's update reads its window's days only
                leases.complete(
                        job.jobId(),
                        "lease-" + b.batchId(),
                        claimed.get(i).stream()
                                .map(id -> new ExportedMessage(id, "exports/" + id + ".json"))
                                .toList(),
                        Instant.now());
            }
            double completes = sample / seconds(t2);
            long claimedCount = claimed.stream().mapToLong(List::size).sum();
            if (claimedCount != sample) {
                throw new IllegalStateException("claimed " + claimedCount + " of " + sample + " rows");
            }
            jobs.finish(new JobFinish(
                    job.jobId(),
                    "growth",
                    JobStatus.COMPLETED,
                    null,
                    sample,
                    0,
                    "m",
                    day.plusDays(1),
                    null,
                    Instant.now()));
            day = day.plusDays(1);
            Checkpoint c = new Checkpoint(
                    tables.trackingRows(),
                    partitions.partitions().size(),
                    tables.trackingBytes(),
                    fillRate,
                    inserts,
                    claims,
                    completes);
            results.add(c);
            out.printf(
                    Locale.ROOT,
                    "  %,14d rows in %3d partitions, ~%d bytes/row (filled at %,.0f rows/s): extraction %,8.0f ids/s,"
                            + " claims %,8.0f ids/s, completes %,8.0f rows/s%n",
                    c.rows(),
                    c.partitions(),
                    c.bytes() / Math.max(1, c.rows()),
                    c.fillRowsPerSecond(),
                    c.insertsPerSecond(),
                    c.claimsPerSecond(),
                    c.completesPerSecond());
        }
        // retention: the first filled day by DELETE, the second by dropping its partition (and the empty ones below)
        long d0 = System.nanoTime();
        long deleted = tables.deleteDay(FIRST_DAY);
        double deleteSeconds = seconds(d0);
        long droppedRows = tables.dayRows(FIRST_DAY.plusDays(1));
        long p0 = System.nanoTime();
        List<DayPartition> dropped = partitions.dropSettledBefore(FIRST_DAY.plusDays(2));
        double dropSeconds = seconds(p0);
        out.printf(
                Locale.ROOT,
                "  retention: DELETE of one day (%,d rows) %.2f s; DROP PARTITION of the next day (%,d rows;"
                        + " %d partitions dropped, the others empty) %.2f s%n",
                deleted,
                deleteSeconds,
                droppedRows,
                dropped.size(),
                dropSeconds);
        StringBuilder json = new StringBuilder(
                "{\"bench\":\"growth\",\"rowsPerDay\":" + rowsPerDay + ",\"sample\":" + sample + ",\"checkpoints\":[");
        for (int i = 0; i < results.size(); i++) {
            Checkpoint c = results.get(i);
            json.append(i == 0 ? "" : ",")
                    .append(String.format(
                            Locale.ROOT,
                            "{\"rows\":%d,\"partitions\":%d,\"bytes\":%d,\"fillRowsPerSecond\":%.0f,\"insertsPerSecond\":%.0f,"
                                    + "\"claimsPerSecond\":%.0f,\"completesPerSecond\":%.0f}",
                            c.rows(),
                            c.partitions(),
                            c.bytes(),
                            c.fillRowsPerSecond(),
                            c.insertsPerSecond(),
                            c.claimsPerSecond(),
                            c.completesPerSecond()));
        }
        json.append(String.format(
                Locale.ROOT,
                "],\"deleteDayRows\":%d,\"deleteSeconds\":%.3f,\"dropDayRows\":%d,\"dropPartitionSeconds\":%.3f}",
                deleted,
                deleteSeconds,
                droppedRows,
                dropSeconds));
        out.println(json);
    }

    private static JobRun completedJob(MySqlJobStore jobs, LocalDate day, long rows) {
        JobRun job =
                jobs.create(new ExportWindow(day, day.plusDays(1)), JobKind.MANUAL, false, "growth", Instant.now());
        jobs.finish(new JobFinish(
                job.jobId(), "growth", JobStatus.COMPLETED, null, rows, 0, "m", day.plusDays(1), null, Instant.now()));
        return job;
    }

    private static double seconds(long startNanos) {
        return Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
    }
}
