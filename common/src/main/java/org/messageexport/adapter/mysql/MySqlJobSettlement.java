package org.messageexport.adapter.mysql;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.messageexport.domain.FailedMessage;
import org.messageexport.domain.ProgressCounts;
import org.messageexport.domain.RejectedMessage;
import org.messageexport.port.JobSettlement;
import org.messageexport.port.MessageLeases.ExportedMessage;

/** {@link JobSettlement} on MySQL 8 / MariaDB: one statement per call, on the index {@code (job_id, status)}. */
public final class MySqlJobSettlement implements JobSettlement {
    private final Jdbc jdbc;

    public MySqlJobSettlement(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    private record StatusCount(String status, boolean stalled, long count) {}

    @Override
    public ProgressCounts counts(long jobId, Instant now) {
        List<StatusCount> rows = jdbc.query(
                "count messages of job " + jobId,
                "SELECT status, (status = 'in_progress' AND (lease_until IS NULL OR lease_until < ?)) AS stalled, COUNT(*)"
                        + " FROM message_tracking WHERE job_id = ? GROUP BY status, stalled",
                ps -> {
                    ps.setTimestamp(1, Timestamp.from(now));
                    ps.setLong(2, jobId);
                },
                rs -> new StatusCount(rs.getString(1), rs.getBoolean(2), rs.getLong(3)));
        long pending = 0, inProgress = 0, stalled = 0, completed = 0, failed = 0;
        for (StatusCount row : rows) {
            long n = row.count();
            switch (row.status()) {
                case "pending" -> pending += n;
                case "in_progress" -> {
                    if (row.stalled()) {
                        stalled += n;
                    } else {
                        inProgress += n;
                    }
                }
                case "completed" -> completed += n;
                case "failed" -> failed += n;
                default -> throw new IllegalStateException("unknown tracking status " + row.status());
            }
        }
        return new ProgressCounts(pending, inProgress, stalled, completed, failed);
    }

    @Override
    public int failUnsettled(long jobId, String reason, Instant now, boolean includeLiveLeases) {
        return jdbc.update(
                "fail unsettled messages of job " + jobId,
                "UPDATE message_tracking SET status = 'failed', last_error = ?, lease_until = NULL, lease_token = NULL"
                        + " WHERE job_id = ? AND (status = 'pending' OR (status = 'in_progress'"
                        + (includeLiveLeases ? "))" : " AND (lease_until IS NULL OR lease_until < ?)))"),
                ps -> {
                    ps.setString(1, Jdbc.truncate(reason, MySqlDatabase.REASON_LENGTH));
                    ps.setLong(2, jobId);
                    if (!includeLiveLeases) {
                        ps.setTimestamp(3, Timestamp.from(now));
                    }
                });
    }

    @Override
    public List<FailedMessage> failedMessages(long jobId, int limit) {
        return jdbc.query(
                "read failed messages of job " + jobId,
                "SELECT message_id, batch_id, attempts, last_error FROM message_tracking"
                        + " WHERE job_id = ? AND status = 'failed' ORDER BY message_id LIMIT ?",
                ps -> {
                    ps.setLong(1, jobId);
                    ps.setInt(2, limit);
                },
                rs -> new FailedMessage(rs.getString(1), rs.getLong(2), rs.getInt(3), rs.getString(4)));
    }

    @Override
    public void exportedObjects(long jobId, Consumer<ExportedMessage> sink) {
        jdbc.withConnection("read exported objects of job " + jobId, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT message_id, s3_path FROM message_tracking WHERE job_id = ? AND status = 'completed'"
                            + " ORDER BY message_id",
                    ResultSet.TYPE_FORWARD_ONLY,
                    ResultSet.CONCUR_READ_ONLY)) {
                ps.setLong(1, jobId);
                // Connector/J streams rows one by one at this fetch size: a window may hold millions
                ps.setFetchSize(Integer.MIN_VALUE);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        sink.accept(new ExportedMessage(rs.getString(1), rs.getString(2)));
                    }
                }
            }
            return null;
        });
    }

    @Override
    public List<RejectedMessage> rejectedMessages(long jobId, int limit) {
        return jdbc.query(
                "read rejected messages of job " + jobId,
                "SELECT message_id, reason FROM rejected_messages WHERE job_id = ? ORDER BY rejected_at, id_sha256 LIMIT ?",
                ps -> {
                    ps.setLong(1, jobId);
                    ps.setInt(2, limit);
                },
                rs -> new RejectedMessage(new String(rs.getBytes(1), StandardCharsets.UTF_8), rs.getString(2)));
    }

    @Override
    public long rejectedCount(long jobId) {
        return jdbc.query(
                        "count rejected messages of job " + jobId,
                        "SELECT COUNT(*) FROM rejected_messages WHERE job_id = ?",
                        ps -> ps.setLong(1, jobId),
                        rs -> rs.getLong(1))
                .getFirst();
    }

    @Override
    public List<String> batchObjects(long jobId, int limit) {
        return jdbc.query(
                "read batch objects of job " + jobId,
                "SELECT DISTINCT SUBSTRING(s3_path, 1, LOCATE('#', s3_path) - 1) AS object_key FROM message_tracking"
                        + " WHERE job_id = ? AND status = 'completed' AND LOCATE('#', s3_path) > 0"
                        + " ORDER BY object_key LIMIT ?",
                ps -> {
                    ps.setLong(1, jobId);
                    ps.setInt(2, limit);
                },
                rs -> rs.getString(1));
    }
}
