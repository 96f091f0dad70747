package org.messageexport.port;

import java.time.Instant;
import java.util.List;
import org.messageexport.domain.ExtractionCursor;
import org.messageexport.domain.FailedMessage;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.MessageBatch;
import org.messageexport.domain.ProgressCounts;

/**
 * The row per message ({@code message_tracking}) and the batches ({@code message_batches}, which are
 * also the outbox of SQS sends). Thread-safe. {@code message_id} is unique across all jobs: a message
 * is tracked, and so exported, once ever unless its job is a re-export.
 */
public interface TrackingStore {
    /** {@code message_tracking.message_id} is the seed's {@code VARCHAR(255)}. */
    int MAX_MESSAGE_ID_LENGTH = 255;

    /**
     * In one transaction: tracks the ids not tracked yet, takes over the rows of failed jobs that did not
     * complete (and, for a re-export job, every other job's rows), resetting them to pending; cuts them into batches of {@code batchSize} in status created, and
     * saves {@code next} with the job's counters. Fails with {@link JobOwnershipLostException} (nothing
     * written) when {@code executionId} no longer owns the job.
     *
     * @return the batches created (empty when every id was tracked already)
     */
    List<MessageBatch> recordPage(
            JobRun job, String executionId, List<String> ids, int batchSize, ExtractionCursor next, Instant now);

    /** Batches of the job still in status created (not yet sent), in batch order. */
    List<MessageBatch> unsentBatches(long jobId);

    void markEnqueued(List<Long> batchIds, Instant now);

    /**
     * Claims for a worker the rows among {@code messageIds} of job {@code jobId} that are pending,
     * failed, or in progress with a lease expired before {@code now}: sets them in progress under
     * {@code leaseToken} until {@code leaseUntil} and counts the attempt. Completed rows and rows of
     * other jobs are left alone.
     *
     * @return the ids this claim took
     */
    List<String> claim(long jobId, List<String> messageIds, String leaseToken, Instant now, Instant leaseUntil);

    /** Marks exported rows completed, for the rows still held under {@code leaseToken}. One batched statement. */
    void complete(String leaseToken, List<ExportedMessage> exported, Instant now);

    /** Marks rows failed with their reason (permanent failures, or transient ones out of retries). */
    void fail(String leaseToken, List<MessageError> errors);

    /** Gives rows back (pending) after a transient failure, keeping the reason, so a redelivery retries them. */
    void release(String leaseToken, List<MessageError> errors);

    /** Marks a batch done once its rows are settled. */
    void markBatchDone(long batchId, Instant now);

    ProgressCounts counts(long jobId, Instant now);

    /**
     * Marks failed, with {@code reason}, what is left of a job: pending rows and in-progress rows whose
     * lease expired before {@code now} (with {@code includeLiveLeases}, every in-progress row).
     *
     * @return how many rows changed
     */
    int failUnsettled(long jobId, String reason, Instant now, boolean includeLiveLeases);

    /** Failed rows of the job, by message id, at most {@code limit}. */
    List<FailedMessage> failedMessages(long jobId, int limit);

    record ExportedMessage(String messageId, String objectKey) {}

    record MessageError(String messageId, String reason) {}
}
