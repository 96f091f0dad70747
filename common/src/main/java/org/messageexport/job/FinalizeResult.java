package org.messageexport.job;

import java.time.LocalDate;
import org.messageexport.domain.JobStatus;

/**
 * How a job ended; {@code reason} is set when it failed; {@code verdict} is the completeness proof's
 * ({@code complete} or {@code mismatch}; null when the job ended without a proof); {@code overBudget} is true when
 * it failed because more messages failed for good than the failure budget allows (the schedule moved on and later
 * executions retry the window), false when it completed or failed by an error such as a completeness mismatch (the
 * execution stops; the next one redoes the window).
 */
public record FinalizeResult(
        long jobId,
        JobStatus status,
        String reason,
        String manifestKey,
        long completed,
        long failed,
        LocalDate startDate,
        LocalDate endDate,
        String verdict,
        boolean overBudget) {}
