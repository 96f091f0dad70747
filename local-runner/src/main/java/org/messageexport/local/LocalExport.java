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
import org.messageexport.service.ScheduledExport;
import org.messageexport.statemachine.ExecutionResult;
import org.messageexport.statemachine.ExecutionStatus;

/** Runs executions of the export on a {@link LocalDeployment} and reports each one like an operator would want. */
public final class LocalExport {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One execution: its result and the jobs it worked on, in order (none when up to date or refused; several when it
     * caught up on more than one window).
     */
    public record Outcome(String executionName, ExecutionResult result, List<JobRun> jobs, long durationMs) {
        public Outcome {
            jobs = List.copyOf(jobs);
        }

        /** The last job the execution worked on (the one its output names). */
        public Optional<JobRun> job() {
            return jobs.isEmpty() ? Optional.empty() : Optional.of(jobs.getLast());
        }

        public boolean succeeded() {
            return result.status() == ExecutionStatus.SUCCEEDED;
        }

        /** What the state machine ended with: COMPLETED, FAILED, UP_TO_DATE, BUSY, or the execution's status. */
        public String verdict() {
            return ScheduledExport.verdict(result);
        }

        public String reason() {
            return ScheduledExport.reason(result);
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
        long lastJobBefore = deployment.jobs().latest().map(JobRun::jobId).orElse(0L);
        Optional<JobRun> runningBefore = deployment.jobs().findRunning();
        ExecutionResult result;
        try (ProgressDisplay progress = progressOut == null
                ? null
                : new ProgressDisplay(deployment.jobs(), deployment.tracking(), progressOut, terminal)) {
            result = deployment.runExecution(input, executionName, e -> {});
        }
        return new Outcome(
                executionName, result, jobsOf(result, lastJobBefore, runningBefore), System.currentTimeMillis() - t0);
    }

    /**
     * The jobs an execution worked on: a job it resumed (running before it, not after), the jobs created since it
     * started, and the job its output names (a resumed last one), in job order.
     */
    private List<JobRun> jobsOf(ExecutionResult result, long lastJobBefore, Optional<JobRun> runningBefore) {
        java.util.TreeMap<Long, JobRun> jobs = new java.util.TreeMap<>();
        runningBefore
                .flatMap(j -> deployment.jobs().find(j.jobId()))
                .filter(j -> j.status() != runningBefore.get().status())
                .ifPresent(j -> jobs.put(j.jobId(), j));
        long last = deployment.jobs().latest().map(JobRun::jobId).orElse(lastJobBefore);
        for (long id = lastJobBefore + 1; id <= last; id++) {
            deployment.jobs().find(id).ifPresent(j -> jobs.put(j.jobId(), j));
        }
        jobOf(result).ifPresent(j -> jobs.put(j.jobId(), j));
        return new ArrayList<>(jobs.values());
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

    /** A unique execution name: {@code local-<instant>-<i>}. */
    public static String executionName(int i) {
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
