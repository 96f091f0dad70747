package org.messageexport.port;

import java.util.List;
import org.messageexport.domain.MessageBatch;

/** Hands batches to the workers (SQS). Delivery is at least once. */
public interface BatchQueue {
    /**
     * Sends the batches and returns the ids of those the queue accepted, in groups as they were
     * accepted, through {@code onAccepted} (so that a caller can record progress after each call).
     * Batches not accepted are neither reported nor retried here.
     */
    void send(List<MessageBatch> batches, AcceptedListener onAccepted);

    @FunctionalInterface
    interface AcceptedListener {
        void accepted(List<Long> batchIds);
    }
}
