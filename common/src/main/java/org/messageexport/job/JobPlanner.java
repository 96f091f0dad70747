package org.messageexport.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.messageexport.config.EnvNames;
import org.messageexport.config.JobSettings;
import org.messageexport.domain.CompletenessProof;
import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.FailedWindow;
import org.messageexport.domain.JobKind;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.WindowRetryPolicy;
import org.messageexport.job.PlanResult.Action;
import org.messageexport.observability.Metrics;
import org.messageexport.observability.ScheduleMetrics;
import org.messageexport.port.JobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what an execution works on. An unfinished job comes first: its owner keeps it while its
 * heartbeat is fresh, any execution takes it over once it is stale. A named window becomes a manual job,
 * which never moves the schedule. Otherwise a failed window that its retry policy lets this execution try again
 * (oldest first; the retry is a job of the failed job's kind), then a recently completed window that received late
 * arrivals gets a follow-up job of kind late; else the next scheduled window starts where the schedule's cursor says
 * ({@code next_run_date} of the last scheduled job that completed or failed over its failure budget), or at the
 * configured first start date, and is cut at now minus the safety lag. Planners are serialized by the store's
 * planning lock, so one window never runs twice at once. Before a job runs, the preflight checks the indices and
 * fields it will read. Each plan reports the lag (the oldest due day not exported) and the windows waiting for an
 * operator as metrics.
 */
public final class JobPlanner {
    private static final Logger log = LoggerFactory.getLogger(JobPlanner.class);

    private final JobStore jobs;
    private final JobSettings settings;
    private final LateArrivalCheck lateArrivals;
    private final Runnable preflight;
    private final WindowRetryPolicy retries;
    private final TrackingRetention retention;
    private final Clock clock;

    /** Without a preflight: planning alone (its tests). */
    public JobPlanner(
            JobStore jobs,
            JobSettings settings,
            LateArrivalCheck lateArrivals,
            TrackingRetention retention,
            Clock clock) {
        this(jobs, settings, lateArrivals, () -> {}, retention, clock);
    }

    /**
     * @param preflight throws {@link PreflightException} when the cluster does not fit the configuration
     * @param retention prepares the tracking partitions of the planned window's days
     */
    public JobPlanner(
            JobStore jobs,
            JobSettings settings,
            LateArrivalCheck lateArrivals,
            Runnable preflight,
            TrackingRetention retention,
            Clock clock) {
        this.jobs = jobs;
        this.settings = settings;
        this.lateArrivals = lateArrivals;
        this.preflight = preflight;
        this.retries = new WindowRetryPolicy(settings.windowRetryLimit());
        this.retention = retention;
        this.clock = clock;
    }

    public PlanResult plan(PlanRequest request) {
        return plan(request, null);
    }

    /** As {@link #plan(PlanRequest)}, and emits the schedule's health to {@code metrics} (when not null). */
    public PlanResult plan(PlanRequest request, Metrics metrics) {
        if (request.executionId() == null || request.executionId().isBlank()) {
            throw new InvalidRequestException("executionId is required");
        }
        Optional<ExportWindow> named = namedWindow(request);
        named.ifPresent(this::checkLength);
        return jobs.underPlanningLock(() -> {
            Instant now = clock.instant();
            List<FailedWindow> failed = jobs.failedWindows();
            report(failed, now, metrics);
            Optional<JobRun> running = jobs.findRunning();
            if (running.isPresent()) {
                return continueRunning(running.get(), request, named, now);
            }
            ExportWindow window;
            JobKind kind;
            boolean reexport = request.reexport();
            if (named.isPresent()) {
                window = named.get();
                kind = JobKind.MANUAL;
                checkNamedWindow(window, request.reexport(), now);
            } else {
                Optional<FailedWindow> retry = failed.stream()
                        .filter(w -> retries.retries(w, request.executionId()))
                        .findFirst();
                if (retry.isPresent()) {
                    window = retry.get().window();
                    kind = retry.get().kind();
                    reexport = retry.get().reexport();
                    log.info(
                            "window {} failed in job {} (try {}, {}): trying it again",
                            window,
                            retry.get().jobId(),
                            retry.get().attempt(),
                            retry.get().reason());
                } else {
                    Optional<LocalDate> cursor = jobs.lastNextRunDate();
                    Optional<CompletenessProof> late = lateArrivals.firstWindowWithLateArrivals(cursor);
                    if (late.isPresent()) {
                        preflight.run();
                        JobRun job = jobs.create(late.get().window(), JobKind.LATE, false, request.executionId(), now);
                        log.info(
                                "job {} created for late arrivals in {}: {}",
                                job.jobId(),
                                job.window(),
                                late.get().describe());
                        return run(job, false, request.executionId());
                    }
                    kind = JobKind.SCHEDULED;
                    Optional<ExportWindow> next = nextScheduledWindow(cursor, now);
                    if (next.isEmpty()) {
                        return new PlanResult(
                                Action.UP_TO_DATE,
                                null,
                                null,
                                null,
                                false,
                                request.executionId(),
                                "no complete window before " + latestEnd(now) + " (safety lag " + settings.safetyLag()
                                        + ")",
                                null);
                    }
                    window = next.get();
                }
            }
            preflight.run();
            JobRun job = jobs.create(window, kind, reexport, request.executionId(), now);
            log.info("job {} ({}) created for window {} (reexport={})", job.jobId(), kind.dbValue(), window, reexport);
            return run(job, false, request.executionId());
        });
    }

    /**
     * The schedule's health: how many days the oldest due day not exported lies behind the latest day that may be
     * exported (0 when up to date), and how many windows wait for an operator.
     */
    private void report(List<FailedWindow> failed, Instant now, Metrics metrics) {
        if (metrics == null) {
            return;
        }
        LocalDate latest = latestEnd(now);
        Optional<LocalDate> cursor = jobs.lastNextRunDate().or(settings::firstStartDate);
        Optional<LocalDate> oldest = failed.stream()
                .map(w -> w.window().start())
                .findFirst()
                .map(d -> cursor.filter(c -> c.isBefore(d)).orElse(d))
                .or(() -> cursor);
        long lagDays =
                oldest.map(d -> Math.max(0, ChronoUnit.DAYS.between(d, latest))).orElse(0L);
        long awaiting = failed.stream().filter(retries::awaitsOperator).count();
        if (awaiting > 0) {
            log.error(
                    "{} window(s) failed over the failure budget {} times ({}) and wait for an operator: {}",
                    awaiting,
                    settings.windowRetryLimit(),
                    EnvNames.WINDOW_RETRY_LIMIT,
                    failed.stream()
                            .filter(retries::awaitsOperator)
                            .map(w -> w.window() + " (job " + w.jobId() + ": " + w.reason() + ")")
                            .toList());
        }
        metrics.put(ScheduleMetrics.EXPORT_LAG_DAYS, lagDays, Metrics.Unit.Count)
                .put(ScheduleMetrics.WINDOWS_AWAITING_OPERATOR, awaiting, Metrics.Unit.Count)
                .put(ScheduleMetrics.WINDOWS_FAILED, failed.size(), Metrics.Unit.Count)
                .emit();
    }

    private PlanResult continueRunning(JobRun job, PlanRequest request, Optional<ExportWindow> named, Instant now) {
        if (job.ownedBy(request.executionId())) {
            preflight.run();
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
        preflight.run();
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

    /** The job runs: its days get their tracking partitions first (a resumed job's are there already). */
    private PlanResult run(JobRun job, boolean resumed, String executionId) {
        retention.prepare(job.window());
        return new PlanResult(
                Action.RUN,
                job.jobId(),
                job.window().start(),
                job.window().end(),
                resumed,
                executionId,
                null,
                job.kind().dbValue());
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
                reason,
                job.kind().dbValue());
    }

    /** The window after the schedule's cursor: only scheduled jobs move it, so scheduled windows never leave a hole. */
    private Optional<ExportWindow> nextScheduledWindow(Optional<LocalDate> cursor, Instant now) {
        LocalDate start = cursor.or(settings::firstStartDate)
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

    private Optional<ExportWindow> namedWindow(PlanRequest request) {
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

    private void checkLength(ExportWindow window) {
        long days = ChronoUnit.DAYS.between(window.start(), window.end());
        if (days > settings.maxWindowDays()) {
            throw new InvalidRequestException(
                    "window " + window + " is " + days + " days long; at most " + settings.maxWindowDays() + " ("
                            + EnvNames.MAX_WINDOW_DAYS + "): split it into several executions");
        }
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
