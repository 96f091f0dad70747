package org.messageexport.job;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.MessageBatch;
import org.messageexport.domain.ProgressCounts;
import org.messageexport.port.BatchOutbox;
import org.messageexport.port.BatchQueue;
import org.messageexport.port.FailedMessageRetry;
import org.messageexport.port.JobSettlement;
import org.messageexport.port.JobStore;

/**
 * {@code retry-failed}: a finished job's failed messages, and only those, exported again by the workers. The rows go
 * back to pending in new batches, sent through the outbox like extraction's (a batch the queue did not take stays
 * created and is sent by the next retry); once the workers settled them, {@link #recount} records the job's counts and
 * rewrites its manifest. The job's status and window stay as they were: only the schedule moves windows.
 */
public final class FailedMessageRetrier {
    /** What {@link #requeue} handed to the workers. */
    public record Requeued(long jobId, long messages, int batches, int sent) {}

    /** A job's rows after a retry, and where its rewritten manifest is. */
    public record Recount(long jobId, ProgressCounts counts, String manifestKey) {}

    private final JobStore jobs;
    private final FailedMessageRetry retry;
    private final BatchOutbox outbox;
    private final BatchQueue queue;
    private final JobSettlement settlement;
    private final JobFinalizer manifests;
    private final Clock clock;

    public FailedMessageRetrier(
            JobStore jobs,
            FailedMessageRetry retry,
            BatchOutbox outbox,
            BatchQueue queue,
            JobSettlement settlement,
            JobFinalizer manifests,
            Clock clock) {
        this.jobs = jobs;
        this.retry = retry;
        this.outbox = outbox;
        this.queue = queue;
        this.settlement = settlement;
        this.manifests = manifests;
        this.clock = clock;
    }

    /**
     * Re-enqueues the failed messages of a finished job as new batches of at most {@code batchSize}.
     *
     * @throws InvalidRequestException when the job does not exist or is still running
     */
    public Requeued requeue(long jobId, int batchSize) {
        JobRun job = job(jobId);
        if (job.outcome() == null) {
            throw new InvalidRequestException("job " + jobId + " is still running: its execution settles its rows");
        }
        Instant now = clock.instant();
        List<MessageBatch> batches = retry.requeueFailed(jobId, batchSize, now);
        // earlier batches left created (a send that failed) go too: the outbox's rule
        List<MessageBatch> toSend = outbox.unsentBatches(jobId, now);
        AtomicLong sent = new AtomicLong();
        queue.send(toSend, accepted -> {
            outbox.markEnqueued(accepted, clock.instant());
            sent.addAndGet(accepted.size());
        });
        long messages = batches.stream().mapToLong(b -> b.messageIds().size()).sum();
        return new Requeued(jobId, messages, batches.size(), (int) sent.get());
    }

    /** The job's rows by status now ({@link ProgressCounts#settled()} tells whether the workers are done). */
    public ProgressCounts counts(long jobId) {
        return settlement.counts(jobId, clock.instant());
    }

    /** Records the finished job's counts from its rows and rewrites its manifest (failed list included). */
    public Recount recount(long jobId) {
        // the manifest and the job's record state the same counts, read once
        JobFinalizer.RewrittenManifest manifest = manifests.rewriteManifest(jobId);
        ProgressCounts counts = manifest.counts();
        retry.recordCounts(jobId, counts.completed(), counts.failed(), manifest.key());
        return new Recount(jobId, counts, manifest.key());
    }

    private JobRun job(long jobId) {
        return jobs.find(jobId).orElseThrow(() -> new InvalidRequestException("job " + jobId + " does not exist"));
    }
}
