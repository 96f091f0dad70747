package org.messageexport.extractor;

import org.messageexport.job.InvalidRequestException;

/** The payload of the job's tasks after planning: which job, on behalf of which execution. */
public record JobTaskInput(Long jobId, String executionId, Integer polls) {
    long requiredJobId() {
        if (jobId == null) {
            throw new InvalidRequestException("jobId is required");
        }
        if (executionId == null || executionId.isBlank()) {
            throw new InvalidRequestException("executionId is required");
        }
        return jobId;
    }
}
