package org.messageexport.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.messageexport.config.JobSettings;
import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.JobRun;
import org.messageexport.job.PlanResult.Action;
import org.messageexport.port.JobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what an execution works on. An unfinished job comes first: its owner keeps it while its
 * heartbeat is fresh, any execution takes it over once it is stale. Otherwise the next window starts
 * where the last completed one said ({@code next_run_date}), or at the configured first start date,
 * and is cut at now minus the safety lag. Planners are serialized by the store's planning lock, so one
 * window never runs twice at once.
 */
public final class JobPlanner {
    private static final Logger log = LoggerFactory.getLogger(JobPlanner.class);

    private final JobStore jobs;
    private final JobSettings settings;
    private final Clock clock;

    public JobPlanner(JobStore jobs, JobSettings settings, Clock clock) {
        this.jobs = jobs;
        this.settings = settings;
        this.clock = clock;
    }

    public PlanResult plan(PlanRequest request) {
        if (request.executionId() == null || request.executionId().isBlank()) {
            throw new InvalidRequestException("executionId is required");
        }
        Optional<ExportWindow> named = namedWindow(request);
        return jobs.underPlanningLock(() -> {
            Instant now = clock.instant();
            Optional<JobRun> running = jobs.findRunning();
            if (running.isPresent()) {
                return continueRunning(running.get(), request, named, now);
            }
            ExportWindow window;
            if (named.isPresent()) {
                window = named.get();
                checkNamedWindow(window, request.reexport(), now);
            } else {
                Optional<ExportWindow> next = nextScheduledWindow(now);
                if (next.isEmpty()) {
                    return new PlanResult(
                            Action.UP_TO_DATE,
                            null,
                            null,
                            null,
                            false,
                            request.executionId(),
                            "no complete window before " + latestEnd(now) + " (safety lag " + settings.safetyLag()
                                    + ")");
                }
                window = next.get();
            }
            JobRun job = jobs.create(window, request.reexport(), request.executionId(), now);
            log.info("job {} created for window {} (reexport={})", job.jobId(), window, request.reexport());
            return run(job, false, request.executionId());
        });
    }

    private PlanResult continueRunning(JobRun job, PlanRequest request, Optional<ExportWindow> named, Instant now) {
        if (job.ownedBy(request.executionId())) {
            return run(job, true, request.executionId());
        }
        if (named.isPresent() && !named.get().equals(job.window())) {
            return busy(
                    job,
                    request,
                    "job " + job.jobId() + " for " + job.window()
                            + " is unfinished; it must complete first (start an execution without dates to resume it)");
        }
        if (!job.isStale(now.minus(settings.heartbeatTimeout()))) {
            Duration age = job.heartbeatAt() == null ? Duration.ZERO : Duration.between(job.heartbeatAt(), now);
            return busy(
                    job,
                    request,
                    "job " + job.jobId() + " for " + job.window() + " is owned by execution " + job.executionId()
                            + " (last heartbeat " + age.toSeconds() + " s ago)");
        }
        if (!jobs.takeOver(job.jobId(), job.executionId(), request.executionId(), now)) {
            return busy(job, request, "job " + job.jobId() + " was taken over concurrently");
        }
        log.info(
                "job {} for {} resumed: owner {} silent since {}",
                job.jobId(),
                job.window(),
                job.executionId(),
                job.heartbeatAt());
        return run(job, true, request.executionId());
    }

    private static PlanResult run(JobRun job, boolean resumed, String executionId) {
        return new PlanResult(
                Action.RUN, job.jobId(), job.window().start(), job.window().end(), resumed, executionId, null);
    }

    private static PlanResult busy(JobRun job, PlanRequest request, String reason) {
        log.info("not planning: {}", reason);
        return new PlanResult(
                Action.BUSY,
                job.jobId(),
                job.window().start(),
                job.window().end(),
                false,
                request.executionId(),
                reason);
    }

    private Optional<ExportWindow> nextScheduledWindow(Instant now) {
        LocalDate start = jobs.lastNextRunDate()
                .or(settings::firstStartDate)
                .orElseThrow(() ->
                        new InvalidRequestException("no job has completed yet and no first start date is configured:"
                                + " set FIRST_START_DATE or start_date in CONFIG_FILE"));
        LocalDate end = start.plus(settings.window());
        LocalDate latest = latestEnd(now);
        if (end.isAfter(latest)) {
            end = latest;
        }
        return end.isAfter(start) ? Optional.of(new ExportWindow(start, end)) : Optional.empty();
    }

    /** The latest day boundary a window may end at: messages may still arrive for the last safety lag. */
    private LocalDate latestEnd(Instant now) {
        return now.minus(settings.safetyLag()).atZone(ZoneOffset.UTC).toLocalDate();
    }

    private static Optional<ExportWindow> namedWindow(PlanRequest request) {
        if (!request.namesWindow()) {
            if (request.reexport()) {
                throw new InvalidRequestException("reexport needs an explicit window: give startDate and endDate");
            }
            return Optional.empty();
        }
        LocalDate start =
                request.startDate().orElseThrow(() -> new InvalidRequestException("endDate given without startDate"));
        LocalDate end =
                request.endDate().orElseThrow(() -> new InvalidRequestException("startDate given without endDate"));
        if (!end.isAfter(start)) {
            throw new InvalidRequestException("endDate " + end + " must be after startDate " + start);
        }
        return Optional.of(new ExportWindow(start, end));
    }

    private void checkNamedWindow(ExportWindow window, boolean reexport, Instant now) {
        LocalDate latest = latestEnd(now);
        if (window.end().isAfter(latest)) {
            throw new InvalidRequestException("window " + window + " ends after " + latest
                    + ": messages may still arrive (safety lag " + settings.safetyLag() + ")");
        }
        List<ExportWindow> done = jobs.completedWindowsOverlapping(window);
        if (!done.isEmpty() && !reexport) {
            throw new InvalidRequestException("window " + window + " overlaps completed window " + done.getFirst()
                    + ": set reexport=true to export those messages again");
        }
    }
}
