package org.messageexport.domain;

import java.time.Instant;

/**
 * One run of the export over one window (Spring Batch's job instance); an execution of the state
 * machine is one attempt at it and owns it while its heartbeat is fresh.
 */
public record JobRun(
        long jobId,
        ExportWindow window,
        JobStatus status,
        boolean reexport,
        String executionId,
        Instant heartbeatAt,
        Instant createdAt,
        ExtractionCursor cursor,
        boolean extractionDone,
        long extracted,
        long batches,
        JobOutcome outcome) {

    /** What a finished job recorded: counts, the reason of a failure, its manifest (null while running). */
    public record JobOutcome(long completed, long failed, String failureReason, String manifestKey) {}

    public boolean ownedBy(String execution) {
        return execution != null && execution.equals(executionId);
    }

    /** True when no execution has shown a sign of life since {@code staleBefore}. */
    public boolean isStale(Instant staleBefore) {
        return heartbeatAt == null || heartbeatAt.isBefore(staleBefore);
    }
}
