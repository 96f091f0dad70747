package org.messageexport.port;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.messageexport.domain.CompletenessProof;
import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.FailedWindow;
import org.messageexport.domain.JobKind;
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

    /**
     * The schedule's cursor: {@code next_run_date} of the scheduled job with the latest window that moved the
     * schedule (completed, or failed over its failure budget: its window is retried apart), if any. Manual and late
     * jobs never count (see {@link JobKind#advancesSchedule()}).
     */
    Optional<LocalDate> lastNextRunDate();

    /**
     * The windows of completed scheduled jobs that end on or after {@code since}, oldest first, each once: the
     * windows a late-arrival check counts again.
     */
    List<ExportWindow> completedScheduledWindowsSince(LocalDate since);

    /**
     * Windows whose most recent job failed and that no completed job covers, oldest window first (those waiting for
     * an operator included).
     */
    List<FailedWindow> failedWindows();

    /** Completed jobs whose window overlaps {@code window}. */
    List<ExportWindow> completedWindowsOverlapping(ExportWindow window);

    /**
     * A new running job of {@code window} owned by {@code executionId}. Its try number ({@code attempt}) is 1 + the
     * earlier jobs of the same window that failed over the failure budget.
     */
    JobRun create(ExportWindow window, JobKind kind, boolean reexport, String executionId, Instant now);

    /** Gives the running job to {@code executionId} if it is still owned by {@code previousOwner}. */
    boolean takeOver(long jobId, String previousOwner, String executionId, Instant now);

    /** Refreshes the owner's heartbeat; false when {@code executionId} no longer owns the running job. */
    boolean heartbeat(long jobId, String executionId, Instant now);

    /** Extraction read the whole window. False when {@code executionId} no longer owns the job. */
    boolean markExtractionDone(long jobId, String executionId, Instant now);

    /**
     * Ends a running job: status, counts, reason (null when completed), manifest key, and the next
     * window's start ({@code next_run_date}: set when a scheduled job moves the schedule past the window, completed
     * or failed over its budget; null otherwise), and the completeness proof (null when the job ends without one).
     * False when it was not running or is owned by another execution ({@code executionId} null = whoever owns it).
     */
    boolean finish(JobFinish finish);

    /** @param overBudget failed because more messages failed than the failure budget allows (a counted try) */
    record JobFinish(
            long jobId,
            String executionId,
            JobStatus status,
            String reason,
            long completed,
            long failed,
            String manifestKey,
            LocalDate nextRunDate,
            CompletenessProof proof,
            Instant now,
            boolean overBudget) {
        /** A job that ends without a verdict on its failure budget (an error, a completion). */
        public JobFinish(
                long jobId,
                String executionId,
                JobStatus status,
                String reason,
                long completed,
                long failed,
                String manifestKey,
                LocalDate nextRunDate,
                CompletenessProof proof,
                Instant now) {
            this(jobId, executionId, status, reason, completed, failed, manifestKey, nextRunDate, proof, now, false);
        }
    }
}
