package org.messageexport.job;

import java.time.LocalDate;
import org.messageexport.domain.JobStatus;

/** How a job ended; {@code reason} is set when it failed. */
public record FinalizeResult(
        long jobId,
        JobStatus status,
        String reason,
        String manifestKey,
        long completed,
        long failed,
        LocalDate startDate,
        LocalDate endDate) {}
