package org.messageexport.port;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.JobStatus;

/**
 * The job runs ({@code job_runs}). Thread-safe. Methods that take an execution id change a job only
 * while that execution owns it, and say so by their result.
 */
public interface JobStore {
    /** Runs {@code work} while holding a lock that serializes planners across processes. */
    <T> T underPlanningLock(Supplier<T> work);

    /** The job in status running, if any (there is at most one). */
    Optional<JobRun> findRunning();

    Optional<JobRun> find(long jobId);

    /** The most recently created job, if any. */
    Optional<JobRun> latest();

    /** {@code next_run_date} of the completed job with the latest window, if any job completed. */
    Optional<LocalDate> lastNextRunDate();

    /** Completed jobs whose window overlaps {@code window}. */
    List<ExportWindow> completedWindowsOverlapping(ExportWindow window);

    JobRun create(ExportWindow window, boolean reexport, String executionId, Instant now);

    /** Gives the running job to {@code executionId} if it is still owned by {@code previousOwner}. */
    boolean takeOver(long jobId, String previousOwner, String executionId, Instant now);

    /** Refreshes the owner's heartbeat; false when {@code executionId} no longer owns the running job. */
    boolean heartbeat(long jobId, String executionId, Instant now);

    /** Extraction read the whole window. False when {@code executionId} no longer owns the job. */
    boolean markExtractionDone(long jobId, String executionId, Instant now);

    /**
     * Ends a running job: status, counts, reason (null when completed), manifest key, and the next
     * window's start ({@code next_run_date}, null when failed). False when it was not running or is owned by
     * another execution ({@code executionId} null = whoever owns it).
     */
    boolean finish(JobFinish finish);

    record JobFinish(
            long jobId,
            String executionId,
            JobStatus status,
            String reason,
            long completed,
            long failed,
            String manifestKey,
            LocalDate nextRunDate,
            Instant now) {}
}
