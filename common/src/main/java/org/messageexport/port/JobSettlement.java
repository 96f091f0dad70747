package org.messageexport.port;

import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.messageexport.domain.FailedMessage;
import org.messageexport.domain.ProgressCounts;
import org.messageexport.domain.RejectedMessage;
import org.messageexport.port.MessageLeases.ExportedMessage;

/**
 * A job's tracking rows seen whole: how far they are settled (completed or failed), what is left failed
 * when the job stops waiting, and the failures with their reasons. Used while a job waits for its workers,
 * when it ends, and when it fails.
 *
 * <p>Thread-safe. The workers change rows concurrently: a count is a consistent snapshot of one moment, and
 * rows may move on right after it.
 */
public interface JobSettlement {
    /**
     * The job's rows by status at {@code now}: in-progress rows are counted as live ({@code inProgress}) or,
     * when their lease expired before {@code now} (or they have none), as {@code stalled}. All zero for a job
     * without rows or an unknown job.
     */
    ProgressCounts counts(long jobId, Instant now);

    /**
     * Marks failed, with {@code reason} (cut to 1000 characters), what is left of a job: pending rows and
     * in-progress rows whose lease expired before {@code now} (with {@code includeLiveLeases}, every in-progress
     * row). A worker still holding one of them settles nothing more for it (its lease is gone). Completed and
     * failed rows are left alone, so calling it again changes nothing new.
     *
     * @return how many rows changed
     */
    int failUnsettled(long jobId, String reason, Instant now, boolean includeLiveLeases);

    /**
     * The job's failed rows ordered by message id, at most {@code limit}.
     *
     * @return empty when none failed
     */
    List<FailedMessage> failedMessages(long jobId, int limit);

    /**
     * Every object the job's completed rows wrote, ordered by message id, given to {@code sink} one by one (a
     * window may hold millions). Nothing for a job without completed rows.
     */
    void exportedObjects(long jobId, Consumer<ExportedMessage> sink);

    /**
     * The job's rejected messages (ids the tracking table cannot hold, see {@link RejectedMessage}), at most
     * {@code limit}, and {@link #rejectedCount} of them in all. They count as failed messages of the job.
     */
    List<RejectedMessage> rejectedMessages(long jobId, int limit);

    long rejectedCount(long jobId);

    /**
     * The keys of the batch objects ({@code ndjson-gz} output format) that the job's completed rows point at
     * ({@code s3_path} {@code key#line}), each once, in key order, at most {@code limit}.
     *
     * @return empty when none (e.g. the job wrote one object per message)
     */
    List<String> batchObjects(long jobId, int limit);
}
