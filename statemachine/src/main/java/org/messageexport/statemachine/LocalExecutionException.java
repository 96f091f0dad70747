package org.messageexport.statemachine;

/**
 * A local execution could not be run or gave no result: Node.js or the Node package missing, a definition the engine
 * refuses, the driver ending without a result line. An execution that ran and failed is not this: it is an
 * {@link ExecutionResult} with status FAILED.
 */
public final class LocalExecutionException extends RuntimeException {

    public LocalExecutionException(String message) {
        super(message);
    }

    public LocalExecutionException(String message, Throwable cause) {
        super(message, cause);
    }
}
