package org.messageexport.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import java.util.function.Consumer;
import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.ProgressCounts;
import org.messageexport.job.ExecutionVerdict;
import org.messageexport.port.JobExplorer;
import org.messageexport.port.JobSettlement;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * {@code start}: an execution of the export state machine with a validated input (a scheduled run, or a manual window,
 * perhaps a re-export), and, to wait for it, readings of the execution and of the job it works on.
 */
final class JobLauncher {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The execution's input: what PlanJob reads. */
    record Request(Optional<ExportWindow> window, boolean reexport) {
        /**
         * @throws IllegalArgumentException one line naming the bad option
         */
        static Request of(LocalDate start, LocalDate end, boolean reexport) {
            if ((start == null) != (end == null)) {
                throw new IllegalArgumentException("--start-date and --end-date go together");
            }
            if (start != null && !end.isAfter(start)) {
                throw new IllegalArgumentException("--end-date " + end + " must be after --start-date " + start);
            }
            if (reexport && start == null) {
                throw new IllegalArgumentException("--reexport needs --start-date and --end-date");
            }
            return new Request(start == null ? Optional.empty() : Optional.of(new ExportWindow(start, end)), reexport);
        }

        String input() {
            ObjectNode in = JSON.createObjectNode();
            window.ifPresent(w -> in.put("startDate", w.start().toString())
                    .put("endDate", w.end().toString()));
            if (reexport) {
                in.put("reexport", true);
            }
            return in.toString();
        }
    }

    /** A reading while waiting: the execution's status and, once planned, its job and rows. */
    record Reading(ExecutionStatus status, Optional<JobRun> job, ProgressCounts rows) {}

    private final SfnClient sfn;
    private final String stateMachineArn;
    private final JobExplorer explorer;
    private final JobSettlement settlement;
    private final Clock clock;

    JobLauncher(SfnClient sfn, String stateMachineArn, JobExplorer explorer, JobSettlement settlement, Clock clock) {
        this.sfn = sfn;
        this.stateMachineArn = stateMachineArn;
        this.explorer = explorer;
        this.settlement = settlement;
        this.clock = clock;
    }

    /** Starts an execution named {@code operator-<instant>}; returns its ARN. */
    String start(Request request) {
        String name = "operator-" + clock.instant().toString().replaceAll("[^0-9TZ]", "");
        return sfn.startExecution(
                        s -> s.stateMachineArn(stateMachineArn).name(name).input(request.input()))
                .executionArn();
    }

    DescribeExecutionResponse describe(String executionArn) {
        return sfn.describeExecution(d -> d.executionArn(executionArn));
    }

    /** The job an execution works (or worked) on: the newest one it owns. */
    Optional<JobRun> jobOf(String executionArn, Optional<DescribeExecutionResponse> ended) {
        Optional<JobRun> owned = explorer.recent(20).stream()
                .filter(j -> executionArn.equals(j.executionId()))
                .findFirst();
        if (owned.isPresent() || ended.isEmpty() || ended.get().output() == null) {
            return owned;
        }
        // a finished execution names its job in its output (a resumed job may since belong to another execution)
        try {
            JsonNode out = JSON.readTree(ended.get().output());
            if (out.hasNonNull("jobId")) {
                long id = out.get("jobId").asLong();
                return explorer.recent(200).stream()
                        .filter(j -> j.jobId() == id)
                        .findFirst();
            }
        } catch (java.io.IOException e) {
            // not JSON: no job to name
        }
        return Optional.empty();
    }

    /**
     * Reads the execution every {@code interval} until it ended (or {@code timeout}), passing each reading.
     *
     * @return the ended execution
     * @throws IllegalStateException when it did not end within {@code timeout}
     */
    DescribeExecutionResponse await(String executionArn, Duration interval, Duration timeout, Consumer<Reading> each)
            throws InterruptedException {
        Instant until = clock.instant().plus(timeout);
        while (true) {
            DescribeExecutionResponse d = describe(executionArn);
            boolean ended = d.status() != ExecutionStatus.RUNNING;
            Optional<JobRun> job = jobOf(executionArn, ended ? Optional.of(d) : Optional.empty());
            ProgressCounts rows = job.map(j -> settlement.counts(j.jobId(), clock.instant()))
                    .orElse(new ProgressCounts(0, 0, 0, 0, 0));
            each.accept(new Reading(d.status(), job, rows));
            if (ended) {
                return d;
            }
            if (clock.instant().isAfter(until)) {
                throw new IllegalStateException(
                        "execution " + executionArn + " still running after " + timeout + " (it goes on; see status)");
            }
            Thread.sleep(interval.toMillis());
        }
    }

    /** COMPLETED, FAILED, UP_TO_DATE, BUSY from a succeeded execution's output; else the execution's status. */
    static String verdict(DescribeExecutionResponse d) {
        JsonNode out = null;
        if (d.output() != null) {
            try {
                out = JSON.readTree(d.output());
            } catch (java.io.IOException e) {
                // not JSON: the execution's status is the verdict
            }
        }
        return ExecutionVerdict.of(d.status() == ExecutionStatus.SUCCEEDED, out, d.statusAsString());
    }
}
