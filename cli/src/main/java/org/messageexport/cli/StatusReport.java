package org.messageexport.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.messageexport.domain.FailedMessage;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.ProgressCounts;
import org.messageexport.port.JobExplorer;
import org.messageexport.port.JobSettlement;
import org.messageexport.port.JobStore;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.SfnException;

/**
 * {@code status}: the jobs (recent ones, or those of a window) with their execution's status, and the schedule's lag;
 * or one job in detail, its rows by status and its failed messages with reasons.
 */
final class StatusReport {
    /** One job as the overview lists it; {@code rate} in messages per second, null while unknown. */
    record JobLine(
            long jobId,
            String window,
            String status,
            boolean reexport,
            long extracted,
            long completed,
            long failed,
            Double rate,
            String execution,
            String executionStatus,
            String reason) {}

    /**
     * Where the schedule stands: the next scheduled window's start (null before any job completed) and how many whole
     * windows are due and not yet run.
     */
    record Schedule(LocalDate nextWindowStart, Period window, long windowsBehind) {}

    record Overview(List<JobLine> jobs, List<String> runningExecutions, Schedule schedule) {}

    record Detail(
            JobLine job,
            ProgressCounts rows,
            String manifestKey,
            String verdict,
            List<FailedMessage> failedMessages,
            long failedListed) {}

    private final JobStore jobs;
    private final JobExplorer explorer;
    private final JobSettlement settlement;
    private final SfnClient sfn;
    private final String stateMachineArn;
    private final Manifests manifests;
    private final Period window;
    private final Clock clock;

    StatusReport(
            JobStore jobs,
            JobExplorer explorer,
            JobSettlement settlement,
            SfnClient sfn,
            String stateMachineArn,
            Manifests manifests,
            Period window,
            Clock clock) {
        this.jobs = jobs;
        this.explorer = explorer;
        this.settlement = settlement;
        this.sfn = sfn;
        this.stateMachineArn = stateMachineArn;
        this.manifests = manifests;
        this.window = window;
        this.clock = clock;
    }

    /** The latest {@code limit} jobs, or those whose window holds {@code day}. */
    Overview overview(Optional<LocalDate> day, int limit) {
        List<JobRun> list = day.map(explorer::holding).orElseGet(() -> explorer.recent(limit));
        List<JobLine> lines = new ArrayList<>();
        for (JobRun j : list) {
            lines.add(line(j));
        }
        List<String> running = new ArrayList<>();
        for (ExecutionListItem e : sfn.listExecutionsPaginator(
                        l -> l.stateMachineArn(stateMachineArn).statusFilter(ExecutionStatus.RUNNING))
                .executions()) {
            running.add(e.name());
        }
        return new Overview(lines, running, schedule());
    }

    /**
     * One job in detail, at most {@code failedLimit} failed messages listed.
     *
     * @throws org.messageexport.job.InvalidRequestException when there is no such job
     */
    Detail detail(long jobId, int failedLimit) {
        JobRun job = jobs.find(jobId)
                .orElseThrow(
                        () -> new org.messageexport.job.InvalidRequestException("job " + jobId + " does not exist"));
        ProgressCounts rows = settlement.counts(jobId, clock.instant());
        List<FailedMessage> failed = settlement.failedMessages(jobId, failedLimit);
        String manifestKey = job.outcome() == null ? null : job.outcome().manifestKey();
        String verdict = manifests.read(manifestKey).flatMap(Manifests::verdict).orElse(null);
        return new Detail(line(job), rows, manifestKey, verdict, failed, failed.size());
    }

    Schedule schedule() {
        Optional<LocalDate> next = jobs.lastNextRunDate();
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        long behind = next.map(n -> {
                    long days = ChronoUnit.DAYS.between(n, today);
                    int length = Math.max(1, window.getDays());
                    return Math.max(0, days / length);
                })
                .orElse(0L);
        return new Schedule(next.orElse(null), window, behind);
    }

    private JobLine line(JobRun j) {
        long completed = j.outcome() != null ? j.outcome().completed() : 0;
        long failed = j.outcome() != null ? j.outcome().failed() : 0;
        if (j.outcome() == null) {
            ProgressCounts c = settlement.counts(j.jobId(), clock.instant());
            completed = c.completed();
            failed = c.failed();
        }
        Double rate = null;
        if (j.createdAt() != null && j.heartbeatAt() != null && j.heartbeatAt().isAfter(j.createdAt())) {
            double secs = Duration.between(j.createdAt(), j.heartbeatAt()).toMillis() / 1000.0;
            rate = (completed + failed) / secs;
        }
        return new JobLine(
                j.jobId(),
                j.window().toString(),
                j.status().name().toLowerCase(java.util.Locale.ROOT),
                j.reexport(),
                j.extracted(),
                completed,
                failed,
                rate,
                j.executionId(),
                executionStatus(j.executionId()),
                j.outcome() == null ? null : j.outcome().failureReason());
    }

    private String executionStatus(String arn) {
        if (arn == null || !arn.startsWith("arn:")) {
            return "-";
        }
        try {
            return sfn.describeExecution(d -> d.executionArn(arn)).statusAsString();
        } catch (SfnException e) {
            // e.g. an execution of a local deployment that has since restarted, or older than the history kept
            return "unknown";
        }
    }
}
