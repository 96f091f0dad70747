package org.messageexport.adapter.mysql;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.messageexport.domain.CompletenessProof;
import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.ExtractionCursor;
import org.messageexport.domain.FailedWindow;
import org.messageexport.domain.JobKind;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.JobStatus;
import org.messageexport.domain.PageAccount;
import org.messageexport.port.JobStore;

/**
 * {@link JobStore} on MySQL 8 / MariaDB, and the one owner of the SQL on {@code job_runs}: the other adapters
 * lock the job and save its checkpoint through {@link #lockOwnedRunningJob} and {@link #saveCheckpoint}.
 */
public final class MySqlJobStore implements JobStore {
    private static final String PLANNING_LOCK = "message_export.plan";
    private static final int PLANNING_LOCK_WAIT_SECONDS = 30;
    static final String COLUMNS =
            "job_id, start_date, end_date, status, kind, reexport, execution_id, heartbeat_at, created_at,"
                    + " pit_id, search_after, extraction_done, extracted_count, batch_count, already_tracked_count, rejected_count, completed_count, failed_count, failure_reason,"
                    + " manifest_key, verdict, index_count, tracked_count";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource dataSource;
    private final Jdbc jdbc;

    public MySqlJobStore(DataSource dataSource) {
        this.dataSource = dataSource;
        this.jdbc = new Jdbc(dataSource);
    }

