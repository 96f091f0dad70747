package org.messageexport.job;

/**
 * The configuration does not match the cluster (an index missing, a field unmapped or of a type the export cannot
 * use): permanent, so the state machine does not retry it. The message is one line naming the index or field.
 */
public final class PreflightException extends InvalidRequestException {
    public PreflightException(String message) {
        super(message);
    }
}
