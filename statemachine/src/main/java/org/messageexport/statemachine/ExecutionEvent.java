package org.messageexport.statemachine;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * One event of a local execution, as the engine reports it while running (for progress displays and tests).
 *
 * @param type {@code ExecutionStarted}, {@code StateEntered}, {@code StateExited}, {@code StateFailed},
 *     {@code StateRetried}, {@code StateCaught}, {@code ExecutionSucceeded}, {@code ExecutionFailed}, …
 * @param timestamp when the engine emitted it
 * @param state the state's name for state events, else {@code null}
 * @param stateType {@code Task}, {@code Choice}, … for state events, else {@code null}
 * @param error the error name of a failure event, else {@code null}
 * @param json the whole event line; with state data on, also {@code input} and {@code output}
 */
public record ExecutionEvent(
        String type, Instant timestamp, String state, String stateType, String error, JsonNode json) {

    public ExecutionEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(json, "json");
    }

    static ExecutionEvent fromLine(JsonNode line) {
        String t = text(line, "t");
        return new ExecutionEvent(
                text(line, "event"),
                t == null ? null : Instant.parse(t),
                text(line, "state"),
                text(line, "stateType"),
                text(line, "error"),
                line);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
