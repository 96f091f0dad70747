package org.messageexport.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.messageexport.config.JobSettings;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.MessageBatch;
import org.messageexport.domain.ProgressCounts;
import org.messageexport.observability.Metrics;
import org.messageexport.port.BatchQueue;
import org.messageexport.port.JobOwnershipLostException;
import org.messageexport.port.JobSettlement;
import org.messageexport.port.JobStore;
import org.messageexport.port.StalledBatches;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts a job's rows by status and says whether the workers are done. A row whose worker died keeps
 * its expired lease until SQS delivers its batch again (or the worker gives up on the last receive and
 * marks it failed), so the job waits for every row to be completed or failed; the job deadline bounds
 * that wait and turns what is left into failures. Batches whose rows stay stalled (never claimed, given
 * back, or under an expired lease) for longer than the queue's visibility timeout are sent again, so that
 * no row waits for an SQS message that is gone. The wait between checks doubles up to a maximum, which
 * keeps the state machine's history small.
 */
public final class ProgressCheck {
    private static final Logger log = LoggerFactory.getLogger(ProgressCheck.class);
    static final int FIRST_WAIT_SECONDS = 2;
    /** Batches sent again per check at most: a check stays short; the next one sends more. */
    static final int MAX_RESENDS = 200;

    private final JobStore jobs;
    private final JobSettlement settlement;
    private final StalledBatches stalled;
    private final BatchQueue queue;
    private final JobSettings settings;
    private final Duration maxWait;
    private final Clock clock;

    public ProgressCheck(
            JobStore jobs,
            JobSettlement settlement,
            StalledBatches stalled,
            BatchQueue queue,
            JobSettings settings,
            Duration maxWait,
            Clock clock) {
        this.jobs = jobs;
        this.settlement = settlement;
        this.stalled = stalled;
        this.queue = queue;
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
        ProgressCounts counts = settlement.counts(jobId, now);
        boolean overDeadline =
                job.createdAt() != null && now.isAfter(job.createdAt().plus(settings.jobDeadline()));
        if (overDeadline && !(job.extractionDone() && counts.pending() + counts.inProgress() + counts.stalled() == 0)) {
            int failed = settlement.failUnsettled(
                    jobId, "not exported within the job deadline of " + settings.jobDeadline(), now, true);
            log.warn(
                    "job {}: deadline {} passed, {} unsettled messages marked failed",
                    jobId,
                    settings.jobDeadline(),
                    failed);
            counts = settlement.counts(jobId, now);
        }
        boolean done =
                overDeadline || job.extractionDone() && counts.pending() + counts.inProgress() + counts.stalled() == 0;
        int resent = done || counts.pending() + counts.stalled() == 0 ? 0 : resendStalled(jobId, now);
        int wait = (int) Math.min(maxWait.toSeconds(), (long) FIRST_WAIT_SECONDS << Math.min(polls, 16));
        metrics.property("jobId", jobId)
                .put("MessagesPending", counts.pending(), Metrics.Unit.Count)
                .put("MessagesInProgress", counts.inProgress() + counts.stalled(), Metrics.Unit.Count)
                .put("MessagesCompleted", counts.completed(), Metrics.Unit.Count)
                .put("MessagesFailed", counts.failed(), Metrics.Unit.Count)
                .put("BatchesResent", resent, Metrics.Unit.Count)
                .emit();
        log.info(
                "job {}: {} pending, {} in progress ({} stalled), {} completed, {} failed; {} batches resent; done={}",
                jobId,
                counts.pending(),
                counts.inProgress() + counts.stalled(),
                counts.stalled(),
                counts.completed(),
                counts.failed(),
                resent,
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

    /** Sends again the batches stalled for longer than the queue's visibility timeout; returns how many it sent. */
    private int resendStalled(long jobId, Instant now) {
        List<MessageBatch> batches = stalled.stalled(jobId, now.minus(settings.queueVisibilityTimeout()), MAX_RESENDS);
        if (batches.isEmpty()) {
            return 0;
        }
        int[] sent = {0};
        queue.send(batches, ids -> {
            stalled.markResent(ids, clock.instant());
            sent[0] += ids.size();
        });
        log.warn(
                "job {}: {} batches stalled longer than the visibility timeout {} sent again (first: batch {})",
                jobId,
                sent[0],
                settings.queueVisibilityTimeout(),
                batches.getFirst().batchId());
        return sent[0];
    }
}