    @Override
    public <T> T underPlanningLock(Supplier<T> work) {
        // A named lock, not a row lock: there may be no row to lock yet when two planners race to create one.
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT GET_LOCK(?, ?)")) {
                ps.setString(1, PLANNING_LOCK);
                ps.setInt(2, PLANNING_LOCK_WAIT_SECONDS);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || rs.getInt(1) != 1) {
                        throw new IllegalStateException(
                                "another planner held the planning lock for " + PLANNING_LOCK_WAIT_SECONDS + " s");
                    }
                }
            }
            try {
                return work.get();
            } finally {
                try (PreparedStatement ps = c.prepareStatement("SELECT RELEASE_LOCK(?)")) {
                    ps.setString(1, PLANNING_LOCK);
                    ps.executeQuery().close();
                }
            }
        } catch (SQLException e) {
            throw Jdbc.translate("planning lock", e);
        }
    }

    @Override
    public Optional<JobRun> findRunning() {
        List<JobRun> jobs =
                query("SELECT " + COLUMNS + " FROM job_runs WHERE status = 'running' ORDER BY job_id", ps -> {});
        return jobs.isEmpty() ? Optional.empty() : Optional.of(jobs.getFirst());
    }

    @Override
    public Optional<JobRun> find(long jobId) {
        return query("SELECT " + COLUMNS + " FROM job_runs WHERE job_id = ?", ps -> ps.setLong(1, jobId)).stream()
                .findFirst();
    }

    @Override
    public Optional<JobRun> latest() {
        return query("SELECT " + COLUMNS + " FROM job_runs ORDER BY job_id DESC LIMIT 1", ps -> {}).stream()
                .findFirst();
    }

    @Override
    public Optional<LocalDate> lastNextRunDate() {
        return jdbc
                .query(
                        "read last completed job",
                        "SELECT next_run_date FROM job_runs WHERE status IN ('completed', 'failed') AND kind = 'scheduled'"
                                + " AND next_run_date IS NOT NULL ORDER BY end_date DESC, job_id DESC LIMIT 1",
                        ps -> {},
                        rs -> rs.getDate(1).toLocalDate())
                .stream()
                .findFirst();
    }

    @Override
    public List<ExportWindow> completedScheduledWindowsSince(LocalDate since) {
        return jdbc.query(
                "read recent scheduled windows",
                "SELECT DISTINCT start_date, end_date FROM job_runs WHERE status = 'completed' AND kind = 'scheduled'"
                        + " AND end_date >= ? ORDER BY start_date, end_date",
                ps -> ps.setDate(1, Date.valueOf(since)),
                rs -> new ExportWindow(
                        rs.getDate(1).toLocalDate(), rs.getDate(2).toLocalDate()));
    }

    @Override
    public List<FailedWindow> failedWindows() {
        // the latest job of each window (no later job of the same window), failed, and no completed job covering it
        return jdbc.query(
                "read failed windows",
                "SELECT j.job_id, j.start_date, j.end_date, j.kind, j.reexport, j.execution_id, j.attempt,"
                        + " j.over_budget, j.failure_reason FROM job_runs j WHERE j.status = 'failed'"
                        + " AND NOT EXISTS (SELECT 1 FROM job_runs l WHERE l.start_date = j.start_date"
                        + " AND l.end_date = j.end_date AND l.job_id > j.job_id)"
                        + " AND NOT EXISTS (SELECT 1 FROM job_runs c WHERE c.status = 'completed'"
                        + " AND c.start_date <= j.start_date AND c.end_date >= j.end_date)"
                        + " ORDER BY j.start_date, j.end_date",
                ps -> {},
                rs -> new FailedWindow(
                        rs.getLong(1),
                        new ExportWindow(
                                rs.getDate(2).toLocalDate(), rs.getDate(3).toLocalDate()),
                        JobKind.ofDbValue(rs.getString(4)),
                        rs.getBoolean(5),
                        rs.getString(6),
                        rs.getInt(7),
                        rs.getBoolean(8),
                        rs.getString(9)));
    }

    @Override
    public List<ExportWindow> completedWindowsOverlapping(ExportWindow window) {
        return jdbc.query(
                "read completed windows",
                "SELECT start_date, end_date FROM job_runs WHERE status = 'completed'"
                        + " AND start_date < ? AND end_date > ? ORDER BY start_date",
                ps -> {
                    ps.setDate(1, Date.valueOf(window.end()));
                    ps.setDate(2, Date.valueOf(window.start()));
                },
                rs -> new ExportWindow(
                        rs.getDate(1).toLocalDate(), rs.getDate(2).toLocalDate()));
    }

    @Override
    public JobRun create(ExportWindow window, JobKind kind, boolean reexport, String executionId, Instant now) {
        long id = insert(window, kind, reexport, executionId, now);
        return find(id).orElseThrow();
    }

    // The planner already holds a connection for its lock: never take two at once here.
    private long insert(ExportWindow window, JobKind kind, boolean reexport, String executionId, Instant now) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO job_runs (start_date, end_date, status, kind, reexport, execution_id,"
                                + " heartbeat_at, created_at, attempt) VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?)",
                        Statement.RETURN_GENERATED_KEYS)) {
            ps.setDate(1, Date.valueOf(window.start()));
            ps.setDate(2, Date.valueOf(window.end()));
            ps.setString(3, kind.dbValue());
            ps.setBoolean(4, reexport);
            ps.setString(5, executionId);
            ps.setTimestamp(6, Timestamp.from(now));
            ps.setTimestamp(7, Timestamp.from(now));
            ps.setInt(8, 1 + overBudgetTries(c, window));
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        } catch (SQLException e) {
            throw Jdbc.translate("create job", e);
        }
    }

    private static int overBudgetTries(Connection c, ExportWindow window) throws SQLException {
        return Jdbc.query(
                        c,
                        "SELECT COUNT(*) FROM job_runs WHERE start_date = ? AND end_date = ? AND over_budget",
                        ps -> {
                            ps.setDate(1, Date.valueOf(window.start()));
                            ps.setDate(2, Date.valueOf(window.end()));
                        },
                        rs -> rs.getInt(1))
                .getFirst();
    }

    @Override
    public boolean takeOver(long jobId, String previousOwner, String executionId, Instant now) {
        return update(
                        "UPDATE job_runs SET execution_id = ?, heartbeat_at = ? WHERE job_id = ? AND status = 'running'"
                                + " AND (execution_id <=> ?)",
                        ps -> {
                            ps.setString(1, executionId);
                            ps.setTimestamp(2, Timestamp.from(now));
                            ps.setLong(3, jobId);
                            ps.setString(4, previousOwner);
                        })
                == 1;
    }

    @Override
    public boolean heartbeat(long jobId, String executionId, Instant now) {
        return update(
                        "UPDATE job_runs SET heartbeat_at = ? WHERE job_id = ? AND status = 'running' AND execution_id = ?",
                        ps -> {
                            ps.setTimestamp(1, Timestamp.from(now));
                            ps.setLong(2, jobId);
                            ps.setString(3, executionId);
                        })
                == 1;
    }

    @Override
    public boolean markExtractionDone(long jobId, String executionId, Instant now) {
        return update(
                        "UPDATE job_runs SET extraction_done = TRUE, pit_id = NULL, heartbeat_at = ?"
                                + " WHERE job_id = ? AND status = 'running' AND execution_id = ?",
                        ps -> {
                            ps.setTimestamp(1, Timestamp.from(now));
                            ps.setLong(2, jobId);
                            ps.setString(3, executionId);
                        })
                == 1;
    }

    @Override
    public boolean finish(JobFinish f) {
        String sql =
                "UPDATE job_runs SET status = ?, failure_reason = ?, completed_count = ?, failed_count = ?, manifest_key = ?,"
                        + " next_run_date = ?, finished_at = ?, pit_id = NULL, index_count = ?, tracked_count = ?,"
                        + " verdict = ?, over_budget = ? WHERE job_id = ? AND status = 'running'"
                        + (f.executionId() == null ? "" : " AND execution_id = ?");
        return update(sql, ps -> {
                    ps.setString(1, f.status().name().toLowerCase(Locale.ROOT));
                    ps.setString(2, Jdbc.truncate(f.reason(), MySqlDatabase.REASON_LENGTH));
                    ps.setLong(3, f.completed());
                    ps.setLong(4, f.failed());
                    ps.setString(5, f.manifestKey());
                    ps.setDate(6, f.nextRunDate() == null ? null : Date.valueOf(f.nextRunDate()));
                    ps.setTimestamp(7, Timestamp.from(f.now()));
                    CompletenessProof proof = f.proof();
                    ps.setObject(8, proof == null ? null : proof.indexCount(), java.sql.Types.BIGINT);
                    ps.setObject(9, proof == null ? null : proof.rows().tracked(), java.sql.Types.BIGINT);
                    ps.setString(10, proof == null ? null : proof.verdict().dbValue());
                    ps.setBoolean(11, f.overBudget());
                    ps.setLong(12, f.jobId());
                    if (f.executionId() != null) {
                        ps.setString(13, f.executionId());
                    }
                })
                == 1;
    }

    /** The window of a job, empty when there is no such job (the tracking adapters search a job's rows in it). */
    static Optional<ExportWindow> window(Connection c, long jobId) throws SQLException {
        return Jdbc.query(
                        c,
                        "SELECT start_date, end_date FROM job_runs WHERE job_id = ? AND end_date IS NOT NULL",
                        ps -> ps.setLong(1, jobId),
                        rs -> new ExportWindow(
                                rs.getDate(1).toLocalDate(), rs.getDate(2).toLocalDate()))
                .stream()
                .findFirst();
    }

    /**
     * The windows whose tracking rows are still needed whatever their age: a running job's, and a failed job's that no
     * later completed job covers (the next run redoes it from its rows).
     */
    static List<ExportWindow> unsettledWindows(Connection c) throws SQLException {
        return Jdbc.query(
                c,
                "SELECT j.start_date, COALESCE(j.end_date, j.start_date + INTERVAL 1 DAY) FROM job_runs j"
                        + " WHERE j.status = 'running' OR (j.status = 'failed' AND NOT EXISTS (SELECT 1 FROM job_runs k"
                        + " WHERE k.status = 'completed' AND k.job_id > j.job_id AND k.start_date <= j.start_date"
                        + " AND k.end_date >= j.end_date))",
                ps -> {},
                rs -> new ExportWindow(
                        rs.getDate(1).toLocalDate(), rs.getDate(2).toLocalDate()));
    }

    /**
     * Locks the job's row for the rest of {@code c}'s transaction if {@code executionId} owns the running job:
     * a takeover then waits for that transaction to commit. False (nothing locked) when it does not own it.
     */
    static boolean lockOwnedRunningJob(Connection c, long jobId, String executionId) throws SQLException {
        return !Jdbc.query(
                        c,
                        "SELECT job_id FROM job_runs WHERE job_id = ? AND status = 'running' AND execution_id = ? FOR UPDATE",
                        ps -> {
                            ps.setLong(1, jobId);
                            ps.setString(2, executionId);
                        },
                        rs -> rs.getLong(1))
                .isEmpty();
    }

    /**
     * Saves, in {@code c}'s transaction, the checkpoint a restart reads: the cursor after a recorded page, what
     * the page added to the job's counters (ids recorded, tracked already, rejected; batches), and the owner's
     * heartbeat.
     */
    static void saveCheckpoint(
            Connection c, long jobId, ExtractionCursor next, PageAccount page, long addedBatches, Instant now)
            throws SQLException {
        Jdbc.update(
                c,
                "UPDATE job_runs SET pit_id = ?, search_after = ?, extracted_count = extracted_count + ?,"
                        + " already_tracked_count = already_tracked_count + ?, rejected_count = rejected_count + ?,"
                        + " batch_count = batch_count + ?, heartbeat_at = ? WHERE job_id = ?",
                ps -> {
                    ps.setString(1, next.pointInTime());
                    ps.setString(2, writeSortValues(next.searchAfter()));
                    ps.setLong(3, page.recorded());
                    ps.setLong(4, page.alreadyTracked());
                    ps.setLong(5, page.rejected());
                    ps.setLong(6, addedBatches);
                    ps.setTimestamp(7, Timestamp.from(now));
                    ps.setLong(8, jobId);
                });
    }

    private int update(String sql, Jdbc.Binder binder) {
        return jdbc.update("update job", sql, binder);
    }

    private List<JobRun> query(String sql, Jdbc.Binder binder) {
        return jdbc.query("read jobs", sql, binder, MySqlJobStore::jobRun);
    }

    static JobRun jobRun(ResultSet rs) throws SQLException {
        Timestamp heartbeat = rs.getTimestamp("heartbeat_at");
        Timestamp created = rs.getTimestamp("created_at");
        return new JobRun(
                rs.getLong("job_id"),
                new ExportWindow(
                        rs.getDate("start_date").toLocalDate(),
                        rs.getDate("end_date").toLocalDate()),
                JobStatus.valueOf(rs.getString("status").toUpperCase(Locale.ROOT)),
                JobKind.ofDbValue(rs.getString("kind")),
                rs.getBoolean("reexport"),
                rs.getString("execution_id"),
                heartbeat == null ? null : heartbeat.toInstant(),
                created == null ? null : created.toInstant(),
                new ExtractionCursor(rs.getString("pit_id"), readSortValues(rs.getString("search_after"))),
                rs.getBoolean("extraction_done"),
                rs.getLong("extracted_count"),
                rs.getLong("batch_count"),
                rs.getLong("already_tracked_count"),
                rs.getLong("rejected_count"),
                "running".equals(rs.getString("status"))
                        ? null
                        : new JobRun.JobOutcome(
                                rs.getLong("completed_count"),
                                rs.getLong("failed_count"),
                                rs.getString("failure_reason"),
                                rs.getString("manifest_key"),
                                rs.getString("verdict") == null
                                        ? null
                                        : CompletenessProof.Verdict.valueOf(
                                                rs.getString("verdict").toUpperCase(Locale.ROOT)),
                                rs.getObject("index_count", Long.class),
                                rs.getObject("tracked_count", Long.class)));
    }

    private static List<Object> readSortValues(String json) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readValue(json, new TypeReference<List<Object>>() {});
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("job_runs.search_after is not a JSON array: " + json, e);
        }
    }

    private static String writeSortValues(List<Object> values) {
        try {
            return values == null ? null : JSON.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("sort values are not JSON-serializable: " + values, e);
        }
    }
}
