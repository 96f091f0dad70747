package org.messageexport.adapter.mysql;

import java.sql.Date;
import java.util.List;
import javax.sql.DataSource;
import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.TrackedCounts;
import org.messageexport.port.WindowTracking;

/** {@link WindowTracking} on MySQL 8 / MariaDB: one statement, on the index {@code (message_date, status)}. */
public final class MySqlWindowTracking implements WindowTracking {
    private final Jdbc jdbc;

    public MySqlWindowTracking(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    /**
     * The rows by their message's day, plus the ids that could not be tracked ({@code rejected_messages}, failed
     * with their reason) of the jobs whose window lies within {@code window}, each id once: every job of a window
     * reads all its ids again, so the window's own jobs have rejected each of them.
     */
    @Override
    public TrackedCounts counts(ExportWindow window) {
        List<TrackedCounts> rows = jdbc.query(
                "count tracking rows of " + window,
                "SELECT COUNT(*), COALESCE(SUM(status = 'completed'), 0), COALESCE(SUM(status = 'failed'), 0),"
                        + " (SELECT COUNT(DISTINCT r.id_sha256) FROM rejected_messages r JOIN job_runs j"
                        + " ON j.job_id = r.job_id WHERE j.start_date >= ? AND j.end_date <= ?)"
                        + " FROM message_tracking WHERE message_date >= ? AND message_date < ?",
                ps -> {
                    ps.setDate(1, Date.valueOf(window.start()));
                    ps.setDate(2, Date.valueOf(window.end()));
                    ps.setDate(3, Date.valueOf(window.start()));
                    ps.setDate(4, Date.valueOf(window.end()));
                },
                rs -> new TrackedCounts(rs.getLong(1) + rs.getLong(4), rs.getLong(2), rs.getLong(3) + rs.getLong(4)));
        return rows.isEmpty() ? TrackedCounts.NONE : rows.getFirst();
    }
}
