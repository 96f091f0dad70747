package org.messageexport.port;

import java.time.Instant;
import java.util.List;
import org.messageexport.domain.ExtractionCursor;
import org.messageexport.domain.IdPage;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.MessageBatch;
import org.messageexport.domain.PageAccount;
import org.messageexport.domain.RejectedMessage;

/**
 * Extraction's side of the tracking rows: records each page of ids as one row per message
 * ({@code message_tracking}) cut into batches ({@code message_batches}), which are also the outbox of
 * the SQS sends: a batch stays {@code created} until the queue took it. A message is tracked once, under the UTC
 * day of its timestamp, and so exported once ever unless its job is a re-export; ever means while its day's rows
 * are kept ({@code TRACKING_RETENTION_DAYS}, default forever). Ids are looked up within the job's window days (a
 * message belongs to one day, and that day lies in every window that holds the message).
 *
 * <p>Thread-safe. Pages of one job are serialized by the job's row lock; two jobs never track one id twice.
 */
public interface BatchOutbox {
    /** What a page recorded: the batches created, and where each of its ids went. */
    record RecordedPage(List<MessageBatch> batches, PageAccount account) {}

    /**
     * In one transaction: checks that {@code executionId} owns the running job (and locks it, so that a
     * takeover waits for this page), tracks the ids not tracked yet as pending, takes over the rows of failed
     * jobs that did not complete (and, for a re-export job, every other job's rows), resetting them to
     * pending; cuts them into batches of at most {@code batchSize} in status created, and saves {@code next}
     * as the job's cursor with its counters and heartbeat ({@code now}). Ids already tracked by this job, or
     * by a job whose rows it may not take, and repeated ids are recorded once or not at all. A restart reads
     * the cursor of the last page that committed: a page that failed wrote nothing.
     *
     * <p>The rejected messages (ids the table cannot hold) are recorded as failures of the job, in the same
     * transaction. Before it commits, the rows are read back and the page accounted for ({@link PageAccount}):
     * an id neither recorded, nor tracked already, nor rejected fails the page (nothing written), naming it. The
     * job's counters add the ids recorded, those tracked already and those rejected.
     *
     * @param page the page's trackable ids ({@link RejectedMessage#untrackableReason} is null for each), each with
     *     its message's day (inside the job's window), and the cursor after the page
     * @param rejected the page's ids that cannot be tracked, with their reasons
     * @return the batches created, in batch order (empty when every id was tracked already), and the account
     * @throws JobOwnershipLostException when {@code executionId} no longer owns the running job (nothing written)
     * @throws PageAccount.UnaccountedIdsException when a write left an id out (nothing written)
     */
    RecordedPage recordPage(
            JobRun job, String executionId, IdPage page, List<RejectedMessage> rejected, int batchSize, Instant now);

    /**
     * {@link #recordPage(JobRun, String, IdPage, List, int, Instant)} of ids whose days are not known: each row is
     * tracked under the window's first day (exact for a one-day window; tests, benchmarks).
     */
    default RecordedPage recordPage(
            JobRun job,
            String executionId,
            List<String> ids,
            List<RejectedMessage> rejected,
            int batchSize,
            ExtractionCursor next,
            Instant now) {
        return recordPage(job, executionId, new IdPage(ids, next), rejected, batchSize, now);
    }

    /** {@link #recordPage(JobRun, String, List, List, int, ExtractionCursor, Instant)} of a page without rejected ids. */
    default List<MessageBatch> recordPage(
            JobRun job, String executionId, List<String> ids, int batchSize, ExtractionCursor next, Instant now) {
        return recordPage(job, executionId, ids, List.of(), batchSize, next, now)
                .batches();
    }

    /**
     * The job's batches still in status created (committed but not sent: a crash between the commit and the
     * send leaves them), in batch order, each with the ids the job still tracks, by id. A batch none of whose
     * rows belong to the job any more (another job took them over) is marked done at {@code now} and not
     * returned.
     *
     * @return empty when every batch was sent
     */
    List<MessageBatch> unsentBatches(long jobId, Instant now);

    /**
     * Marks the batches enqueued at {@code now} (the queue took them). Batches already done, and unknown ids,
     * are left alone; an empty list does nothing. Repeating it is harmless.
     */
    void markEnqueued(List<Long> batchIds, Instant now);
}
