package org.messageexport.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.messageexport.adapter.mysql.MySqlJobStore;
import org.messageexport.adapter.mysql.MySqlTrackingPartitions;
import org.messageexport.config.JobSettings;
import org.messageexport.domain.FailureBudget;
import org.messageexport.domain.JobKind;
import org.messageexport.domain.JobStatus;
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.embedded.EmbeddedServicesExtension;
import org.messageexport.job.PlanResult.Action;
import org.messageexport.observability.Metrics;
import org.messageexport.port.JobStore.JobFinish;
import org.messageexport.testing.MutableClock;
import org.messageexport.testing.TestServices;

/** Planning semantics on the real MySQL job store. */
@ExtendWith(EmbeddedServicesExtension.class)
class JobPlannerIT {
    static final LocalDate FIRST = LocalDate.of(2026, 11, 1);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-05T08:00:00Z"));
    private MySqlJobStore jobs;
    private MySqlTrackingPartitions partitions;
    private JobPlanner planner;

    @BeforeEach
    void setUp(EmbeddedServices services) {
        DataSource ds = TestServices.dataSource(services);
        TestServices.truncate(ds);
        jobs = new MySqlJobStore(ds);
        partitions = new MySqlTrackingPartitions(ds);
        planner = planner(Optional.of(FIRST));
    }

    private JobPlanner planner(Optional<LocalDate> first) {
        return new JobPlanner(
                jobs, settings(first), LateArrivalCheck.off(), new TrackingRetention(partitions, 0, clock), clock);
    }

    private static JobSettings settings(Optional<LocalDate> first) {
        return new JobSettings(
                500,
                10_000,
                Duration.ofMinutes(5),
                Period.ofDays(1),
                Duration.ofHours(1),
                first,
                FailureBudget.NONE,
                RETRY_LIMIT,
                JobSettings.DEFAULT_MAX_WINDOW_DAYS,
                Duration.ofHours(12),
                Duration.ofMinutes(15),
                Duration.ofMinutes(30),
                0,
                Duration.ofMinutes(90),
                0);
    }

    private static final int RETRY_LIMIT = 2;

    /** Finalize's outcome over the budget: failed, the schedule moved past the window. */
    private void failOverBudget(PlanResult plan) {
        assertThat(jobs.finish(new JobFinish(
                        plan.jobId(),
                        plan.executionId(),
                        JobStatus.FAILED,
                        "1 of 10 messages failed (failure budget 0)",
                        9,
                        1,
                        "m.json",
                        plan.endDate(),
                        null,
                        clock.instant(),
                        true)))
                .isTrue();
    }

    private List<String> metricLines = new ArrayList<>();

    private Metrics metrics() {
        return new Metrics("plan-job", metricLines::add, clock);
    }

    @Test
    void windowOverBudget_laterWindowsProceed_andLaterExecutionsRetryItUpToTheLimit_thenItWaitsForAnOperator() {
        PlanResult day1 = planner.plan(PlanRequest.scheduled("e1"));
        failOverBudget(day1);

        // the same execution goes on with the next window (catch-up), not the failed one
        PlanResult day2 = planner.plan(PlanRequest.scheduled("e1"));
        assertThat(day2.startDate()).isEqualTo(FIRST.plusDays(1));
        complete(day2);

        // a later execution retries the failed window first: try 2
        PlanResult retry = planner.plan(PlanRequest.scheduled("e2"));
        assertThat(retry.action()).isEqualTo(Action.RUN);
        assertThat(retry.startDate()).isEqualTo(FIRST);
        failOverBudget(retry);
        assertThat(jobs.failedWindows()).singleElement().satisfies(w -> {
            assertThat(w.attempt()).isEqualTo(2);
            assertThat(w.overBudget()).isTrue();
        });

        // past the limit (2 tries over budget): it stays failed; the schedule goes on without it
        PlanResult next = planner.plan(PlanRequest.scheduled("e3"), metrics());
        assertThat(next.startDate()).isEqualTo(FIRST.plusDays(2));
        assertThat(metricLines.getFirst()).contains("\"WindowsAwaitingOperator\":1.0");
        // lag: the oldest due day not exported (FIRST) to the latest exportable day (2026-11-05)
        assertThat(metricLines.getFirst()).contains("\"ExportLagDays\":4.0");
    }

