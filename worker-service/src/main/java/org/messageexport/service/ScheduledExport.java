package org.messageexport.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.messageexport.job.ExecutionVerdict;
import org.messageexport.statemachine.ExecutionResult;
import org.messageexport.statemachine.ExecutionStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the EventBridge schedule starts in AWS, on a server: executions of the state machine with the scheduled input
 * {@code {}}, one after the other while each completes a window (catch-up after missed days), until the job is up to
 * date or one does not complete. The work itself is done by the worker services that consume the queue.
 */
public final class ScheduledExport {
    private static final Logger log = LoggerFactory.getLogger(ScheduledExport.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One execution and how it ended. */
    public record Run(String executionName, ExecutionResult result) {
        public String verdict() {
            return ScheduledExport.verdict(result);
        }

        public String reason() {
            return ScheduledExport.reason(result);
        }

        /** A window exported, or nothing to do (up to date, or another live execution owns the running job). */
        public boolean ok() {
            return switch (verdict()) {
                case "COMPLETED", "UP_TO_DATE", "BUSY" -> true;
                default -> false;
            };
        }
    }

    private final TaskFunctions functions;
    private final Clock clock;

    public ScheduledExport(TaskFunctions functions, Clock clock) {
        this.functions = functions;
        this.clock = clock;
    }

    /**
     * Runs scheduled executions, each catching up every due window (at most 40), until one ends without a completed
     * window (up to date, busy, or failed), at most {@code maxWindows} executions.
     */
    public List<Run> run(int maxWindows) {
        List<Run> runs = new ArrayList<>();
        for (int i = 1; i <= maxWindows; i++) {
            String name =
                    "server-" + clock.instant().toString().replace(":", "").replace(".", "") + "-" + i;
            log.info("starting execution {}", name);
            Run run = new Run(name, functions.runExecution(JSON.createObjectNode(), name, e -> {}));
            runs.add(run);
            log.info("execution {} ended: {}{}", name, run.verdict(), run.ok() ? "" : " (" + run.reason() + ")");
            if (!"COMPLETED".equals(run.verdict())) {
                break;
            }
        }
        return runs;
    }

    /** What the state machine ended with: COMPLETED, FAILED, UP_TO_DATE, BUSY, or the execution's status. */
    public static String verdict(ExecutionResult result) {
        return ExecutionVerdict.of(
                result.status() == ExecutionStatus.SUCCEEDED,
                result.output(),
                result.status().name());
    }

    /** Why: the output's reason, else the execution's error and cause. */
    public static String reason(ExecutionResult result) {
        JsonNode out = result.output();
        if (out != null && out.hasNonNull("reason")) {
            return out.get("reason").asText();
        }
        return result.cause() == null ? result.error() : result.error() + ": " + result.cause();
    }
}
