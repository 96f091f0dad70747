package org.messageexport.port;

/**
 * A backing service could not be reached or was overloaded (connection lost, HTTP 429/5xx, timeout):
 * trying the same thing again later may succeed. The state machine retries task errors of this type.
 */
public class TransientException extends RuntimeException {
    public TransientException(String message, Throwable cause) {
        super(message, cause);
    }
}
