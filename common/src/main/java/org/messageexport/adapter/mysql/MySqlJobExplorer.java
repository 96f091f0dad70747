package org.messageexport.adapter.mysql;

import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.messageexport.domain.JobRun;
import org.messageexport.port.JobExplorer;

/** {@link JobExplorer} on MySQL 8 / MariaDB: reads only; the rows of a job in pages of {@value #PAGE} by message id. */
public final class MySqlJobExplorer implements JobExplorer {
    static final int PAGE = 5_000;

    private final Jdbc jdbc;

    public MySqlJobExplorer(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    @Override
    public List<JobRun> recent(int limit) {
        return jdbc.query(
                "read recent jobs",
                "SELECT " + MySqlJobStore.COLUMNS + " FROM job_runs ORDER BY job_id DESC LIMIT ?",
                ps -> ps.setInt(1, limit),
                MySqlJobStore::jobRun);
    }

    @Override
    public List<JobRun> holding(LocalDate day) {
        return jdbc.query(
                "read the jobs of " + day,
                "SELECT " + MySqlJobStore.COLUMNS
                        + " FROM job_runs WHERE start_date <= ? AND end_date > ? ORDER BY job_id DESC",
                ps -> {
                    ps.setDate(1, Date.valueOf(day));
                    ps.setDate(2, Date.valueOf(day));
                },
                MySqlJobStore::jobRun);
    }

    @Override
    public long forEachExportedPath(long jobId, Consumer<String> path) {
        long passed = 0;
        String after = "";
        while (true) {
            String from = after;
            List<String[]> page = jdbc.query(
                    "read exported paths of job " + jobId,
                    "SELECT message_id, s3_path FROM message_tracking WHERE job_id = ? AND status = 'completed'"
                            + " AND message_id > ? ORDER BY message_id LIMIT ?",
                    ps -> {
                        ps.setLong(1, jobId);
                        ps.setString(2, from);
                        ps.setInt(3, PAGE);
                    },
                    rs -> new String[] {rs.getString(1), rs.getString(2)});
            for (String[] row : page) {
                path.accept(row[1]);
            }
            passed += page.size();
            if (page.size() < PAGE) {
                return passed;
            }
            after = page.getLast()[0];
        }
    }
}
