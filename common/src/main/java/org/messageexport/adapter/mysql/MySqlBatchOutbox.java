package org.messageexport.adapter.mysql;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.IdPage;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.MessageBatch;
import org.messageexport.domain.PageAccount;
import org.messageexport.domain.RejectedMessage;
import org.messageexport.port.BatchOutbox;
import org.messageexport.port.JobOwnershipLostException;
import org.messageexport.port.StalledBatches;

/**
 * {@link BatchOutbox} on MySQL 8 / MariaDB: batched inserts, IN lists of at most {@value Jdbc#IN_CHUNK}. The
 * owner of the SQL on {@code message_batches}; the job's row is locked and its cursor saved by
 * {@link MySqlJobStore}, in the page's transaction.
 */
public final class MySqlBatchOutbox implements BatchOutbox, StalledBatches {
    private final Jdbc jdbc;

    public MySqlBatchOutbox(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    @Override
    public RecordedPage recordPage(
            JobRun job, String executionId, IdPage page, List<RejectedMessage> rejected, int batchSize, Instant now) {
        for (String id : page.ids()) {
            String reason = RejectedMessage.untrackableReason(id);
            if (reason != null) {
                throw new IllegalArgumentException(
                        "job " + job.jobId() + ": " + reason + " (reject it, do not track it)");
            }
        }
        Map<String, LocalDate> days = daysOf(job, page);
        return jdbc.inTransaction("record page of job " + job.jobId(), c -> {
            // the owner check first, and it locks the job row: a takeover waits for this page to commit
            if (!MySqlJobStore.lockOwnedRunningJob(c, job.jobId(), executionId)) {
                throw new JobOwnershipLostException(job.jobId(), executionId);
            }
            Set<String> distinct = days.keySet();
            Split split = untracked(c, job, distinct);
            List<String> fresh = split.all();
            Set<String> alreadyTracked = new LinkedHashSet<>(distinct);
            fresh.forEach(alreadyTracked::remove);
            List<MessageBatch> batches = createBatches(c, job.jobId(), fresh, batchSize, now);
            insertRows(c, job, batches, days, split.takeOver());
            insertRejected(c, job.jobId(), rejected);
            List<String> read = new ArrayList<>(page.ids());
            rejected.forEach(r -> read.add(r.messageId()));
            // read back, not assumed: an ignored insert or a key two ids share shows here, before the commit
            PageAccount account = PageAccount.of(
                    "page of job " + job.jobId(),
                    read,
                    recordedRows(c, job.jobId(), batches),
                    alreadyTracked,
                    rejected);
            MySqlJobStore.saveCheckpoint(c, job.jobId(), page.next(), account, batches.size(), now);
            return new RecordedPage(batches, account);
        });
    }

    /**
     * Each id once, in page order, with its day (the window's first day when the page does not know it); a day
     * outside the window is an error (no row is written).
     */
    private static Map<String, LocalDate> daysOf(JobRun job, IdPage page) {
        Map<String, LocalDate> days = new LinkedHashMap<>();
        for (int i = 0; i < page.ids().size(); i++) {
            LocalDate day = page.day(i, job.window().start());
            if (day.isBefore(job.window().start()) || !day.isBefore(job.window().end())) {
                throw new IllegalArgumentException("message " + page.ids().get(i) + " of day " + day
                        + " is outside the window " + job.window() + " of job " + job.jobId());
            }
            days.putIfAbsent(page.ids().get(i), day);
        }
        return days;
    }

    /** The ids of the rows that {@code batches} of the job hold now. */
    private static List<String> recordedRows(Connection c, long jobId, List<MessageBatch> batches) throws SQLException {
        List<String> rows = new ArrayList<>();
        List<Long> batchIds = batches.stream().map(MessageBatch::batchId).toList();
        for (List<Long> chunk : Jdbc.chunks(batchIds)) {
            rows.addAll(Jdbc.query(
                    c,
                    "SELECT message_id FROM message_tracking WHERE batch_id IN (" + Jdbc.placeholders(chunk.size())
                            + ") AND job_id = ?",
                    ps -> {
                        int p = 1;
                        for (long b : chunk) {
                            ps.setLong(p++, b);
                        }
                        ps.setLong(p, jobId);
                    },
                    rs -> rs.getString(1)));
        }
        return rows;
    }

    /**
     * Records the rejected messages as failures of the job (kept whole, keyed by the SHA-256 of the id). An id
     * rejected already by this job (a custom id field repeating a value) keeps its first row.
     */
    private static void insertRejected(Connection c, long jobId, List<RejectedMessage> rejected) throws SQLException {
        if (rejected.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO rejected_messages (job_id, id_sha256, message_id,"
                + " reason) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE reason = reason")) {
            for (RejectedMessage r : rejected) {
                ps.setLong(1, jobId);
                ps.setBytes(2, r.idSha256());
                ps.setBytes(3, r.messageId().getBytes(StandardCharsets.UTF_8));
                ps.setString(4, Jdbc.truncate(r.reason(), MySqlDatabase.REASON_LENGTH));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * The ids to track, split into never-tracked ones and rows to take over: those of a failed job that did
     * not complete (a rerun of the window exports only the remainder) and, for a re-export job, any other
     * job's rows. The rows are locked until the page commits. A message's row lies in its day, which lies in the
     * window: the lookup reads only the window's partitions.
     */
    private static Split untracked(Connection c, JobRun job, Set<String> ids) throws SQLException {
        Map<String, Boolean> takeable = new HashMap<>();
        List<String> all = List.copyOf(ids);
        for (List<String> chunk : Jdbc.chunks(all)) {
            try (PreparedStatement ps = c.prepareStatement("SELECT t.message_id, t.job_id, t.status, j.status"
                    + " FROM message_tracking t LEFT JOIN job_runs j ON j.job_id = t.job_id WHERE t.message_id IN ("
                    + Jdbc.placeholders(chunk.size()) + ") AND " + IN_WINDOW + " FOR UPDATE")) {
                int p = 1;
                for (String id : chunk) {
                    ps.setString(p++, id);
                }
                setWindow(ps, p, job.window());
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

    /**
     * The condition that keeps a lookup by id inside a window's days (and so inside its partitions): two parameters,
     * the window's start and end ({@link #setWindow}).
     */
    static final String IN_WINDOW = "t.message_date >= ? AND t.message_date < ?";

    /** Sets {@link #IN_WINDOW}'s two parameters from {@code index}; returns the next index. */
    static int setWindow(PreparedStatement ps, int index, ExportWindow window) throws SQLException {
        ps.setDate(index, Date.valueOf(window.start()));
        ps.setDate(index + 1, Date.valueOf(window.end()));
        return index + 2;
    }

    private record Split(List<String> fresh, Set<String> takeOver) {
        List<String> all() {
            List<String> out = new ArrayList<>(fresh);
            out.addAll(takeOver);
            return out;
        }
    }

    /**
     * New batches of the job for {@code ids}, {@code batchSize} ids each in order: one batched INSERT, the generated
     * ids read back in order. The caller's transaction points the rows at them.
     */
    static List<MessageBatch> createBatches(Connection c, long jobId, List<String> ids, int batchSize, Instant now)
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
                "INSERT INTO message_batches (job_id, size, status, created_at) VALUES (?, ?, 'created', ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            for (List<String> g : groups) {
                ps.setLong(1, jobId);
                ps.setInt(2, g.size());
                ps.setTimestamp(3, Timestamp.from(now));
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

    private static void insertRows(
            Connection c, JobRun job, List<MessageBatch> batches, Map<String, LocalDate> days, Set<String> takeOver)
            throws SQLException {
        if (batches.isEmpty()) {
            return;
        }
        // INSERT IGNORE: a message tracked meanwhile by someone else keeps its row ((message_id, message_date) is
        // unique, and a message has one day). A row taken over is found in the window's days and keeps its message
        // in the day the page read (a row migrated from before V5 may move from its window's first day to it).
        try (PreparedStatement insert = c.prepareStatement("INSERT IGNORE INTO message_tracking"
                        + " (message_id, message_date, batch_id, status, start_date, job_id)"
                        + " VALUES (?, ?, ?, 'pending', ?, ?)");
                PreparedStatement reset = c.prepareStatement("UPDATE message_tracking t SET batch_id = ?,"
                        + " status = 'pending', start_date = ?, job_id = ?, s3_path = NULL, attempts = 0,"
                        + " last_error = NULL, completed_at = NULL, lease_until = NULL, lease_token = NULL,"
                        + " message_date = ? WHERE message_id = ? AND " + IN_WINDOW)) {
            Date start = Date.valueOf(job.window().start());
            int inserts = 0;
            for (MessageBatch b : batches) {
                for (String id : b.messageIds()) {
                    PreparedStatement ps = takeOver.contains(id) ? reset : insert;
                    Date day = Date.valueOf(days.get(id));
                    if (ps == insert) {
                        ps.setString(1, id);
                        ps.setDate(2, day);
                        ps.setLong(3, b.batchId());
                        ps.setDate(4, start);
                        ps.setLong(5, job.jobId());
                        inserts++;
                    } else {
                        ps.setLong(1, b.batchId());
                        ps.setDate(2, start);
                        ps.setLong(3, job.jobId());
                        ps.setDate(4, day);
                        ps.setString(5, id);
                        setWindow(ps, 6, job.window());
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
    public List<MessageBatch> unsentBatches(long jobId, Instant now) {
        Map<Long, List<String>> byBatch = new LinkedHashMap<>();
        jdbc.query(
                        "read unsent batches of job " + jobId,
                        "SELECT b.batch_id, t.message_id FROM message_batches b"
                                + " LEFT JOIN message_tracking t ON t.batch_id = b.batch_id AND t.job_id = b.job_id"
                                + " WHERE b.job_id = ? AND b.status = 'created' ORDER BY b.batch_id, t.message_id",
                        ps -> ps.setLong(1, jobId),
                        rs -> new BatchRow(rs.getLong(1), rs.getString(2)))
                .forEach(row -> {
                    List<String> ids = byBatch.computeIfAbsent(row.batchId(), k -> new ArrayList<>());
                    if (row.messageId() != null) {
                        ids.add(row.messageId());
                    }
                });
        List<MessageBatch> out = new ArrayList<>();
        List<Long> empty = new ArrayList<>();
        byBatch.forEach((batchId, ids) -> {
            if (ids.isEmpty()) {
                empty.add(batchId);
            } else {
                out.add(new MessageBatch(jobId, batchId, ids));
            }
        });
        // every row of the batch went to another job meanwhile: nothing to send
        markDone(jdbc, empty, now);
        return out;
    }

    /**
     * A batch is stalled when a worker took some of its rows and left them: attempted rows pending again, or in
     * progress under an expired lease. A batch whose rows were never claimed is waiting in the queue's backlog (its
     * message is not lost: SQS keeps it until a worker receives it), and sending it again would only double the
     * backlog. A stalled batch is sent again with all its unsettled rows, claimed or not.
     */
    @Override
    public List<MessageBatch> stalled(long jobId, Instant stalledBefore, int limit) {
        Map<Long, List<String>> byBatch = new LinkedHashMap<>();
        Set<Long> attempted = new HashSet<>();
        jdbc.withConnection("read stalled batches of job " + jobId, c -> {
            Optional<ExportWindow> window = MySqlJobStore.window(c, jobId);
            if (window.isEmpty()) {
                return null;
            }
            Jdbc.query(
                            c,
                            "SELECT t.batch_id, t.message_id, t.attempts > 0 FROM message_tracking t"
                                    + " JOIN message_batches b ON b.batch_id = t.batch_id"
                                    + " WHERE t.job_id = ? AND " + IN_WINDOW
                                    + " AND b.status <> 'created' AND b.enqueued_at < ?"
                                    + " AND ((t.status = 'pending' AND (t.last_attempted IS NULL OR t.last_attempted < ?))"
                                    + " OR (t.status = 'in_progress' AND (t.lease_until IS NULL OR t.lease_until < ?)))"
                                    + " ORDER BY t.batch_id, t.message_id",
                            ps -> {
                                Timestamp before = Timestamp.from(stalledBefore);
                                int p = 1;
                                ps.setLong(p++, jobId);
                                p = setWindow(ps, p, window.get());
                                ps.setTimestamp(p++, before);
                                ps.setTimestamp(p++, before);
                                ps.setTimestamp(p, before);
                            },
                            rs -> new StalledRow(rs.getLong(1), rs.getString(2), rs.getBoolean(3)))
                    .forEach(row -> {
                        byBatch.computeIfAbsent(row.batchId(), k -> new ArrayList<>())
                                .add(row.messageId());
                        if (row.attempted()) {
                            attempted.add(row.batchId());
                        }
                    });
            return null;
        });
        return byBatch.entrySet().stream()
                .filter(e -> attempted.contains(e.getKey()))
                .limit(limit)
                .map(e -> new MessageBatch(jobId, e.getKey(), e.getValue()))
                .toList();
    }

    /** An unsettled row of a batch, and whether a worker ever took it. */
    private record StalledRow(long batchId, String messageId, boolean attempted) {}

    @Override
    public void markResent(List<Long> batchIds, Instant now) {
        if (batchIds.isEmpty()) {
            return;
        }
        jdbc.withConnection("mark batches resent", c -> {
            for (List<Long> chunk : Jdbc.chunks(batchIds)) {
                Jdbc.update(
                        c,
                        "UPDATE message_batches SET enqueued_at = ? WHERE batch_id IN ("
                                + Jdbc.placeholders(chunk.size()) + ")",
                        ps -> {
                            ps.setTimestamp(1, Timestamp.from(now));
                            for (int i = 0; i < chunk.size(); i++) {
                                ps.setLong(i + 2, chunk.get(i));
                            }
                        });
            }
            return null;
        });
    }

    /** A batch and one of its rows (none when the batch has no row of its job left). */
    private record BatchRow(long batchId, String messageId) {}

    @Override
    public void markEnqueued(List<Long> batchIds, Instant now) {
        setBatchStatus(jdbc, batchIds, "enqueued", "enqueued_at", now);
    }

    /**
     * Marks batches done at {@code now} (the workers' end of a batch, see {@link MySqlMessageLeases}): this
     * class owns the SQL on {@code message_batches}.
     */
    static void markDone(Jdbc jdbc, List<Long> batchIds, Instant now) {
        setBatchStatus(jdbc, batchIds, "done", "done_at", now);
    }

    /** Sets batches not done yet to {@code status}, stamping {@code timeColumn}. */
    private static void setBatchStatus(Jdbc jdbc, List<Long> batchIds, String status, String timeColumn, Instant now) {
        if (batchIds.isEmpty()) {
            return;
        }
        jdbc.withConnection("set batches " + status, c -> {
            for (List<Long> chunk : Jdbc.chunks(batchIds)) {
                Jdbc.update(
                        c,
                        "UPDATE message_batches SET status = ?, " + timeColumn + " = ? WHERE batch_id IN ("
                                + Jdbc.placeholders(chunk.size()) + ") AND status <> 'done'",
                        ps -> {
                            ps.setString(1, status);
                            ps.setTimestamp(2, Timestamp.from(now));
                            for (int i = 0; i < chunk.size(); i++) {
                                ps.setLong(i + 3, chunk.get(i));
                            }
                        });
            }
            return null;
        });
    }
}