    @Test
    void jobFailedByAnError_isRetriedByTheNextExecution_withoutCountingATry() {
        PlanResult day1 = planner.plan(PlanRequest.scheduled("e1"));
        assertThat(jobs.finish(new JobFinish(
                        day1.jobId(),
                        "e1",
                        JobStatus.FAILED,
                        "TransientException: ES down",
                        0,
                        0,
                        null,
                        null,
                        null,
                        clock.instant())))
                .isTrue();

        PlanResult again = planner.plan(PlanRequest.scheduled("e2"));

        assertThat(again.startDate()).isEqualTo(FIRST);
        assertThat(jobs.failedWindows()).isEmpty();
        complete(again);
        assertThat(planner.plan(PlanRequest.scheduled("e2")).startDate()).isEqualTo(FIRST.plusDays(1));
    }

    @Test
    void upToDate_reportsNoLag() {
        clock.set(Instant.parse("2026-11-02T08:00:00Z"));
        complete(planner.plan(PlanRequest.scheduled("e1")));

        PlanResult plan = planner.plan(PlanRequest.scheduled("e2"), metrics());

        assertThat(plan.action()).isEqualTo(Action.UP_TO_DATE);
        assertThat(metricLines.getFirst())
                .contains("\"ExportLagDays\":0.0")
                .contains("\"WindowsAwaitingOperator\":0.0");
    }

