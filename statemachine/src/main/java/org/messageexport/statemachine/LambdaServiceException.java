package org.messageexport.statemachine;

/**
 * Thrown by a {@link LocalFunction} to make {@link LambdaInvokeServer} answer as the Lambda service does when it fails
 * before or around the function (not as the function failing): an HTTP error status with an {@code x-amzn-ErrorType}
 * header. Step Functions reports it as {@code Lambda.<errorType>}, e.g. {@code Lambda.ServiceException}; useful to check
 * the service-error retriers and to inject throttling in local runs.
 */
public final class LambdaServiceException extends RuntimeException {

    private final int statusCode;
    private final String errorType;

    public LambdaServiceException(int statusCode, String errorType, String message) {
        super(message);
        if (statusCode < 400 || statusCode > 599) {
            throw new IllegalArgumentException("An error status is 4xx or 5xx, got " + statusCode);
        }
        if (errorType == null || errorType.isBlank()) {
            throw new IllegalArgumentException("errorType is required, e.g. ServiceException");
        }
        this.statusCode = statusCode;
        this.errorType = errorType;
    }

    /** HTTP 500 ServiceException: Step Functions error {@code Lambda.ServiceException}. */
    public static LambdaServiceException serviceException(String message) {
        return new LambdaServiceException(500, "ServiceException", message);
    }

    /** HTTP 429 TooManyRequestsException: Step Functions error {@code Lambda.TooManyRequestsException}. */
    public static LambdaServiceException tooManyRequests(String message) {
        return new LambdaServiceException(429, "TooManyRequestsException", message);
    }

    public int statusCode() {
        return statusCode;
    }

    /** The {@code x-amzn-ErrorType}, without the {@code Lambda.} prefix that Step Functions adds. */
    public String errorType() {
        return errorType;
    }
}
