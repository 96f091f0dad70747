package org.messageexport.port;

import java.time.Instant;
import java.util.List;
import org.messageexport.domain.MessageBatch;

/**
 * An operator's second try at a finished job's failed messages: the failed rows go back to pending in new batches
 * (in status created, the outbox the queue sends from), and the job's counts are recorded again once the workers
 * settled them. Thread-safe.
 */
public interface FailedMessageRetry {
    /**
     * In one transaction: the job's failed rows become pending (their error cleared, their attempts kept), cut into
     * new batches of at most {@code batchSize} in status created; the job's batch count grows by their number.
     *
     * @return the new batches, in batch order (empty when nothing failed)
     * @throws IllegalStateException when the job is still running (its own execution settles its rows)
     */
    List<MessageBatch> requeueFailed(long jobId, int batchSize, Instant now);

    /**
     * Records a finished job's counts again, and where its manifest now is (a job that failed before writing one gets
     * its first); its status and window stay as they are.
     */
    void recordCounts(long jobId, long completed, long failed, String manifestKey);
}
