package org.messageexport.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.messageexport.adapter.mysql.MySqlDatabase;
import org.messageexport.domain.MessageBatch;

/**
 * The bench's direct access to the pipeline's tables, for what no port offers: emptying them between phases,
 * reading a finished job's batches back, and setting exported rows pending again. Written against one schema
 * version: built on code that needs another, it fails at once with one line saying what to check, rather than
 * measuring a changed schema silently ({@code PipelineTablesIT} runs every statement against the migrated schema).
 */
final class PipelineTables {
    /** The migration (db/migration V{n}) whose tables these statements were written and tested against. */
    static final int WRITTEN_FOR_SCHEMA_VERSION = 7;

    private final DataSource database;

    PipelineTables(DataSource database) {
        requireSchemaVersion(MySqlDatabase.SCHEMA_VERSION);
        this.database = database;
    }

    static void requireSchemaVersion(int codeSchemaVersion) {
        if (codeSchemaVersion != WRITTEN_FOR_SCHEMA_VERSION) {
            throw new IllegalStateException(
                    "bench: PipelineTables was written for schema V" + WRITTEN_FOR_SCHEMA_VERSION
                            + " and the code now needs V" + codeSchemaVersion
                            + ": check its SQL against the new migrations, then set WRITTEN_FOR_SCHEMA_VERSION");
        }
    }

    /** Removes every job, batch and tracking row. */
    void clear() throws SQLException {
        try (Connection c = database.getConnection();
                Statement s = c.createStatement()) {
            s.execute("DELETE FROM message_tracking");
            s.execute("DELETE FROM message_batches");
            s.execute("DELETE FROM job_runs");
        }
    }

    /** The first {@code limit} batches of job {@code jobId} (by batch id), each with its message ids in id order. */
    List<MessageBatch> batches(long jobId, int limit) throws SQLException {
        List<MessageBatch> batches = new ArrayList<>();
        try (Connection c = database.getConnection()) {
            List<Long> batchIds = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT batch_id FROM message_batches WHERE job_id = ? ORDER BY batch_id LIMIT ?")) {
                ps.setLong(1, jobId);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        batchIds.add(rs.getLong(1));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT message_id FROM message_tracking WHERE batch_id = ? ORDER BY message_id")) {
                for (long batchId : batchIds) {
                    List<String> ids = new ArrayList<>();
                    ps.setLong(1, batchId);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getString(1));
                        }
                    }
                    batches.add(new MessageBatch(jobId, batchId, ids));
                }
            }
        }
        return batches;
    }

    /** The rows of batch {@code batchId} pending again and unclaimed, so that a worker does the whole work again. */
    void makePending(long batchId) throws SQLException {
        try (Connection c = database.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE message_tracking SET status = 'pending',"
                        + " lease_token = NULL, lease_until = NULL WHERE batch_id = ?")) {
            ps.setLong(1, batchId);
            ps.executeUpdate();
        }
    }

    /** The object keys of batch {@code batchId}'s completed rows. */
    List<String> completedKeys(long batchId) throws SQLException {
        List<String> keys = new ArrayList<>();
        try (Connection c = database.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT s3_path FROM message_tracking WHERE batch_id = ? AND status = 'completed'")) {
            ps.setLong(1, batchId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
        }
        return keys;
    }

    /** Rows {@link #fillDay} writes per statement (one transaction each): 100 × 1,000 from the digits table. */
    static final int FILL_CHUNK = 100_000;

    /**
     * Bulk-fills {@code message_tracking} with {@code rows} completed rows of job {@code jobId} on {@code day} (ids
     * {@code fill-yyyyMMdd-n}, ~20 characters like Elasticsearch's own ids, 500 per batch id from {@code firstBatchId},
     * a realistic object key): INSERT … SELECT over a cross join of a 1,000-row digits table, which MySQL 8 and
     * MariaDB both run at server speed. The day must have its partition already (or the rows land in the catch-all).
     *
     * @param rows a multiple of 1,000, at most 1,000,000
     */
    void fillDay(LocalDate day, long jobId, long firstBatchId, int rows) throws SQLException {
        if (rows % 1000 != 0 || rows <= 0 || rows > 1_000_000) {
            throw new IllegalArgumentException("rows per day: a multiple of 1,000 up to 1,000,000, got " + rows);
        }
        String compact = day.toString().replace("-", "");
        try (Connection c = database.getConnection()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS bench_digits (d INT NOT NULL PRIMARY KEY)");
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM bench_digits")) {
                    rs.next();
                    if (rs.getInt(1) != 1000) {
                        s.execute("DELETE FROM bench_digits");
                        StringBuilder values = new StringBuilder("INSERT INTO bench_digits (d) VALUES (0)");
                        for (int i = 1; i < 1000; i++) {
                            values.append(",(").append(i).append(')');
                        }
                        s.execute(values.toString());
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO message_tracking (message_id, message_date,"
                    + " batch_id, status, start_date, s3_path, job_id, attempts, completed_at)"
                    + " SELECT CONCAT('fill-', ?, '-', a.d * 1000 + b.d), ?, ? + (a.d * 1000 + b.d) DIV 500,"
                    + " 'completed', ?, CONCAT('exports/', ?, '/fill-', ?, '-', a.d * 1000 + b.d, '.json'), ?, 1, ?"
                    + " FROM bench_digits a CROSS JOIN bench_digits b WHERE a.d >= ? AND a.d < ?")) {
                int thousands = rows / 1000;
                for (int from = 0; from < thousands; from += FILL_CHUNK / 1000) {
                    int p = 1;
                    ps.setString(p++, compact);
                    ps.setDate(p++, java.sql.Date.valueOf(day));
                    ps.setLong(p++, firstBatchId);
                    ps.setDate(p++, java.sql.Date.valueOf(day));
                    ps.setString(p++, day.toString().replace('-', '/'));
                    ps.setString(p++, compact);
                    ps.setLong(p++, jobId);
                    ps.setTimestamp(
                            p++,
                            java.sql.Timestamp.from(
                                    day.atStartOfDay(java.time.ZoneOffset.UTC).toInstant()));
                    ps.setInt(p++, from);
                    ps.setInt(p, Math.min(thousands, from + FILL_CHUNK / 1000));
                    ps.executeUpdate();
                }
            }
        }
    }

    /** Deletes the tracking rows of {@code day} with one DELETE (what retention would cost without partitions). */
    long deleteDay(LocalDate day) throws SQLException {
        try (Connection c = database.getConnection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM message_tracking WHERE message_date = ?")) {
            ps.setDate(1, java.sql.Date.valueOf(day));
            return ps.executeUpdate();
        }
    }

    /** Exact row count of one day's tracking rows. */
    long dayRows(LocalDate day) throws SQLException {
        try (Connection c = database.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT COUNT(*) FROM message_tracking WHERE message_date = ?")) {
            ps.setDate(1, java.sql.Date.valueOf(day));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Exact row count of the tracking table. */
    long trackingRows() throws SQLException {
        try (Connection c = database.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM message_tracking")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Data and index bytes of the tracking table, as the server estimates them (information_schema). */
    long trackingBytes() throws SQLException {
        try (Connection c = database.getConnection();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT SUM(DATA_LENGTH + INDEX_LENGTH) FROM information_schema.PARTITIONS"
                                + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'message_tracking'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
