package org.messageexport.domain;

/**
 * A message that could not be exported, and why. A rejected message (its id cannot be tracked) has no batch
 * ({@code batchId} 0: batch ids start at 1) and no attempt.
 */
public record FailedMessage(String messageId, long batchId, int attempts, String reason) {
    public static FailedMessage rejected(RejectedMessage r) {
        return new FailedMessage(r.messageId(), 0, 0, r.reason());
    }

    public boolean isRejected() {
        return batchId == 0;
    }
}
