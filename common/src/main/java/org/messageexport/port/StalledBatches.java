package org.messageexport.port;

import java.time.Instant;
import java.util.List;
import org.messageexport.domain.MessageBatch;

/**
 * The progress check's side of the batches: batches that a worker took and left, their rows unsettled with nobody
 * working on them, so that they can be sent again. No outcome depends on one SQS message surviving: a message may be
 * lost to the DLQ while its rows were held by a lease that later expired. A batch none of whose rows was ever claimed
 * is not stalled: its message waits in the queue's backlog (SQS keeps it until a worker receives it), and sending it
 * again would only double the backlog of a slow run.
 *
 * <p>Thread-safe.
 */
public interface StalledBatches {
    /**
     * The job's batches, sent before {@code stalledBefore}, that a worker took and left: with a row attempted
     * ({@code attempts > 0}) that is pending again and not attempted since {@code stalledBefore}, or in progress
     * under a lease that expired before then. Each with all its unsettled ids (pending and not attempted since then,
     * claimed or not, or under an expired lease), in batch order, at most {@code limit}.
     *
     * @return empty when nothing stalled
     */
    List<MessageBatch> stalled(long jobId, Instant stalledBefore, int limit);

    /** Records that the batches were sent again at {@code now} (they are then not stalled for another period). */
    void markResent(List<Long> batchIds, Instant now);
}
