package org.messageexport.port;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The worker's side of the tracking rows: a worker claims the rows of its batch under a lease, then settles
 * each one (completed, failed, or released for a redelivery) and marks the batch done.
 *
 * <p>A claim is a lease because SQS delivers at least once and a Lambda may die mid-way: a row held under a
 * live lease belongs to its claimant; once the lease expired, the next delivery may take it, and the late
 * claimant's results, given under its old token, then change nothing. Thread-safe; each row is held by at
 * most one live lease at a time, whatever the number of concurrent claims.
 */
public interface MessageLeases {
    /**
     * Claims for a worker the rows among {@code messageIds} of job {@code jobId} that are pending, failed, or
     * in progress with a lease expired before {@code now} (or none): sets them in progress under
     * {@code leaseToken} until {@code leaseUntil} and counts the attempt. Completed rows, rows under a live
     * lease, rows of other jobs and unknown ids are left alone.
     *
     * @return the ids this claim took, each once, in no particular order (empty when none)
     */
    default List<String> claim(
            long jobId, List<String> messageIds, String leaseToken, Instant now, Instant leaseUntil) {
        return claimBatch(jobId, messageIds, leaseToken, now, leaseUntil).claimed();
    }

    /**
     * {@link #claim}, also saying how many of the ids are held by another claimant's live lease: a batch with such
     * rows is not done (that claimant may die before settling them), so its delivery must not be acknowledged.
     */
    Claim claimBatch(long jobId, List<String> messageIds, String leaseToken, Instant now, Instant leaseUntil);

    /** What a claim took ({@code claimed}) and how many rows it found under someone else's live lease. */
    record Claim(List<String> claimed, int heldByOthers) {
        public Claim {
            claimed = List.copyOf(claimed);
        }
    }

    /**
     * Marks exported rows completed at {@code now} with their object key, for the rows still held under
     * {@code leaseToken} (the others are left alone). One batched statement; an empty list does nothing. Returns the
     * rows it marked: fewer than given means this lease no longer holds the others (it expired and another delivery
     * took them, or the job's deadline failed them; or an earlier try of the same call was recorded before its
     * connection was lost).
     */
    int complete(String leaseToken, List<ExportedMessage> exported, Instant now);

    /**
     * Marks rows failed with their reason (permanent failures, or transient ones out of retries), for the rows
     * still held under {@code leaseToken}. A failed row may be claimed again by a later delivery. One batched
     * statement; an empty list does nothing. Returns the rows it marked (see {@link #complete(String, List, Instant)}).
     */
    int fail(String leaseToken, List<MessageError> errors);

    /**
     * Gives rows back (pending) after a transient failure, keeping the reason, so a redelivery retries them;
     * only rows still held under {@code leaseToken}. One batched statement; an empty list does nothing. Returns the
     * rows it gave back (see {@link #complete(String, List, Instant)}).
     */
    int release(String leaseToken, List<MessageError> errors);

    /**
     * {@link #complete(String, List, Instant)} of rows of job {@code jobId}: the adapter may then look the ids up
     * within the job's rows only (the tracking table's days of its window).
     */
    default int complete(long jobId, String leaseToken, List<ExportedMessage> exported, Instant now) {
        return complete(leaseToken, exported, now);
    }

    /** {@link #fail(String, List)} of rows of job {@code jobId} (see {@link #complete(long, String, List, Instant)}). */
    default int fail(long jobId, String leaseToken, List<MessageError> errors) {
        return fail(leaseToken, errors);
    }

    /** {@link #release(String, List)} of rows of job {@code jobId} (see {@link #complete(long, String, List, Instant)}). */
    default int release(long jobId, String leaseToken, List<MessageError> errors) {
        return release(leaseToken, errors);
    }

    /**
     * The object keys ({@code s3_path}) of the rows among {@code messageIds} of job {@code jobId} that are completed
     * (the others are not in the map): what a batch written as one object holds already.
     */
    Map<String, String> completedPaths(long jobId, List<String> messageIds);

    /** Marks a batch done at {@code now} once its rows are settled. Repeating it, or a batch done already, changes nothing. */
    void markBatchDone(long batchId, Instant now);

    /** A row exported: its id and where it is ({@code key}, or {@code key#line} in a batch object). */
    record ExportedMessage(String messageId, String objectKey) {}

    /** A row not exported, and why (kept as the row's last error, cut to 1000 characters). */
    record MessageError(String messageId, String reason) {}
}
