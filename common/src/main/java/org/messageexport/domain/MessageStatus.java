package org.messageexport.domain;

/** The seed's {@code message_tracking.status}. */
public enum MessageStatus {
    PENDING,
    IN_PROGRESS,
    COMPLETED,
    FAILED
}
