package org.messageexport.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.messageexport.domain.JobRun;
import org.messageexport.statemachine.ExecutionResult;
import org.messageexport.statemachine.ExecutionStatus;

/** Runs executions of the export on a {@link LocalDeployment} and reports each one like an operator would want. */
public final class LocalExport {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One execution: its result and the job it worked on (absent when up to date or refused). */
    public record Outcome(String executionName, ExecutionResult result, Optional<JobRun> job, long durationMs) {
        public boolean succeeded() {
            return result.status() == ExecutionStatus.SUCCEEDED;
        }

        /** What the state machine ended with: COMPLETED, FAILED, UP_TO_DATE, BUSY, or the execution's status. */
        public String verdict() {
            JsonNode out = result.output();
            if (succeeded() && out != null) {
                if (out.hasNonNull("status")) {
                    return out.get("status").asText();
                }
                if (out.hasNonNull("action")) {
                    return out.get("action").asText();
                }
            }
            return result.status().name();
        }

        public String reason() {
            JsonNode out = result.output();
            if (out != null && out.hasNonNull("reason")) {
                return out.get("reason").asText();
            }
            return result.cause() == null ? result.error() : result.error() + ": " + result.cause();
        }
    }

    private final LocalDeployment deployment;

    public LocalExport(LocalDeployment deployment) {
        this.deployment = deployment;
    }

    /** A scheduled run ({@code {}}) or, with dates, a manual one. */
    public static JsonNode input(Optional<LocalDate> start, Optional<LocalDate> end, boolean reexport) {
        ObjectNode in = JSON.createObjectNode();
        start.ifPresent(d -> in.put("startDate", d.toString()));
        end.ifPresent(d -> in.put("endDate", d.toString()));
        if (reexport) {
            in.put("reexport", true);
        }
        return in;
    }

    public Outcome run(JsonNode input, String executionName, PrintStream progressOut, boolean terminal) {
        long t0 = System.currentTimeMillis();
        ExecutionResult result;
        try (ProgressDisplay progress = progressOut == null
                ? null
                : new ProgressDisplay(deployment.jobs(), deployment.tracking(), progressOut, terminal)) {
            result = deployment.runExecution(input, executionName, e -> {});
        }
        Optional<JobRun> job = jobOf(result)
                .or(() -> deployment
                        .jobs()
                        .latest()
                        .filter(j -> j.createdAt() != null
                                && !j.createdAt()
                                        .isBefore(Instant.ofEpochMilli(t0).minusSeconds(1))));
        return new Outcome(executionName, result, job, System.currentTimeMillis() - t0);
    }

    public List<Outcome> runScheduled(int executions, PrintStream progressOut, boolean terminal) {
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 1; i <= executions; i++) {
            Outcome o = run(input(Optional.empty(), Optional.empty(), false), executionName(i), progressOut, terminal);
            outcomes.add(o);
            if (!o.succeeded() || !"COMPLETED".equals(o.verdict())) {
                break;
            }
        }
        return outcomes;
    }

    static String executionName(int i) {
        return "local-" + Instant.now().toString().replace(":", "").replace(".", "") + "-" + i;
    }

    private Optional<JobRun> jobOf(ExecutionResult result) {
        JsonNode out = result.output();
        if (out != null && out.hasNonNull("jobId")) {
            return deployment.jobs().find(out.get("jobId").asLong());
        }
        return Optional.empty();
    }
}
