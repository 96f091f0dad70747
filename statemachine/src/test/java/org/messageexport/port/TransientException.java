package org.messageexport.port;

/**
 * Stands in for the project's {@code org.messageexport.port.TransientException} (module common, which this module must
 * not depend on). Step Functions matches retriers on the exception's full class name, so the name is what matters.
 */
public class TransientException extends RuntimeException {

    public TransientException(String message) {
        super(message);
    }
}
