package org.messageexport.statemachine;

/**
 * A Lambda function served by {@link LambdaInvokeServer}: JSON payload in, JSON payload out.
 *
 * <p>An exception thrown here is answered as the AWS Java runtime answers an unhandled exception, so Step Functions'
 * {@code Retry}/{@code Catch} see the exception's full class name as the error; a {@link LambdaServiceException} is
 * answered as the Lambda service itself failing instead. Called on the server's threads, possibly concurrently.
 */
@FunctionalInterface
public interface LocalFunction {

    /**
     * @param payload the request body, as sent (JSON)
     * @return the response body (JSON); {@code null} is answered as the JSON {@code null}
     */
    byte[] invoke(byte[] payload) throws Exception;
}
