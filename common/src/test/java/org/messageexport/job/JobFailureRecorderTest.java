package org.messageexport.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.JobStatus;
import org.messageexport.domain.MessageStatus;
import org.messageexport.port.JobStore.JobFinish;
import org.messageexport.testing.MutableClock;

class JobFailureRecorderTest {
    private static final Instant CREATED = Instant.parse("2026-03-02T01:00:00Z");
    private static final ExportWindow WINDOW =
            new ExportWindow(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-02"));
    private static final long JOB = 7;
    private static final String EXECUTION = "exec-1";

    private final MutableClock clock = new MutableClock(CREATED.plus(Duration.ofHours(1)));
    private final InMemoryJobStore jobs = new InMemoryJobStore();
    private final InMemoryJobSettlement settlement = new InMemoryJobSettlement();
    private final JobFailureRecorder recorder = new JobFailureRecorder(jobs, settlement, clock);

    private void givenJob() {
        jobs.put(InMemoryJobStore.running(JOB, WINDOW, EXECUTION, CREATED, true, 10));
        settlement.addMany("ok-", 6, JOB, MessageStatus.COMPLETED);
        settlement.addFailed("bad-1", JOB, "gone");
        settlement.add("waiting", JOB, MessageStatus.PENDING);
    }

    @Test
    void recordFailure_marksTheOwnedJobFailed_withErrorAndCause_andTheCountsSoFar() {
        givenJob();

        boolean marked = recorder.recordFailure(JOB, EXECUTION, "States.TaskFailed", "Lambda timed out");

        assertThat(marked).isTrue();
        JobRun job = jobs.find(JOB).orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.outcome().failureReason()).isEqualTo("States.TaskFailed: Lambda timed out");
        JobFinish finish = jobs.finishes.getFirst();
        assertThat(finish.completed()).isEqualTo(6);
        assertThat(finish.failed()).isEqualTo(1);
        assertThat(finish.nextRunDate()).isNull();
        assertThat(finish.manifestKey()).isNull();
        assertThat(finish.now()).isEqualTo(clock.instant());
    }

    @Test
    void recordFailure_withoutErrorOrCause_saysError() {
        givenJob();

        recorder.recordFailure(JOB, EXECUTION, null, " ");

        assertThat(jobs.find(JOB).orElseThrow().outcome().failureReason()).isEqualTo("error");
    }

    @Test
    void recordFailure_leavesTheRowsAsTheyAre_forTheNextRunToTakeOver() {
        givenJob();

        recorder.recordFailure(JOB, EXECUTION, "States.TaskFailed", "boom");

        assertThat(settlement.failUnsettledCalls).isEmpty();
        assertThat(settlement.rows.get("waiting").status).isEqualTo(MessageStatus.PENDING);
    }

    @Test
    void recordFailure_byAnExecutionThatDoesNotOwnTheJob_leavesTheJobToItsOwner() {
        givenJob();
        jobs.giveTo(JOB, "exec-2");

        boolean marked = recorder.recordFailure(JOB, EXECUTION, "States.TaskFailed", "boom");

        assertThat(marked).isFalse();
        assertThat(jobs.find(JOB).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
        assertThat(jobs.finishes).isEmpty();
    }

    @Test
    void recordFailure_withoutAnExecutionId_changesNothing() {
        givenJob();

        assertThat(recorder.recordFailure(JOB, null, "States.TaskFailed", "boom"))
                .isFalse();
        assertThat(jobs.find(JOB).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
    }

    @Test
    void recordFailure_beforeAJobWasPlanned_changesNothing() {
        givenJob();

        assertThat(recorder.recordFailure(null, EXECUTION, "States.TaskFailed", "no window"))
                .isFalse();
        assertThat(jobs.finishes).isEmpty();
    }

    @Test
    void recordFailure_ofAJobThatAlreadyFinished_keepsItsOutcome() {
        givenJob();
        recorder.recordFailure(JOB, EXECUTION, "first", null);

        assertThat(recorder.recordFailure(JOB, EXECUTION, "second", null)).isFalse();
        assertThat(jobs.find(JOB).orElseThrow().outcome().failureReason()).isEqualTo("first");
    }
}
