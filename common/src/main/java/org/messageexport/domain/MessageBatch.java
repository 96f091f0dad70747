package org.messageexport.domain;

import java.util.List;

/** Up to {@code BATCH_SIZE} message ids of one job, sent as one SQS message and exported by one worker call. */
public record MessageBatch(long jobId, long batchId, List<String> messageIds) {
    public MessageBatch {
        messageIds = List.copyOf(messageIds);
        if (messageIds.isEmpty()) {
            throw new IllegalArgumentException("batch " + batchId + " has no message ids");
        }
    }
}
