package org.messageexport.job;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The one word an execution of the state machine ends with, read from a succeeded execution's output: its job's
 * {@code status} (COMPLETED, FAILED) or else its {@code action} (UP_TO_DATE, BUSY); any other execution is named by
 * its own status (FAILED, TIMED_OUT, ABORTED). The local engine and AWS Step Functions both answer this way.
 */
public final class ExecutionVerdict {
    private ExecutionVerdict() {}

    /**
     * @param succeeded the execution succeeded
     * @param output its output (null when none)
     * @param executionStatus its status, the verdict when the output does not give one
     */
    public static String of(boolean succeeded, JsonNode output, String executionStatus) {
        if (succeeded && output != null) {
            if (output.hasNonNull("status")) {
                return output.get("status").asText();
            }
            if (output.hasNonNull("action")) {
                return output.get("action").asText();
            }
        }
        return executionStatus;
    }
}
