package org.messageexport.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.messageexport.config.Env;
import org.messageexport.config.EnvNames;
import org.messageexport.config.JobSettings;
import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.MessageBatch;
import org.messageexport.domain.MessageStatus;
import org.messageexport.observability.Metrics;
import org.messageexport.port.BatchQueue;
import org.messageexport.port.JobOwnershipLostException;
import org.messageexport.port.StalledBatches;
import org.messageexport.testing.MutableClock;

class ProgressCheckTest {
    private static final Instant CREATED = Instant.parse("2026-03-02T01:00:00Z");
    private static final ExportWindow WINDOW =
            new ExportWindow(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-02"));
    private static final long JOB = 7;
    private static final String EXECUTION = "exec-1";

    private final MutableClock clock = new MutableClock(CREATED.plus(Duration.ofMinutes(10)));
    private final InMemoryJobStore jobs = new InMemoryJobStore();
    private final InMemoryJobSettlement settlement = new InMemoryJobSettlement();
    private final List<String> metricLines = new ArrayList<>();
    /** The batches the store reports stalled, and what the check asked and did with them. */
    private final List<MessageBatch> stalledBatches = new ArrayList<>();

    private final List<Instant> stalledAsked = new ArrayList<>();
    private final List<Long> sent = new ArrayList<>();
    private final List<Long> markedResent = new ArrayList<>();
    private final StalledBatches stalled = new StalledBatches() {
        @Override
        public List<MessageBatch> stalled(long jobId, Instant stalledBefore, int limit) {
            stalledAsked.add(stalledBefore);
            return stalledBatches;
        }

        @Override
        public void markResent(List<Long> batchIds, Instant now) {
            markedResent.addAll(batchIds);
        }
    };
    private final BatchQueue queue = (batches, onAccepted) -> {
        List<Long> ids = batches.stream().map(MessageBatch::batchId).toList();
        sent.addAll(ids);
        onAccepted.accepted(ids);
    };
    private final ProgressCheck check = new ProgressCheck(
            jobs,
            settlement,
            stalled,
            queue,
            JobSettings.from(
                    new Env(Map.of(EnvNames.JOB_DEADLINE, "PT12H", EnvNames.QUEUE_VISIBILITY_TIMEOUT, "PT5M"))),
            Duration.ofSeconds(60),
            clock);

    private ProgressReport check(int polls) {
        return check.check(JOB, EXECUTION, polls, new Metrics("test", metricLines::add, clock));
    }

    private void givenJob(boolean extractionDone) {
        jobs.put(InMemoryJobStore.running(JOB, WINDOW, EXECUTION, CREATED, extractionDone, 10));
    }

    @Test
    void check_isDone_whenExtractionFinishedAndAllRowsSettled() {
        givenJob(true);
        settlement.addMany("ok-", 8, JOB, MessageStatus.COMPLETED);
        settlement.addFailed("bad-1", JOB, "not found in index messages");
        settlement.addFailed("bad-2", JOB, "not found in index messages");

        ProgressReport report = check(3);

        assertThat(report.done()).isTrue();
        assertThat(report)
                .extracting(
                        ProgressReport::pending,
                        ProgressReport::inProgress,
                        ProgressReport::completed,
                        ProgressReport::failed,
                        ProgressReport::extracted,
                        ProgressReport::polls)
                .containsExactly(0L, 0L, 8L, 2L, 10L, 4);
        assertThat(settlement.failUnsettledCalls).isEmpty();
    }

    @Test
    void check_isNotDone_whileExtractionGoesOn_evenWhenEveryRowSoFarIsSettled() {
        givenJob(false);
        settlement.addMany("ok-", 5, JOB, MessageStatus.COMPLETED);

        assertThat(check(0).done()).isFalse();
    }

    @Test
    void check_isNotDone_whileRowsArePendingOrLeased_evenWhenTheLeaseExpired() {
        givenJob(true);
        settlement.addMany("ok-", 5, JOB, MessageStatus.COMPLETED);
        settlement.add("waiting", JOB, MessageStatus.PENDING);
        settlement.addLeased("live", JOB, clock.instant().plus(Duration.ofMinutes(5)));
        settlement.addLeased("stalled", JOB, clock.instant().minus(Duration.ofMinutes(5)));

        ProgressReport report = check(0);

        // a dead worker's row waits for its batch's redelivery: it is not settled
        assertThat(report.done()).isFalse();
        assertThat(report.pending()).isEqualTo(1);
        assertThat(report.inProgress()).isEqualTo(2);
        assertThat(settlement.rows.get("stalled").status).isEqualTo(MessageStatus.IN_PROGRESS);
    }

    @Test
    void check_sendsAgainTheBatchesStalledLongerThanTheVisibilityTimeout_soNoRowWaitsForALostMessage() {
        givenJob(true);
        settlement.add("waiting", JOB, MessageStatus.PENDING);
        stalledBatches.add(new MessageBatch(JOB, 41, List.of("waiting")));

        ProgressReport report = check(0);

        assertThat(report.done()).isFalse();
        assertThat(stalledAsked).containsExactly(clock.instant().minus(Duration.ofMinutes(5)));
        assertThat(sent).containsExactly(41L);
        assertThat(markedResent).containsExactly(41L);
    }

    @Test
    void check_looksForNoStalledBatch_whenEveryRowIsSettledOrLive() {
        givenJob(true);
        settlement.add("done", JOB, MessageStatus.COMPLETED);
        settlement.addLeased("live", JOB, clock.instant().plus(Duration.ofMinutes(5)));

        check(0);

        assertThat(stalledAsked).isEmpty();
        assertThat(sent).isEmpty();
    }

    @Test
    void check_countsOnlyTheRowsOfItsJob() {
        givenJob(true);
        settlement.addMany("ok-", 3, JOB, MessageStatus.COMPLETED);
        settlement.add("other-job", JOB + 1, MessageStatus.PENDING);

        ProgressReport report = check(0);

        assertThat(report.done()).isTrue();
        assertThat(report.completed()).isEqualTo(3);
        assertThat(report.pending()).isZero();
    }

    @Test
    void check_afterTheJobDeadline_failsEveryUnsettledRow_includingLiveLeases_andIsDone() {
        givenJob(true);
        settlement.add("done", JOB, MessageStatus.COMPLETED);
        settlement.add("waiting", JOB, MessageStatus.PENDING);
        settlement.addLeased("live", JOB, CREATED.plus(Duration.ofHours(13)));
        clock.set(CREATED.plus(Duration.ofHours(12)).plusSeconds(1));

        ProgressReport report = check(5);

        assertThat(report.done()).isTrue();
        assertThat(report.failed()).isEqualTo(2);
        assertThat(report.completed()).isEqualTo(1);
        assertThat(settlement.rows.get("waiting").lastError).isEqualTo("not exported within the job deadline of PT12H");
        assertThat(settlement.rows.get("live").status).isEqualTo(MessageStatus.FAILED);
        assertThat(settlement.rows.get("done").status).isEqualTo(MessageStatus.COMPLETED);
    }

    @Test
    void check_afterTheJobDeadline_isDoneEvenIfExtractionDidNotFinish() {
        givenJob(false);
        settlement.add("waiting", JOB, MessageStatus.PENDING);
        clock.set(CREATED.plus(Duration.ofHours(13)));

        ProgressReport report = check(0);

        assertThat(report.done()).isTrue();
        assertThat(settlement.failUnsettledCalls)
                .containsExactly(JOB + " true: not exported within the job deadline of PT12H");
    }

    @Test
    void check_afterTheJobDeadline_leavesASettledJobAlone() {
        givenJob(true);
        settlement.addMany("ok-", 4, JOB, MessageStatus.COMPLETED);
        clock.set(CREATED.plus(Duration.ofHours(13)));

        assertThat(check(0).done()).isTrue();
        assertThat(settlement.failUnsettledCalls).isEmpty();
    }

    @Test
    void check_waitDoublesWithEachPoll_cappedAtTheMaximumWait() {
        givenJob(false);

        List<Integer> waits = new ArrayList<>();
        for (int polls : new int[] {0, 1, 2, 3, 4, 5, 6, 40}) {
            waits.add(check(polls).waitSeconds());
        }

        assertThat(waits).containsExactly(2, 4, 8, 16, 32, 60, 60, 60);
    }

    @Test
    void check_refreshesTheOwnersHeartbeat() {
        givenJob(false);

        check(0);

        assertThat(jobs.find(JOB).orElseThrow().heartbeatAt()).isEqualTo(clock.instant());
    }

    @Test
    void check_byAnExecutionThatLostTheJob_failsWithOwnershipLost_andChangesNoRow() {
        givenJob(true);
        settlement.add("waiting", JOB, MessageStatus.PENDING);
        jobs.giveTo(JOB, "exec-2");
        clock.set(CREATED.plus(Duration.ofHours(13)));

        assertThatThrownBy(() -> check(0)).isInstanceOf(JobOwnershipLostException.class);
        assertThat(settlement.rows.get("waiting").status).isEqualTo(MessageStatus.PENDING);
    }

    @Test
    void check_emitsTheCountsAsOneMetricsLine() throws Exception {
        givenJob(true);
        settlement.add("waiting", JOB, MessageStatus.PENDING);
        settlement.addLeased("stalled", JOB, clock.instant().minusSeconds(1));
        settlement.add("done", JOB, MessageStatus.COMPLETED);

        check(0);

        assertThat(metricLines).hasSize(1);
        JsonNode line = new ObjectMapper().readTree(metricLines.getFirst());
        assertThat(line.get("jobId").asLong()).isEqualTo(JOB);
        assertThat(line.get("MessagesPending").asInt()).isEqualTo(1);
        assertThat(line.get("MessagesInProgress").asInt()).isEqualTo(1);
        assertThat(line.get("MessagesCompleted").asInt()).isEqualTo(1);
        assertThat(line.get("MessagesFailed").asInt()).isZero();
    }
}
