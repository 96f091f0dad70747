package org.messageexport.adapter.mysql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.JobKind;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.JobStatus;
import org.messageexport.port.JobStore.JobFinish;

/** What the adapter ITs read back from the tables, and the jobs they start from. */
final class TrackingTables {
    static final ExportWindow WINDOW = new ExportWindow(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-02"));

    record Row(
            long jobId,
            long batchId,
            String status,
            LocalDate startDate,
            int attempts,
            String lastError,
            String leaseToken,
            String s3Path,
            Instant completedAt) {}

    record Batch(long jobId, int size, String status, Instant enqueuedAt, Instant doneAt) {}

    private final DataSource ds;
    final MySqlJobStore jobs;

    TrackingTables(DataSource ds) {
        this.ds = ds;
        this.jobs = new MySqlJobStore(ds);
    }

    JobRun runningJob(String executionId, boolean reexport, Instant now) {
        return runningJob(WINDOW, executionId, reexport, now);
    }

    JobRun runningJob(ExportWindow window, String executionId, boolean reexport, Instant now) {
        return jobs.create(window, reexport ? JobKind.MANUAL : JobKind.SCHEDULED, reexport, executionId, now);
    }

    void fail(JobRun job, Instant now) {
        if (!jobs.finish(
                new JobFinish(job.jobId(), job.executionId(), JobStatus.FAILED, "test", 0, 0, null, null, null, now))) {
            throw new IllegalStateException("job " + job.jobId() + " was not running");
        }
    }

    /** Tracking rows by message id. */
    Map<String, Row> rows() throws SQLException {
        Map<String, Row> out = new LinkedHashMap<>();
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT message_id, job_id, batch_id, status, start_date, attempts, last_error, lease_token,"
                                + " s3_path, completed_at FROM message_tracking ORDER BY message_id");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(
                        rs.getString(1),
                        new Row(
                                rs.getLong(2),
                                rs.getLong(3),
                                rs.getString(4),
                                rs.getDate(5).toLocalDate(),
                                rs.getInt(6),
                                rs.getString(7),
                                rs.getString(8),
                                rs.getString(9),
                                instant(rs.getTimestamp(10))));
            }
        }
        return out;
    }

    /** Batches by id. */
    Map<Long, Batch> batches() throws SQLException {
        Map<Long, Batch> out = new LinkedHashMap<>();
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT batch_id, job_id, size, status, enqueued_at, done_at FROM message_batches ORDER BY batch_id");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(
                        rs.getLong(1),
                        new Batch(
                                rs.getLong(2),
                                rs.getInt(3),
                                rs.getString(4),
                                instant(rs.getTimestamp(5)),
                                instant(rs.getTimestamp(6))));
            }
        }
        return out;
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
