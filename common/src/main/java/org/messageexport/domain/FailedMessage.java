package org.messageexport.domain;

/** A message that could not be exported, and why. */
public record FailedMessage(String messageId, long batchId, int attempts, String reason) {}
