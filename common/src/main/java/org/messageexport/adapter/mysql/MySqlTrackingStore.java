package org.messageexport.adapter.mysql;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.messageexport.domain.ExtractionCursor;
import org.messageexport.domain.FailedMessage;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.MessageBatch;
import org.messageexport.domain.ProgressCounts;
import org.messageexport.port.JobOwnershipLostException;
import org.messageexport.port.TrackingStore;

/** {@link TrackingStore} on MySQL 8 / MariaDB: batched statements, IN lists of at most {@value #IN_CHUNK}. */
public final class MySqlTrackingStore implements TrackingStore {
    static final int IN_CHUNK = 1000;
    private static final int REASON_MAX = 1000;

    private final DataSource dataSource;

    public MySqlTrackingStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public List<MessageBatch> recordPage(
            JobRun job, String executionId, List<String> ids, int batchSize, ExtractionCursor next, Instant now) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                // the owner check first, and it locks the job row: a takeover waits for this page to commit
                if (!lockOwnedJob(c, job.jobId(), executionId)) {
                    throw new JobOwnershipLostException(job.jobId(), executionId);
                }
                Split split = untracked(c, job, new LinkedHashSet<>(ids));
                List<String> fresh = split.all();
                List<MessageBatch> batches = createBatches(c, job.jobId(), fresh, batchSize);
                insertRows(c, job, batches, split.takeOver());
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE job_runs SET pit_id = ?, search_after = ?,"
                                + " extracted_count = extracted_count + ?, batch_count = batch_count + ?, heartbeat_at = ? WHERE job_id = ?")) {
                    ps.setString(1, next.pointInTime());
                    ps.setString(2, MySqlJobStore.writeSortValues(next.searchAfter()));
                    ps.setLong(3, fresh.size());
                    ps.setLong(4, batches.size());
                    ps.setTimestamp(5, Timestamp.from(now));
                    ps.setLong(6, job.jobId());
                    ps.executeUpdate();
                }
                c.commit();
                return batches;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw SqlErrors.translate("record page of job " + job.jobId(), e);
        }
    }

    private static boolean lockOwnedJob(Connection c, long jobId, String executionId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT job_id FROM job_runs WHERE job_id = ? AND status = 'running' AND execution_id = ? FOR UPDATE")) {
            ps.setLong(1, jobId);
            ps.setString(2, executionId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * The ids to track, split into never-tracked ones and rows to take over: those of a failed job that did
     * not complete (a rerun of the window exports only the remainder) and, for a re-export job, any other
     * job's rows. The rows are locked until the page commits.
     */
    private static Split untracked(Connection c, JobRun job, Set<String> ids) throws SQLException {
        Map<String, Boolean> takeable = new HashMap<>();
        List<String> all = List.copyOf(ids);
        for (int from = 0; from < all.size(); from += IN_CHUNK) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + IN_CHUNK));
            try (PreparedStatement ps = c.prepareStatement("SELECT t.message_id, t.job_id, t.status, j.status"
                    + " FROM message_tracking t LEFT JOIN job_runs j ON j.job_id = t.job_id WHERE t.message_id IN ("
                    + SqlErrors.placeholders(chunk.size()) + ") FOR UPDATE")) {
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 1, chunk.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long owner = rs.getLong(2);
                        boolean ownerFailed = "failed".equals(rs.getString(4)) && !"completed".equals(rs.getString(3));
                        takeable.put(rs.getString(1), owner != job.jobId() && (job.reexport() || ownerFailed));
                    }
                }
            }
        }
        List<String> fresh = new ArrayList<>();
        List<String> takeOver = new ArrayList<>();
        for (String id : all) {
            Boolean take = takeable.get(id);
            if (take == null) {
                fresh.add(id);
            } else if (take) {
                takeOver.add(id);
            }
        }
        return new Split(fresh, Set.copyOf(takeOver));
    }

    private record Split(List<String> fresh, Set<String> takeOver) {
        List<String> all() {
            List<String> out = new ArrayList<>(fresh);
            out.addAll(takeOver);
            return out;
        }
    }

    private static List<MessageBatch> createBatches(Connection c, long jobId, List<String> ids, int batchSize)
            throws SQLException {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<List<String>> groups = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += batchSize) {
            groups.add(ids.subList(from, Math.min(ids.size(), from + batchSize)));
        }
        List<MessageBatch> batches = new ArrayList<>(groups.size());
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO message_batches (job_id, size, status) VALUES (?, ?, 'created')",
                Statement.RETURN_GENERATED_KEYS)) {
            for (List<String> g : groups) {
                ps.setLong(1, jobId);
                ps.setInt(2, g.size());
                ps.addBatch();
            }
            ps.executeBatch();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                for (List<String> g : groups) {
                    if (!keys.next()) {
                        throw new SQLException("fewer generated batch ids than batches");
                    }
                    batches.add(new MessageBatch(jobId, keys.getLong(1), g));
                }
            }
        }
        return batches;
    }

    private static void insertRows(Connection c, JobRun job, List<MessageBatch> batches, Set<String> takeOver)
            throws SQLException {
        if (batches.isEmpty()) {
            return;
        }
        // INSERT IGNORE: a message tracked meanwhile by someone else keeps its row (message_id is unique, ever).
        try (PreparedStatement insert = c.prepareStatement("INSERT IGNORE INTO message_tracking"
                        + " (message_id, batch_id, status, start_date, job_id) VALUES (?, ?, 'pending', ?, ?)");
                PreparedStatement reset =
                        c.prepareStatement("UPDATE message_tracking SET batch_id = ?, status = 'pending',"
                                + " start_date = ?, job_id = ?, s3_path = NULL, attempts = 0, last_error = NULL, completed_at = NULL,"
                                + " lease_until = NULL, lease_token = NULL WHERE message_id = ?")) {
            Date start = Date.valueOf(job.window().start());
            int inserts = 0;
            for (MessageBatch b : batches) {
                for (String id : b.messageIds()) {
                    PreparedStatement ps = takeOver.contains(id) ? reset : insert;
                    if (ps == insert) {
                        ps.setString(1, id);
                        ps.setLong(2, b.batchId());
                        ps.setDate(3, start);
                        ps.setLong(4, job.jobId());
                        inserts++;
                    } else {
                        ps.setLong(1, b.batchId());
                        ps.setDate(2, start);
                        ps.setLong(3, job.jobId());
                        ps.setString(4, id);
                    }
                    ps.addBatch();
                }
            }
            if (inserts > 0) {
                insert.executeBatch();
            }
            if (!takeOver.isEmpty()) {
                reset.executeBatch();
            }
        }
    }

    @Override
    public List<MessageBatch> unsentBatches(long jobId) {
        String sql = "SELECT b.batch_id, t.message_id FROM message_batches b"
                + " LEFT JOIN message_tracking t ON t.batch_id = b.batch_id AND t.job_id = b.job_id"
                + " WHERE b.job_id = ? AND b.status = 'created' ORDER BY b.batch_id, t.message_id";
        Map<Long, List<String>> byBatch = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> ids = byBatch.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>());
                    String id = rs.getString(2);
                    if (id != null) {
                        ids.add(id);
                    }
                }
            }
        } catch (SQLException e) {
            throw SqlErrors.translate("read unsent batches of job " + jobId, e);
        }
        List<MessageBatch> out = new ArrayList<>();
        List<Long> empty = new ArrayList<>();
        byBatch.forEach((batchId, ids) -> {
            if (ids.isEmpty()) {
                empty.add(batchId);
            } else {
                out.add(new MessageBatch(jobId, batchId, ids));
            }
        });
        if (!empty.isEmpty()) {
            // every row of the batch went to another job meanwhile: nothing to send
            setBatchStatus(empty, "done", "done_at", Instant.now());
        }
        return out;
    }

    @Override
    public void markEnqueued(List<Long> batchIds, Instant now) {
        setBatchStatus(batchIds, "enqueued", "enqueued_at", now);
    }

    @Override
    public void markBatchDone(long batchId, Instant now) {
        setBatchStatus(List.of(batchId), "done", "done_at", now);
    }

    private void setBatchStatus(List<Long> batchIds, String status, String timeColumn, Instant now) {
        if (batchIds.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            for (int from = 0; from < batchIds.size(); from += IN_CHUNK) {
                List<Long> chunk = batchIds.subList(from, Math.min(batchIds.size(), from + IN_CHUNK));
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE message_batches SET status = ?, " + timeColumn + " = ? WHERE batch_id IN ("
                                + SqlErrors.placeholders(chunk.size()) + ") AND status <> 'done'")) {
                    ps.setString(1, status);
                    ps.setTimestamp(2, Timestamp.from(now));
                    for (int i = 0; i < chunk.size(); i++) {
                        ps.setLong(i + 3, chunk.get(i));
                    }
                    ps.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw SqlErrors.translate("set batches " + status, e);
        }
    }

    @Override
    public List<String> claim(long jobId, List<String> messageIds, String leaseToken, Instant now, Instant leaseUntil) {
        if (messageIds.isEmpty()) {
            return List.of();
        }
        List<String> ids = List.copyOf(new LinkedHashSet<>(messageIds));
        List<String> claimed = new ArrayList<>(ids.size());
        try (Connection c = dataSource.getConnection()) {
            for (int from = 0; from < ids.size(); from += IN_CHUNK) {
                List<String> chunk = ids.subList(from, Math.min(ids.size(), from + IN_CHUNK));
                String in = SqlErrors.placeholders(chunk.size());
                // The claim is a lease: a worker that dies (Lambda timeout) leaves rows that the next delivery may
                // take.
                try (PreparedStatement ps = c.prepareStatement("UPDATE message_tracking SET status = 'in_progress',"
                        + " attempts = attempts + 1, last_attempted = ?, lease_until = ?, lease_token = ?"
                        + " WHERE job_id = ? AND message_id IN (" + in + ") AND (status IN ('pending', 'failed')"
                        + " OR (status = 'in_progress' AND (lease_until IS NULL OR lease_until < ?)))")) {
                    int p = 1;
                    ps.setTimestamp(p++, Timestamp.from(now));
                    ps.setTimestamp(p++, Timestamp.from(leaseUntil));
                    ps.setString(p++, leaseToken);
                    ps.setLong(p++, jobId);
                    for (String id : chunk) {
                        ps.setString(p++, id);
                    }
                    ps.setTimestamp(p, Timestamp.from(now));
                    ps.executeUpdate();
                }
                try (PreparedStatement ps =
                        c.prepareStatement("SELECT message_id FROM message_tracking WHERE message_id IN (" + in
                                + ") AND lease_token = ?")) {
                    int p = 1;
                    for (String id : chunk) {
                        ps.setString(p++, id);
                    }
                    ps.setString(p, leaseToken);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            claimed.add(rs.getString(1));
                        }
                    }
                }
            }
            return claimed;
        } catch (SQLException e) {
            throw SqlErrors.translate("claim messages of job " + jobId, e);
        }
    }

    @Override
    public void complete(String leaseToken, List<ExportedMessage> exported, Instant now) {
        if (exported.isEmpty()) {
            return;
        }
        batchUpdate(
                "complete messages",
                "UPDATE message_tracking SET status = 'completed', s3_path = ?, completed_at = ?,"
                        + " last_error = NULL, lease_until = NULL, lease_token = NULL WHERE message_id = ? AND lease_token = ?",
                exported,
                (ps, m) -> {
                    ps.setString(1, m.objectKey());
                    ps.setTimestamp(2, Timestamp.from(now));
                    ps.setString(3, m.messageId());
                    ps.setString(4, leaseToken);
                });
    }

    @Override
    public void fail(String leaseToken, List<MessageError> errors) {
        settleWithError("failed", leaseToken, errors);
    }

    @Override
    public void release(String leaseToken, List<MessageError> errors) {
        settleWithError("pending", leaseToken, errors);
    }

    private void settleWithError(String status, String leaseToken, List<MessageError> errors) {
        if (errors.isEmpty()) {
            return;
        }
        batchUpdate(
                "mark messages " + status,
                "UPDATE message_tracking SET status = '" + status + "', last_error = ?,"
                        + " lease_until = NULL, lease_token = NULL WHERE message_id = ? AND lease_token = ?",
                errors,
                (ps, m) -> {
                    ps.setString(1, MySqlJobStore.truncate(m.reason(), REASON_MAX));
                    ps.setString(2, m.messageId());
                    ps.setString(3, leaseToken);
                });
    }

    private interface RowBinder<T> {
        void bind(PreparedStatement ps, T row) throws SQLException;
    }

    private <T> void batchUpdate(String action, String sql, List<T> rows, RowBinder<T> binder) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (T row : rows) {
                binder.bind(ps, row);
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw SqlErrors.translate(action, e);
        }
    }

    @Override
    public ProgressCounts counts(long jobId, Instant now) {
        String sql =
                "SELECT status, (status = 'in_progress' AND (lease_until IS NULL OR lease_until < ?)) AS stalled, COUNT(*)"
                        + " FROM message_tracking WHERE job_id = ? GROUP BY status, stalled";
        long pending = 0, inProgress = 0, stalled = 0, completed = 0, failed = 0;
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setLong(2, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long n = rs.getLong(3);
                    switch (rs.getString(1)) {
                        case "pending" -> pending += n;
                        case "in_progress" -> {
                            if (rs.getBoolean(2)) {
                                stalled += n;
                            } else {
                                inProgress += n;
                            }
                        }
                        case "completed" -> completed += n;
                        case "failed" -> failed += n;
                        default -> throw new IllegalStateException("unknown tracking status " + rs.getString(1));
                    }
                }
            }
        } catch (SQLException e) {
            throw SqlErrors.translate("count messages of job " + jobId, e);
        }
        return new ProgressCounts(pending, inProgress, stalled, completed, failed);
    }

    @Override
    public int failUnsettled(long jobId, String reason, Instant now, boolean includeLiveLeases) {
        String sql =
                "UPDATE message_tracking SET status = 'failed', last_error = ?, lease_until = NULL, lease_token = NULL"
                        + " WHERE job_id = ? AND (status = 'pending' OR (status = 'in_progress'"
                        + (includeLiveLeases ? ")" : " AND (lease_until IS NULL OR lease_until < ?)))");
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, MySqlJobStore.truncate(reason, REASON_MAX));
            ps.setLong(2, jobId);
            if (!includeLiveLeases) {
                ps.setTimestamp(3, Timestamp.from(now));
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlErrors.translate("fail unsettled messages of job " + jobId, e);
        }
    }

    @Override
    public List<FailedMessage> failedMessages(long jobId, int limit) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT message_id, batch_id, attempts, last_error FROM message_tracking"
                                + " WHERE job_id = ? AND status = 'failed' ORDER BY message_id LIMIT ?")) {
            ps.setLong(1, jobId);
            ps.setInt(2, limit);
            List<FailedMessage> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new FailedMessage(rs.getString(1), rs.getLong(2), rs.getInt(3), rs.getString(4)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw SqlErrors.translate("read failed messages of job " + jobId, e);
        }
    }
}