    @Test
    void manualWindowLongerThanMaxWindowDays_isRefused_namingTheSetting() {
        assertThatThrownBy(() -> planner.plan(manual("m1", "2026-09-01", "2026-10-03", false)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("window [2026-09-01, 2026-10-03) is 32 days long; at most 31 (MAX_WINDOW_DAYS): split it"
                        + " into several executions");
        assertThat(planner.plan(manual("m1", "2026-09-01", "2026-10-02", false)).action())
                .isEqualTo(Action.RUN);
    }

    @Test
    void preflightFailure_stopsThePlan_beforeAJobIsCreated() {
        JobPlanner withPreflight = new JobPlanner(
                jobs,
                settings(Optional.of(FIRST)),
                LateArrivalCheck.off(),
                () -> {
                    throw new PreflightException("preflight: index 'history' does not exist");
                },
                new TrackingRetention(partitions, 0, clock),
                clock);

        assertThatThrownBy(() -> withPreflight.plan(PlanRequest.scheduled("e1")))
                .isInstanceOf(PreflightException.class)
                .hasMessageContaining("'history'");
        assertThat(jobs.latest()).isEmpty();
    }

    private void complete(PlanResult plan) {
        assertThat(jobs.finish(new JobFinish(
                        plan.jobId(),
                        plan.executionId(),
                        JobStatus.COMPLETED,
                        null,
                        10,
                        0,
                        "m.json",
                        JobKind.valueOf(plan.kind().toUpperCase(java.util.Locale.ROOT))
                                        .advancesSchedule()
                                ? plan.endDate()
                                : null,
                        null,
                        clock.instant())))
                .isTrue();
    }

    private static PlanRequest manual(String exec, String start, String end, boolean reexport) {
        return new PlanRequest(
                exec,
                Optional.ofNullable(start).map(LocalDate::parse),
                Optional.ofNullable(end).map(LocalDate::parse),
                reexport);
    }

    @Test
    void firstRun_startsAtConfiguredStartDate_forOneDay() {
        PlanResult plan = planner.plan(PlanRequest.scheduled("e1"));

        assertThat(plan.action()).isEqualTo(Action.RUN);
        assertThat(plan.startDate()).isEqualTo(FIRST);
        assertThat(plan.endDate()).isEqualTo(FIRST.plusDays(1));
        assertThat(plan.resumed()).isFalse();
        assertThat(jobs.find(plan.jobId()).orElseThrow().executionId()).isEqualTo("e1");
    }

    @Test
    void nextRun_startsAtLastCompletedJobsNextRunDate() {
        complete(planner.plan(PlanRequest.scheduled("e1")));

        PlanResult next = planner.plan(PlanRequest.scheduled("e2"));

        assertThat(next.action()).isEqualTo(Action.RUN);
        assertThat(next.startDate()).isEqualTo(FIRST.plusDays(1));
        assertThat(next.endDate()).isEqualTo(FIRST.plusDays(2));
    }

    @Test
    void firstRun_withoutStartDate_isAClearError() {
        assertThatThrownBy(() -> planner(Optional.empty()).plan(PlanRequest.scheduled("e1")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("FIRST_START_DATE");
    }

    @Test
    void runningJobOwnedByALiveExecution_isBusy_andTheWindowIsUntouched() {
        PlanResult first = planner.plan(PlanRequest.scheduled("e1"));
        clock.advance(Duration.ofMinutes(10));

        PlanResult second = planner.plan(PlanRequest.scheduled("e2"));

        assertThat(second.action()).isEqualTo(Action.BUSY);
        assertThat(second.jobId()).isEqualTo(first.jobId());
        assertThat(second.reason()).contains("owned by execution e1");
        assertThat(jobs.find(first.jobId()).orElseThrow().executionId()).isEqualTo("e1");
    }

    @Test
    void runningJobWithStaleHeartbeat_isResumedByTheNextExecution() {
        PlanResult first = planner.plan(PlanRequest.scheduled("e1"));
        clock.advance(Duration.ofMinutes(31));

        PlanResult second = planner.plan(PlanRequest.scheduled("e2"));

        assertThat(second.action()).isEqualTo(Action.RUN);
        assertThat(second.resumed()).isTrue();
        assertThat(second.jobId()).isEqualTo(first.jobId());
        assertThat(second.startDate()).isEqualTo(first.startDate());
        assertThat(jobs.find(first.jobId()).orElseThrow().executionId()).isEqualTo("e2");
        // the old owner has lost it
        assertThat(jobs.heartbeat(first.jobId(), "e1", clock.instant())).isFalse();
    }

    @Test
    void sameExecutionPlanningAgain_resumesItsOwnJob() {
        PlanResult first = planner.plan(PlanRequest.scheduled("e1"));

        PlanResult again = planner.plan(PlanRequest.scheduled("e1"));

        assertThat(again.action()).isEqualTo(Action.RUN);
        assertThat(again.jobId()).isEqualTo(first.jobId());
        assertThat(again.resumed()).isTrue();
    }

    @Test
    void windowCutAtNowMinusLag_andUpToDateWhenNothingIsDue() {
        clock.set(Instant.parse("2026-11-02T00:30:00Z")); // lag 1 h: 2026-11-01 is not complete yet
        PlanResult plan = planner.plan(PlanRequest.scheduled("e1"));
        assertThat(plan.action()).isEqualTo(Action.UP_TO_DATE);
        assertThat(plan.jobId()).isNull();

        clock.set(Instant.parse("2026-11-02T01:30:00Z"));
        PlanResult due = planner.plan(PlanRequest.scheduled("e2"));
        assertThat(due.action()).isEqualTo(Action.RUN);
        assertThat(due.endDate()).isEqualTo(LocalDate.parse("2026-11-02"));
    }

    @Test
    void concurrentPlanners_createOneJob() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<PlanResult>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String exec = "e" + i;
                results.add(pool.submit((Callable<PlanResult>) () -> planner.plan(PlanRequest.scheduled(exec))));
            }
            long runs = 0;
            for (Future<PlanResult> f : results) {
                runs += f.get().action() == Action.RUN ? 1 : 0;
            }
            assertThat(runs).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void manualWindow_isPlannedAsGiven() {
        PlanResult plan = planner.plan(manual("m1", "2026-10-01", "2026-10-04", false));

        assertThat(plan.action()).isEqualTo(Action.RUN);
        assertThat(plan.startDate()).isEqualTo(LocalDate.parse("2026-10-01"));
        assertThat(plan.endDate()).isEqualTo(LocalDate.parse("2026-10-04"));
    }

    @Test
    void badManualWindows_areClearErrors() {
        assertThatThrownBy(() -> planner.plan(manual("m", "2026-11-03", "2026-11-02", false)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("endDate 2026-11-02 must be after startDate 2026-11-03");
        assertThatThrownBy(() -> planner.plan(manual("m", "2026-11-03", null, false)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("startDate given without endDate");
        assertThatThrownBy(() -> planner.plan(manual("m", "2026-11-03", "2026-11-09", false)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("messages may still arrive");
        assertThatThrownBy(() -> planner.plan(new PlanRequest("m", Optional.empty(), Optional.empty(), true)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("reexport needs an explicit window");
        assertThat(jobs.findRunning()).isEmpty();
    }

    @Test
    void manualWindowOverlappingACompletedJob_needsReexport() {
        complete(planner.plan(PlanRequest.scheduled("e1")));

        assertThatThrownBy(() -> planner.plan(manual("m1", "2026-10-31", "2026-11-02", false)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("window [2026-10-31, 2026-11-02) overlaps completed window [2026-11-01, 2026-11-02):"
                        + " set reexport=true to export those messages again");

        PlanResult reexport = planner.plan(manual("m2", "2026-10-31", "2026-11-02", true));
        assertThat(reexport.action()).isEqualTo(Action.RUN);
        assertThat(jobs.find(reexport.jobId()).orElseThrow().reexport()).isTrue();
    }

    @Test
    void manualWindowAheadOfTheSchedule_neverMovesIt_soTheDayBetweenIsNotSkipped() {
        complete(planner.plan(PlanRequest.scheduled("e1"))); // [11-01, 11-02)
        PlanResult manual = planner.plan(manual("m1", "2026-11-03", "2026-11-04", false));
        assertThat(manual.kind()).isEqualTo("manual");
        complete(manual);

        PlanResult next = planner.plan(PlanRequest.scheduled("e2"));

        assertThat(next.kind()).isEqualTo("scheduled");
        assertThat(next.startDate()).isEqualTo(LocalDate.parse("2026-11-02"));
        assertThat(next.endDate()).isEqualTo(LocalDate.parse("2026-11-03"));
        assertThat(jobs.find(manual.jobId()).orElseThrow().kind()).isEqualTo(JobKind.MANUAL);
        assertThat(jobs.lastNextRunDate()).contains(LocalDate.parse("2026-11-02"));
    }

    @Test
    void manualWindowBehindTheSchedule_orBeforeItsFirstDay_leavesTheCursorWhereItWas() {
        complete(planner.plan(manual("m1", "2026-10-01", "2026-10-03", false)));

        PlanResult first = planner.plan(PlanRequest.scheduled("e1"));
        assertThat(first.startDate()).isEqualTo(FIRST);
        complete(first);
        complete(planner.plan(manual("m2", "2026-10-20", "2026-10-22", false)));

        assertThat(planner.plan(PlanRequest.scheduled("e2")).startDate()).isEqualTo(FIRST.plusDays(1));
    }

    @Test
    void failedScheduledWindow_isPlannedAgain_whileManualJobsComeAndGo() {
        PlanResult first = planner.plan(PlanRequest.scheduled("e1"));
        assertThat(jobs.finish(new JobFinish(
                        first.jobId(), "e1", JobStatus.FAILED, "boom", 0, 1, "m.json", null, null, clock.instant())))
                .isTrue();
        complete(planner.plan(manual("m1", "2026-11-02", "2026-11-03", false)));

        PlanResult again = planner.plan(PlanRequest.scheduled("e2"));

        assertThat(again.startDate()).isEqualTo(FIRST);
        assertThat(again.kind()).isEqualTo("scheduled");
    }

    @Test
    void manualWindowWhileAnotherJobIsUnfinished_isBusy() {
        planner.plan(PlanRequest.scheduled("e1"));
        clock.advance(Duration.ofHours(2));

        PlanResult manual = planner.plan(manual("m1", "2026-10-01", "2026-10-02", false));

        assertThat(manual.action()).isEqualTo(Action.BUSY);
        assertThat(manual.reason()).contains("is unfinished");
    }
}
