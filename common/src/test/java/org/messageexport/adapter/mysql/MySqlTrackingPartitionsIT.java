package org.messageexport.adapter.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.messageexport.config.DatabaseConfig;
import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.ExtractionCursor;
import org.messageexport.domain.IdPage;
import org.messageexport.domain.JobKind;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.MessageBatch;
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.embedded.EmbeddedServicesExtension;
import org.messageexport.embedded.MySqlEndpoint;
import org.messageexport.port.TrackingPartitions.DayPartition;
import org.messageexport.testing.TestServices;

/**
 * Migration V7 on a table that has rows, the daily partitions the job prepares, and retention: each test on a
 * database of its own, so that the partitions it sees are its own.
 */
@ExtendWith(EmbeddedServicesExtension.class)
class MySqlTrackingPartitionsIT {
    /** Ids of an existing table that V4 converts: accents, a 4-byte character, 255 two-byte characters. */
    private static final List<String> ODD_IDS = List.of("é-1", "straße", "msg-\uD83D\uDE00", "é".repeat(255));

    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final ExtractionCursor CURSOR = new ExtractionCursor("pit", List.of(1L));

    private EmbeddedServices services;
    private String database;
    private HikariDataSource ds;

    @BeforeEach
    void setUp(EmbeddedServices services) throws SQLException {
        this.services = services;
        MySqlEndpoint db = services.mysql();
        database = db.database() + "_parts";
        admin("DROP DATABASE IF EXISTS " + database);
        admin("CREATE DATABASE " + database);
        ds = MySqlDatabase.pool(new DatabaseConfig(db.jdbcUrl() + "_parts", db.user(), db.password(), 4), "parts");
    }

    @AfterEach
    void tearDown() throws SQLException {
        ds.close();
        admin("DROP DATABASE IF EXISTS " + database);
    }

