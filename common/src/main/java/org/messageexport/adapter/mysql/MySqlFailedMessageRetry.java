package org.messageexport.adapter.mysql;

import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.messageexport.domain.MessageBatch;
import org.messageexport.port.FailedMessageRetry;

/** {@link FailedMessageRetry} on MySQL 8 / MariaDB: the job's row is locked while its failed rows are re-batched. */
public final class MySqlFailedMessageRetry implements FailedMessageRetry {
    private final Jdbc jdbc;

    public MySqlFailedMessageRetry(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    @Override
    public List<MessageBatch> requeueFailed(long jobId, int batchSize, Instant now) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        return jdbc.inTransaction("re-enqueue the failed messages of job " + jobId, c -> {
            List<String> status = Jdbc.query(
                    c,
                    "SELECT status FROM job_runs WHERE job_id = ? FOR UPDATE",
                    ps -> ps.setLong(1, jobId),
                    rs -> rs.getString(1));
            if (status.isEmpty()) {
                throw new IllegalArgumentException("job " + jobId + " does not exist");
            }
            if ("running".equals(status.getFirst())) {
                throw new IllegalStateException("job " + jobId + " is still running: its execution settles its rows");
            }
            List<String> ids = Jdbc.query(
                    c,
                    "SELECT message_id FROM message_tracking WHERE job_id = ? AND status = 'failed'"
                            + " ORDER BY message_id FOR UPDATE",
                    ps -> ps.setLong(1, jobId),
                    rs -> rs.getString(1));
            if (ids.isEmpty()) {
                return List.of();
            }
            List<MessageBatch> batches = MySqlBatchOutbox.createBatches(c, jobId, ids, batchSize, now);
            for (MessageBatch batch : batches) {
                for (List<String> chunk : Jdbc.chunks(batch.messageIds())) {
                    Jdbc.update(
                            c,
                            "UPDATE message_tracking SET status = 'pending', last_error = NULL, batch_id = ?,"
                                    + " lease_until = NULL, lease_token = NULL WHERE job_id = ? AND status = 'failed'"
                                    + " AND message_id IN (" + Jdbc.placeholders(chunk.size()) + ")",
                            ps -> {
                                int p = 1;
                                ps.setLong(p++, batch.batchId());
                                ps.setLong(p++, jobId);
                                for (String id : chunk) {
                                    ps.setString(p++, id);
                                }
                            });
                }
            }
            Jdbc.update(c, "UPDATE job_runs SET batch_count = batch_count + ? WHERE job_id = ?", ps -> {
                ps.setInt(1, batches.size());
                ps.setLong(2, jobId);
            });
            return batches;
        });
    }

    @Override
    public void recordCounts(long jobId, long completed, long failed, String manifestKey) {
        jdbc.update(
                "record the counts of job " + jobId,
                "UPDATE job_runs SET completed_count = ?, failed_count = ?, manifest_key = ?"
                        + " WHERE job_id = ? AND status <> 'running'",
                ps -> {
                    ps.setLong(1, completed);
                    ps.setLong(2, failed);
                    ps.setString(3, manifestKey);
                    ps.setLong(4, jobId);
                });
    }
}
