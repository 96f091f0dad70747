package org.messageexport.worker;

import java.util.List;
import org.messageexport.domain.MessageBatch;
import org.messageexport.job.BatchOutcome;
import org.slf4j.MDC;

/**
 * The logging context (MDC) of one SQS record while the worker handles it: the record's id, then its job
 * and batch, then the outcome's counts, so that every log line of the record carries them. Closing it
 * removes what it put.
 */
final class BatchLogContext implements AutoCloseable {
    private static final List<String> KEYS =
            List.of("sqsMessageId", "jobId", "batchId", "claimed", "exported", "failed", "released");

    private BatchLogContext() {}

    static BatchLogContext forRecord(String sqsMessageId) {
        MDC.put("sqsMessageId", sqsMessageId);
        return new BatchLogContext();
    }

    void batch(MessageBatch batch) {
        MDC.put("jobId", Long.toString(batch.jobId()));
        MDC.put("batchId", Long.toString(batch.batchId()));
    }

    void outcome(BatchOutcome outcome) {
        MDC.put("claimed", Integer.toString(outcome.claimed()));
        MDC.put("exported", Integer.toString(outcome.exported()));
        MDC.put("failed", Integer.toString(outcome.failed()));
        MDC.put("released", Integer.toString(outcome.released()));
    }

    @Override
    public void close() {
        KEYS.forEach(MDC::remove);
    }
}
