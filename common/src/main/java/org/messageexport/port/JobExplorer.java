package org.messageexport.port;

import java.time.LocalDate;
import java.util.List;
import java.util.function.Consumer;
import org.messageexport.domain.JobRun;

/**
 * The job runs and their tracking rows as an operator reads them (Spring Batch's {@code JobExplorer}): never
 * changes anything. Thread-safe; each call reads one consistent moment.
 */
public interface JobExplorer {
    /** The latest {@code limit} jobs, newest first. */
    List<JobRun> recent(int limit);

    /** The jobs whose window holds {@code day} ({@code start_date <= day < end_date}), newest first. */
    List<JobRun> holding(LocalDate day);

    /**
     * Calls {@code path} with the {@code s3_path} of every completed row of the job, in message id order
     * (read in pages: a job of millions of rows is never held in memory).
     *
     * @return how many paths were passed
     */
    long forEachExportedPath(long jobId, Consumer<String> path);
}
