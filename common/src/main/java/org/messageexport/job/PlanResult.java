package org.messageexport.job;

import java.time.LocalDate;

/**
 * The planner's answer. {@code RUN}: work on job {@code jobId} (new, or {@code resumed}); {@code UP_TO_DATE}:
 * no complete window is due yet; {@code BUSY}: another live execution owns the running job {@code jobId}.
 * {@code kind} is the job's (scheduled, manual or late; null when there is no job).
 */
public record PlanResult(
        Action action,
        Long jobId,
        LocalDate startDate,
        LocalDate endDate,
        boolean resumed,
        String executionId,
        String reason,
        String kind) {
    public enum Action {
        RUN,
        UP_TO_DATE,
        BUSY
    }
}
