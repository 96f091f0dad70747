package org.messageexport.statemachine;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * The outcome of one local execution.
 *
 * @param status how it ended
 * @param output the execution's output when {@link ExecutionStatus#SUCCEEDED}, else {@code null}
 * @param error the error name when FAILED or TIMED_OUT (e.g. {@code ExportFailed}, {@code States.Timeout}), else {@code null}
 * @param cause the error's cause when FAILED or TIMED_OUT, else {@code null}
 * @param executionArn {@code arn:aws:states:us-east-1:123456789012:execution:<state machine>:<name>}, as in
 *     {@code $$.Execution.Id}
 * @param name the execution name
 * @param durationMs the engine's run time, without Node's start-up
 */
public record ExecutionResult(
        ExecutionStatus status,
        JsonNode output,
        String error,
        String cause,
        String executionArn,
        String name,
        long durationMs) {

    public ExecutionResult {
        Objects.requireNonNull(status, "status");
    }

    public boolean succeeded() {
        return status == ExecutionStatus.SUCCEEDED;
    }
}
