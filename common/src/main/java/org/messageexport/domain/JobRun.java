package org.messageexport.domain;

import java.time.Instant;

/**
 * One run of the export over one window (Spring Batch's job instance); an execution of the state
 * machine is one attempt at it and owns it while its heartbeat is fresh. Of the ids its extraction read,
 * {@code extracted} became its rows, {@code alreadyTracked} were tracked by earlier jobs (or repeated), and
 * {@code rejected} could not be tracked (each failed with its reason): nothing else.
 */
public record JobRun(
        long jobId,
        ExportWindow window,
        JobStatus status,
        JobKind kind,
        boolean reexport,
        String executionId,
        Instant heartbeatAt,
        Instant createdAt,
        ExtractionCursor cursor,
        boolean extractionDone,
        long extracted,
        long batches,
        long alreadyTracked,
        long rejected,
        JobOutcome outcome) {

    /**
     * What a finished job recorded: counts, the reason of a failure, its manifest (null while running), and the
     * completeness proof's verdict with the index's count of the window and the window's tracked rows (null when the
     * job ended without one: failed before its end, or finished before proofs existed).
     */
    public record JobOutcome(
            long completed,
            long failed,
            String failureReason,
            String manifestKey,
            CompletenessProof.Verdict verdict,
            Long indexCount,
            Long trackedCount) {}

    public boolean ownedBy(String execution) {
        return execution != null && execution.equals(executionId);
    }

    /** True when no execution has shown a sign of life since {@code staleBefore}. */
    public boolean isStale(Instant staleBefore) {
        return heartbeatAt == null || heartbeatAt.isBefore(staleBefore);
    }
}