    private void admin(String sql) throws SQLException {
        try (Connection c = TestServices.dataSource(services).getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private void migrateTo(String version) {
        Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/migration")
                .target(version)
                .load()
                .migrate();
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private long count(String where) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM message_tracking " + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private List<String> names(List<DayPartition> partitions) {
        return partitions.stream().map(DayPartition::name).toList();
    }

    @Test
    void migration_keepsEveryRowOfAFilledTable_underItsWindowsFirstDay_andPartitionsIt() throws Exception {
        migrateTo("3");
        sql("INSERT INTO job_runs (job_id, start_date, end_date, status) VALUES"
                + " (1, '2026-11-01', '2026-11-02', 'completed'), (2, '2026-11-02', '2026-11-05', 'running')");
        sql("INSERT INTO message_tracking (message_id, batch_id, status, start_date, s3_path, job_id) VALUES"
                + " ('a', 1, 'completed', '2026-11-01', 'exports/2026/11/01/a.json', 1),"
                + " ('b', 2, 'pending', '2026-11-02', NULL, 2), ('c', 2, 'in_progress', '2026-11-02', NULL, 2)");
        // ids as the seed's VARCHAR(255) of the server's default character set held them: accents, a 4-byte
        // character, and 255 two-byte characters (510 bytes, within V4's VARBINARY(512))
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO message_tracking"
                                + " (message_id, batch_id, status, start_date, job_id) VALUES (?, 2, 'pending', '2026-11-02', 2)")) {
            for (String id : ODD_IDS) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
        }
        // V5 gave those rows their window start as message_date, but left the column nullable: a row without one
        migrateTo("5");
        sql("INSERT INTO message_tracking (message_id, batch_id, status, start_date, job_id) VALUES"
                + " ('e', 1, 'completed', '2026-11-01', 1)");
        assertThat(count("WHERE message_date IS NULL")).isEqualTo(1);

        MySqlDatabase.migrate(ds);
        MySqlDatabase.requireCurrentSchema(ds);

        assertThat(count("")).isEqualTo(4 + ODD_IDS.size());
        assertThat(count("WHERE message_date = start_date")).isEqualTo(4 + ODD_IDS.size());
        // each odd id reads back byte for byte
        List<String> oddRows = new ArrayList<>();
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT message_id FROM message_tracking WHERE message_id NOT IN ('a', 'b', 'c', 'e')")) {
            while (rs.next()) {
                oddRows.add(new String(rs.getBytes(1), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        assertThat(oddRows).containsExactlyInAnyOrderElementsOf(ODD_IDS);
        assertThat(count("WHERE message_id = 'a' AND status = 'completed' AND s3_path = 'exports/2026/11/01/a.json'"))
                .isEqualTo(1);
        // every existing day is in the first partition, the catch-all above it is empty
        MySqlTrackingPartitions partitions = new MySqlTrackingPartitions(ds);
        // (the row counts there are the server's estimates: not compared)
        assertThat(partitions.partitions())
                .extracting(DayPartition::name, DayPartition::from, DayPartition::until)
                .containsExactly(
                        tuple("p20261103", Optional.empty(), Optional.of(LocalDate.parse("2026-11-03"))),
                        tuple("pmax", Optional.of(LocalDate.parse("2026-11-03")), Optional.empty()));
        assertThat(count("PARTITION (p20261103)")).isEqualTo(4 + ODD_IDS.size());
        List<String> primaryKey = new ArrayList<>();
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE"
                        + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'message_tracking'"
                        + " AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION")) {
            while (rs.next()) {
                primaryKey.add(rs.getString(1));
            }
        }
        assertThat(primaryKey).containsExactly("message_id", "message_date");

        // the running job's next page meets its migrated rows (day = its window's first day): none is tracked twice
        JobRun job = new MySqlJobStore(ds).find(2).orElseThrow();
        sql("UPDATE job_runs SET execution_id = 'exec-2' WHERE job_id = 2");
        List<String> pageIds = new ArrayList<>(List.of("b", "c"));
        pageIds.addAll(ODD_IDS);
        pageIds.add("d");
        List<MessageBatch> batches = new MySqlBatchOutbox(ds)
                .recordPage(
                        job,
                        "exec-2",
                        new IdPage(
                                pageIds,
                                pageIds.stream()
                                        .map(id -> LocalDate.parse(id.equals("d") ? "2026-11-04" : "2026-11-02"))
                                        .toList(),
                                CURSOR),
                        List.of(),
                        500,
                        T0)
                .batches();
        assertThat(batches).extracting(MessageBatch::messageIds).containsExactly(List.of("d"));
        assertThat(count("")).isEqualTo(5 + ODD_IDS.size());
    }

    @Test
    void prepareDays_givesEachDayAPartition_andEachMessageLandsInItsDay() throws Exception {
        MySqlDatabase.migrate(ds);
        MySqlTrackingPartitions partitions = new MySqlTrackingPartitions(ds);
        MySqlJobStore jobs = new MySqlJobStore(ds);

        partitions.prepareDays(LocalDate.parse("2026-11-01"), LocalDate.parse("2026-11-03"));
        partitions.prepareDays(LocalDate.parse("2026-11-02"), LocalDate.parse("2026-11-04"));

        // the empty table's first partition, the days before the window together, then one per day
        assertThat(names(partitions.partitions()))
                .containsExactly("p19700102", "p20261101", "p20261102", "p20261103", "p20261104", "p20261105", "pmax");
        JobRun job = jobs.create(
                new ExportWindow(LocalDate.parse("2026-11-01"), LocalDate.parse("2026-11-04")),
                JobKind.MANUAL,
                false,
                "exec-1",
                T0);
        new MySqlBatchOutbox(ds)
                .recordPage(
                        job,
                        "exec-1",
                        new IdPage(
                                List.of("m-1", "m-2", "m-3", "m-1"),
                                List.of(
                                        LocalDate.parse("2026-11-01"),
                                        LocalDate.parse("2026-11-03"),
                                        LocalDate.parse("2026-11-03"),
                                        LocalDate.parse("2026-11-01")),
                                CURSOR),
                        List.of(),
                        500,
                        T0)
                .batches();
        assertThat(count("PARTITION (p20261102)")).isEqualTo(1);
        assertThat(count("PARTITION (p20261103)")).isZero();
        assertThat(count("PARTITION (p20261104)")).isEqualTo(2);
        assertThat(count("PARTITION (pmax)")).isZero();
        // the worker's claim reads the window's days
        assertThat(new MySqlMessageLeases(ds)
                        .claim(job.jobId(), List.of("m-1", "m-2", "m-3"), "l", T0, T0.plusSeconds(60)))
                .containsExactlyInAnyOrder("m-1", "m-2", "m-3");
    }

    @Test
    void dropSettledBefore_dropsOnlySettledDaysBeforeTheCutoff_andTheirRows() throws Exception {
        MySqlDatabase.migrate(ds);
        MySqlTrackingPartitions partitions = new MySqlTrackingPartitions(ds);
        partitions.prepareDays(LocalDate.parse("2026-11-01"), LocalDate.parse("2026-11-06"));
        sql("INSERT INTO job_runs (job_id, start_date, end_date, status) VALUES"
                + " (1, '2026-11-01', '2026-11-02', 'completed'),"
                + " (2, '2026-11-02', '2026-11-03', 'failed'),"
                + " (3, '2026-11-03', '2026-11-04', 'failed'),"
                + " (4, '2026-11-03', '2026-11-04', 'completed'),"
                + " (5, '2026-11-05', '2026-11-06', 'running')");
        for (int day = 1; day <= 6; day++) {
            String d = "'2026-11-0" + day + "'";
            sql("INSERT INTO message_tracking (message_id, message_date, batch_id, status, start_date) VALUES ('m-"
                    + day + "', " + d + ", 1, 'completed', " + d + ")");
        }

        List<DayPartition> dropped = partitions.dropSettledBefore(LocalDate.parse("2026-11-06"));

        // day 1 completed; day 2 failed and not redone (its rerun needs the rows); day 3 failed then completed by
        // job 4; day 4 has no job; day 5 is running; day 6 is not before the cutoff
        assertThat(names(dropped)).containsExactly("p19700102", "p20261101", "p20261102", "p20261104", "p20261105");
        assertThat(names(partitions.partitions())).containsExactly("p20261103", "p20261106", "p20261107", "pmax");
        List<String> left = new ArrayList<>();
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT message_id FROM message_tracking ORDER BY message_id")) {
            while (rs.next()) {
                left.add(rs.getString(1));
            }
        }
        assertThat(left).containsExactly("m-2", "m-5", "m-6");
        assertThat(partitions.dropSettledBefore(LocalDate.parse("2026-11-06"))).isEmpty();
    }
}
