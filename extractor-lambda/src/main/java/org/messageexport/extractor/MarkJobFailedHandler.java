package org.messageexport.extractor;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import org.messageexport.job.JobFailureRecorder;

/** "Mark job failed": the state machine caught an error; its job (if planned and still owned) fails with it. */
public final class MarkJobFailedHandler extends TaskHandler<MarkJobFailedHandler.Input, MarkJobFailedHandler.Output> {
    /** The whole state: jobId once planned, executionId, and the caught error {Error, Cause}. */
    public record Input(Long jobId, String executionId, JsonNode error) {}

    /** {@code reason}: the error in one line (its message), the execution's failure cause. */
    public record Output(Long jobId, boolean marked, String reason) {}

    private final JobFailureRecorder recorder;

    public MarkJobFailedHandler() {
        this(ExtractorRuntime.fromEnvironment());
    }

    public MarkJobFailedHandler(ExtractorRuntime runtime) {
        this(runtime.jobFailureRecorder());
    }

    MarkJobFailedHandler(JobFailureRecorder recorder) {
        super(Input.class);
        this.recorder = recorder;
    }

    @Override
    protected Output handle(Input input, Context context) {
        JsonNode error = input.error();
        String name = error == null ? null : error.path("Error").asText(null);
        String cause = error == null ? null : causeMessage(error.path("Cause").asText(null));
        boolean marked = recorder.recordFailure(input.jobId(), input.executionId(), name, cause);
        return new Output(input.jobId(), marked, reason(name, cause));
    }

    /** The cause's message, else the error's name: never empty, never the Lambda error's JSON. */
    static String reason(String name, String cause) {
        if (cause != null && !cause.isBlank()) {
            return cause.strip().lines().findFirst().orElse(cause);
        }
        return name == null || name.isBlank() ? "unknown error" : name;
    }

    /** A Lambda function error's Cause is the error payload as JSON: keep its message. */
    static String causeMessage(String cause) {
        if (cause == null || !cause.startsWith("{")) {
            return cause;
        }
        try {
            JsonNode parsed = JSON.readTree(cause);
            return parsed.path("errorMessage").asText(cause);
        } catch (java.io.IOException e) {
            return cause;
        }
    }
}
