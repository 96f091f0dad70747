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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.ExtractionCursor;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.JobStatus;
import org.messageexport.port.JobStore;

/** {@link JobStore} on MySQL 8 / MariaDB. */
public final class MySqlJobStore implements JobStore {
    private static final String PLANNING_LOCK = "message_export.plan";
    private static final int PLANNING_LOCK_WAIT_SECONDS = 30;
    private static final String COLUMNS =
            "job_id, start_date, end_date, status, reexport, execution_id, heartbeat_at, created_at,"
                    + " pit_id, search_after, extraction_done, extracted_count, batch_count, completed_count, failed_count, failure_reason,"
                    + " manifest_key";
    static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource dataSource;

    public MySqlJobStore(DataSource dataSource) {
        this.dataSource = dataSource;
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
            throw SqlErrors.translate("planning lock", e);
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
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT next_run_date FROM job_runs WHERE status = 'completed'"
                                + " AND next_run_date IS NOT NULL ORDER BY end_date DESC, job_id DESC LIMIT 1");
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(rs.getDate(1).toLocalDate()) : Optional.empty();
        } catch (SQLException e) {
            throw SqlErrors.translate("read last completed job", e);
        }
    }

    @Override
    public List<ExportWindow> completedWindowsOverlapping(ExportWindow window) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT start_date, end_date FROM job_runs WHERE status = 'completed'"
                                + " AND start_date < ? AND end_date > ? ORDER BY start_date")) {
            ps.setDate(1, Date.valueOf(window.end()));
            ps.setDate(2, Date.valueOf(window.start()));
            List<ExportWindow> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ExportWindow(
                            rs.getDate(1).toLocalDate(), rs.getDate(2).toLocalDate()));
                }
            }
            return out;
        } catch (SQLException e) {
            throw SqlErrors.translate("read completed windows", e);
        }
    }

    @Override
    public JobRun create(ExportWindow window, boolean reexport, String executionId, Instant now) {
        long id = insert(window, reexport, executionId, now);
        return find(id).orElseThrow();
    }

    // The planner already holds a connection for its lock: never take two at once here.
    private long insert(ExportWindow window, boolean reexport, String executionId, Instant now) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO job_runs (start_date, end_date, status, reexport, execution_id,"
                                + " heartbeat_at, created_at) VALUES (?, ?, 'running', ?, ?, ?, ?)",
                        Statement.RETURN_GENERATED_KEYS)) {
            ps.setDate(1, Date.valueOf(window.start()));
            ps.setDate(2, Date.valueOf(window.end()));
            ps.setBoolean(3, reexport);
            ps.setString(4, executionId);
            ps.setTimestamp(5, Timestamp.from(now));
            ps.setTimestamp(6, Timestamp.from(now));
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        } catch (SQLException e) {
            throw SqlErrors.translate("create job", e);
        }
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
                        + " next_run_date = ?, finished_at = ?, pit_id = NULL WHERE job_id = ? AND status = 'running'"
                        + (f.executionId() == null ? "" : " AND execution_id = ?");
        return update(sql, ps -> {
                    ps.setString(1, f.status().name().toLowerCase(Locale.ROOT));
                    ps.setString(2, truncate(f.reason(), 1000));
                    ps.setLong(3, f.completed());
                    ps.setLong(4, f.failed());
                    ps.setString(5, f.manifestKey());
                    ps.setDate(6, f.nextRunDate() == null ? null : Date.valueOf(f.nextRunDate()));
                    ps.setTimestamp(7, Timestamp.from(f.now()));
                    ps.setLong(8, f.jobId());
                    if (f.executionId() != null) {
                        ps.setString(9, f.executionId());
                    }
                })
                == 1;
    }

    static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private int update(String sql, Binder binder) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlErrors.translate("update job", e);
        }
    }

    private List<JobRun> query(String sql, Binder binder) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            List<JobRun> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(jobRun(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw SqlErrors.translate("read jobs", e);
        }
    }

    private static JobRun jobRun(ResultSet rs) throws SQLException {
        Timestamp heartbeat = rs.getTimestamp("heartbeat_at");
        Timestamp created = rs.getTimestamp("created_at");
        return new JobRun(
                rs.getLong("job_id"),
                new ExportWindow(
                        rs.getDate("start_date").toLocalDate(),
                        rs.getDate("end_date").toLocalDate()),
                JobStatus.valueOf(rs.getString("status").toUpperCase(Locale.ROOT)),
                rs.getBoolean("reexport"),
                rs.getString("execution_id"),
                heartbeat == null ? null : heartbeat.toInstant(),
                created == null ? null : created.toInstant(),
                new ExtractionCursor(rs.getString("pit_id"), readSortValues(rs.getString("search_after"))),
                rs.getBoolean("extraction_done"),
                rs.getLong("extracted_count"),
                rs.getLong("batch_count"),
                "running".equals(rs.getString("status"))
                        ? null
                        : new JobRun.JobOutcome(
                                rs.getLong("completed_count"),
                                rs.getLong("failed_count"),
                                rs.getString("failure_reason"),
                                rs.getString("manifest_key")));
    }

    static List<Object> readSortValues(String json) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readValue(json, new TypeReference<List<Object>>() {});
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("job_runs.search_after is not a JSON array: " + json, e);
        }
    }

    static String writeSortValues(List<Object> values) {
        try {
            return values == null ? null : JSON.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("sort values are not JSON-serializable: " + values, e);
        }
    }
}
