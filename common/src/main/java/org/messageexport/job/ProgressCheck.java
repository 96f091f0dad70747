package org.messageexport.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.messageexport.config.JobSettings;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.ProgressCounts;
import org.messageexport.observability.Metrics;
import org.messageexport.port.JobOwnershipLostException;
import org.messageexport.port.JobStore;
import org.messageexport.port.TrackingStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts a job's rows by status and says whether the workers are done. A row whose worker died keeps
 * its expired lease until SQS delivers its batch again (or the worker gives up on the last receive and
 * marks it failed), so the job waits for every row to be completed or failed; the job deadline bounds
 * that wait and turns what is left into failures. The wait between checks doubles up to a maximum,
 * which keeps the state machine's history small.
 */
public final class ProgressCheck {
    private static final Logger log = LoggerFactory.getLogger(ProgressCheck.class);
    static final int FIRST_WAIT_SECONDS = 2;

    private final JobStore jobs;
    private final TrackingStore tracking;
    private final JobSettings settings;
    private final Duration maxWait;
    private final Clock clock;

    public ProgressCheck(JobStore jobs, TrackingStore tracking, JobSettings settings, Duration maxWait, Clock clock) {
        this.jobs = jobs;
        this.tracking = tracking;
        this.settings = settings;
        this.maxWait = maxWait;
        this.clock = clock;
    }

    public ProgressReport check(long jobId, String executionId, int polls, Metrics metrics) {
        Instant now = clock.instant();
        if (!jobs.heartbeat(jobId, executionId, now)) {
            throw new JobOwnershipLostException(jobId, executionId);
        }
        JobRun job = jobs.find(jobId).orElseThrow();
        ProgressCounts counts = tracking.counts(jobId, now);
        boolean overDeadline =
                job.createdAt() != null && now.isAfter(job.createdAt().plus(settings.jobDeadline()));
        if (overDeadline && !(job.extractionDone() && counts.pending() + counts.inProgress() + counts.stalled() == 0)) {
            int failed = tracking.failUnsettled(
                    jobId, "not exported within the job deadline of " + settings.jobDeadline(), now, true);
            log.warn(
                    "job {}: deadline {} passed, {} unsettled messages marked failed",
                    jobId,
                    settings.jobDeadline(),
                    failed);
            counts = tracking.counts(jobId, now);
        }
        boolean done =
                overDeadline || job.extractionDone() && counts.pending() + counts.inProgress() + counts.stalled() == 0;
        int wait = (int) Math.min(maxWait.toSeconds(), (long) FIRST_WAIT_SECONDS << Math.min(polls, 16));
        metrics.property("jobId", jobId)
                .put("MessagesPending", counts.pending(), Metrics.Unit.Count)
                .put("MessagesInProgress", counts.inProgress() + counts.stalled(), Metrics.Unit.Count)
                .put("MessagesCompleted", counts.completed(), Metrics.Unit.Count)
                .put("MessagesFailed", counts.failed(), Metrics.Unit.Count)
                .emit();
        log.info(
                "job {}: {} pending, {} in progress ({} stalled), {} completed, {} failed; done={}",
                jobId,
                counts.pending(),
                counts.inProgress() + counts.stalled(),
                counts.stalled(),
                counts.completed(),
                counts.failed(),
                done);
        return new ProgressReport(
                jobId,
                done,
                Math.max(1, wait),
                polls + 1,
                counts.pending(),
                counts.inProgress() + counts.stalled(),
                counts.completed(),
                counts.failed(),
                job.extracted());
    }
}
