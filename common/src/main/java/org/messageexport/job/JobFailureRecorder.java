package org.messageexport.job;

import java.time.Clock;
import org.messageexport.domain.JobStatus;
import org.messageexport.domain.ProgressCounts;
import org.messageexport.port.JobSettlement;
import org.messageexport.port.JobStore;
import org.messageexport.port.JobStore.JobFinish;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records an uncaught error of the state machine as the failure of its job, if the execution still
 * owns it (an execution that lost its job to another must not fail the new owner's work). Rows stay as
 * they are: the next run of the window takes over what did not complete.
 */
public final class JobFailureRecorder {
    private static final Logger log = LoggerFactory.getLogger(JobFailureRecorder.class);

    private final JobStore jobs;
    private final JobSettlement settlement;
    private final Clock clock;

    public JobFailureRecorder(JobStore jobs, JobSettlement settlement, Clock clock) {
        this.jobs = jobs;
        this.settlement = settlement;
        this.clock = clock;
    }

    /** @return true when the job was marked failed */
    public boolean recordFailure(Long jobId, String executionId, String error, String cause) {
        if (jobId == null) {
            log.warn("execution {} failed before a job was planned: {}: {}", executionId, error, cause);
            return false;
        }
        String reason = (error == null ? "error" : error) + (cause == null || cause.isBlank() ? "" : ": " + cause);
        ProgressCounts counts = settlement.counts(jobId, clock.instant());
        boolean marked = executionId != null
                && jobs.finish(new JobFinish(
                        jobId,
                        executionId,
                        JobStatus.FAILED,
                        reason,
                        counts.completed(),
                        counts.failed() + settlement.rejectedCount(jobId),
                        null,
                        null,
                        null,
                        clock.instant()));
        log.warn(
                "job {} {} by execution {}: {}",
                jobId,
                marked ? "marked failed" : "left as it is (not owned)",
                executionId,
                reason);
        return marked;
    }
}
