package org.messageexport.adapter.mysql;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.messageexport.domain.ExportWindow;
import org.messageexport.port.MessageLeases;

/** {@link MessageLeases} on MySQL 8 / MariaDB: one batched statement per kind of result, IN lists of at most {@value Jdbc#IN_CHUNK}. */
public final class MySqlMessageLeases implements MessageLeases {
    private final Jdbc jdbc;

    public MySqlMessageLeases(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    @Override
    public Claim claimBatch(long jobId, List<String> messageIds, String leaseToken, Instant now, Instant leaseUntil) {
        if (messageIds.isEmpty()) {
            return new Claim(List.of(), 0);
        }
        List<String> ids = List.copyOf(new LinkedHashSet<>(messageIds));
        return jdbc.withConnection("claim messages of job " + jobId, c -> {
            // the job's rows lie in its window's days: the statements read only those partitions
            Optional<ExportWindow> window = MySqlJobStore.window(c, jobId);
            if (window.isEmpty()) {
                return new Claim(List.of(), 0);
            }
            List<String> claimed = new ArrayList<>(ids.size());
            int heldByOthers = 0;
            for (List<String> chunk : Jdbc.chunks(ids)) {
                String in = Jdbc.placeholders(chunk.size());
                // The claim is a lease: a worker that dies (Lambda timeout) leaves rows that the next delivery may
                // take.
                Jdbc.update(
                        c,
                        "UPDATE message_tracking t SET status = 'in_progress',"
                                + " attempts = attempts + 1, last_attempted = ?, lease_until = ?, lease_token = ?"
                                + " WHERE job_id = ? AND message_id IN (" + in
                                + ") AND " + MySqlBatchOutbox.IN_WINDOW
                                + " AND (status IN ('pending', 'failed')"
                                + " OR (status = 'in_progress' AND (lease_until IS NULL OR lease_until < ?)))",
                        ps -> {
                            int p = 1;
                            ps.setTimestamp(p++, Timestamp.from(now));
                            ps.setTimestamp(p++, Timestamp.from(leaseUntil));
                            ps.setString(p++, leaseToken);
                            ps.setLong(p++, jobId);
                            for (String id : chunk) {
                                ps.setString(p++, id);
                            }
                            p = MySqlBatchOutbox.setWindow(ps, p, window.get());
                            ps.setTimestamp(p, Timestamp.from(now));
                        });
                claimed.addAll(Jdbc.query(
                        c,
                        "SELECT message_id FROM message_tracking t WHERE message_id IN (" + in + ") AND "
                                + MySqlBatchOutbox.IN_WINDOW + " AND lease_token = ?",
                        ps -> {
                            int p = 1;
                            for (String id : chunk) {
                                ps.setString(p++, id);
                            }
                            p = MySqlBatchOutbox.setWindow(ps, p, window.get());
                            ps.setString(p, leaseToken);
                        },
                        rs -> rs.getString(1)));
                // a row under someone else's live lease is not settled yet: its claimant may still die
                heldByOthers += Jdbc.query(
                                c,
                                "SELECT COUNT(*) FROM message_tracking t WHERE job_id = ? AND message_id IN (" + in
                                        + ") AND " + MySqlBatchOutbox.IN_WINDOW
                                        + " AND status = 'in_progress' AND lease_token <> ? AND lease_until >= ?",
                                ps -> {
                                    int p = 1;
                                    ps.setLong(p++, jobId);
                                    for (String id : chunk) {
                                        ps.setString(p++, id);
                                    }
                                    p = MySqlBatchOutbox.setWindow(ps, p, window.get());
                                    ps.setString(p++, leaseToken);
                                    ps.setTimestamp(p, Timestamp.from(now));
                                },
                                rs -> rs.getInt(1))
                        .getFirst();
            }
            return new Claim(claimed, heldByOthers);
        });
    }

    @Override
    public int complete(String leaseToken, List<ExportedMessage> exported, Instant now) {
        return complete(Optional.empty(), leaseToken, exported, now);
    }

    @Override
    public int complete(long jobId, String leaseToken, List<ExportedMessage> exported, Instant now) {
        return exported.isEmpty() ? 0 : complete(window(jobId), leaseToken, exported, now);
    }

    /** Completes the rows, searched in {@code window}'s days when known (one partition a day), else in every day. */
    private int complete(
            Optional<ExportWindow> window, String leaseToken, List<ExportedMessage> exported, Instant now) {
        return jdbc.batchUpdate(
                "complete messages",
                "UPDATE message_tracking t SET status = 'completed', s3_path = ?, completed_at = ?,"
                        + " last_error = NULL, lease_until = NULL, lease_token = NULL WHERE message_id = ?"
                        + " AND lease_token = ?" + (window.isPresent() ? " AND " + MySqlBatchOutbox.IN_WINDOW : ""),
                exported,
                (ps, m) -> {
                    ps.setString(1, m.objectKey());
                    ps.setTimestamp(2, Timestamp.from(now));
                    ps.setString(3, m.messageId());
                    ps.setString(4, leaseToken);
                    if (window.isPresent()) {
                        MySqlBatchOutbox.setWindow(ps, 5, window.get());
                    }
                });
    }

    @Override
    public int fail(String leaseToken, List<MessageError> errors) {
        return settleWithError("failed", Optional.empty(), leaseToken, errors);
    }

    @Override
    public int release(String leaseToken, List<MessageError> errors) {
        return settleWithError("pending", Optional.empty(), leaseToken, errors);
    }

    @Override
    public int fail(long jobId, String leaseToken, List<MessageError> errors) {
        return errors.isEmpty() ? 0 : settleWithError("failed", window(jobId), leaseToken, errors);
    }

    @Override
    public int release(long jobId, String leaseToken, List<MessageError> errors) {
        return errors.isEmpty() ? 0 : settleWithError("pending", window(jobId), leaseToken, errors);
    }

    private int settleWithError(
            String status, Optional<ExportWindow> window, String leaseToken, List<MessageError> errors) {
        return jdbc.batchUpdate(
                "mark messages " + status,
                "UPDATE message_tracking t SET status = '" + status + "', last_error = ?,"
                        + " lease_until = NULL, lease_token = NULL WHERE message_id = ? AND lease_token = ?"
                        + (window.isPresent() ? " AND " + MySqlBatchOutbox.IN_WINDOW : ""),
                errors,
                (ps, m) -> {
                    ps.setString(1, Jdbc.truncate(m.reason(), MySqlDatabase.REASON_LENGTH));
                    ps.setString(2, m.messageId());
                    ps.setString(3, leaseToken);
                    if (window.isPresent()) {
                        MySqlBatchOutbox.setWindow(ps, 4, window.get());
                    }
                });
    }

    /** The job's window (its rows' days), empty for an unknown job (then every day is searched). */
    private Optional<ExportWindow> window(long jobId) {
        return jdbc.withConnection("read the window of job " + jobId, c -> MySqlJobStore.window(c, jobId));
    }

    @Override
    public Map<String, String> completedPaths(long jobId, List<String> messageIds) {
        if (messageIds.isEmpty()) {
            return Map.of();
        }
        List<String> ids = List.copyOf(new LinkedHashSet<>(messageIds));
        return jdbc.withConnection("read completed rows of job " + jobId, c -> {
            Map<String, String> paths = new HashMap<>();
            Optional<ExportWindow> window = MySqlJobStore.window(c, jobId);
            if (window.isEmpty()) {
                return paths;
            }
            for (List<String> chunk : Jdbc.chunks(ids)) {
                Jdbc.query(
                                c,
                                "SELECT message_id, s3_path FROM message_tracking t WHERE job_id = ? AND message_id IN ("
                                        + Jdbc.placeholders(chunk.size()) + ") AND " + MySqlBatchOutbox.IN_WINDOW
                                        + " AND status = 'completed'",
                                ps -> {
                                    int p = 1;
                                    ps.setLong(p++, jobId);
                                    for (String id : chunk) {
                                        ps.setString(p++, id);
                                    }
                                    MySqlBatchOutbox.setWindow(ps, p, window.get());
                                },
                                rs -> Map.entry(rs.getString(1), rs.getString(2)))
                        .forEach(e -> paths.put(e.getKey(), e.getValue()));
            }
            return paths;
        });
    }

    @Override
    public void markBatchDone(long batchId, Instant now) {
        MySqlBatchOutbox.markDone(jdbc, List.of(batchId), now);
    }
}
