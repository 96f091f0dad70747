package org.messageexport.job;

/**
 * What one export of a batch did.
 *
 * @param acknowledged the batch is settled: its SQS record may be deleted (false: report it as a batch item failure)
 * @param claimed rows this export took (the others were completed already or held by a live lease)
 * @param exported rows completed with their object written
 * @param failed rows marked failed (permanent reasons, or transient ones on the last receive)
 * @param released rows given back as pending for a redelivery
 * @param notRecorded results of this export (among exported, failed, released) the tracking table did not take, as
 *     their rows were no longer under this delivery's lease: another delivery took them after the lease expired, or
 *     the job's deadline failed them (their state is theirs; an object written meanwhile is overwritten by the same
 *     key, never duplicated)
 * @param bytes bytes of the objects written
 * @param reason why the batch is not acknowledged, else null
 * @param phases milliseconds spent claiming, reading documents, building JSON, writing objects and recording results
 */
public record BatchOutcome(
        long jobId,
        long batchId,
        boolean acknowledged,
        int claimed,
        int exported,
        int failed,
        int released,
        int notRecorded,
        long bytes,
        long durationMillis,
        String reason,
        Phases phases) {

    public record Phases(long claimMillis, long readMillis, long buildMillis, long writeMillis, long recordMillis) {}
}
