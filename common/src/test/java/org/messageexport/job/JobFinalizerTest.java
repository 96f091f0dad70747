package org.messageexport.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.messageexport.domain.CompletenessProof;
import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.ExtractionCursor;
import org.messageexport.domain.FailureBudget;
import org.messageexport.domain.IdPage;
import org.messageexport.domain.JobKind;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.JobStatus;
import org.messageexport.domain.MessageStatus;
import org.messageexport.domain.ObjectKeyScheme;
import org.messageexport.domain.RejectedMessage;
import org.messageexport.observability.Metrics;
import org.messageexport.port.JobOwnershipLostException;
import org.messageexport.port.MessageIndex;
import org.messageexport.port.ObjectStore;
import org.messageexport.port.TrackingPartitions;
import org.messageexport.testing.MutableClock;

class JobFinalizerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant CREATED = Instant.parse("2026-03-02T01:00:00Z");
    private static final ExportWindow WINDOW =
            new ExportWindow(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-02"));
    private static final long JOB = 7;
    private static final String EXECUTION = "exec-1";
    private static final String MANIFEST = "exports/manifests/2026-03-01_2026-03-02_job-7.json";
    private static final String KEYS = "exports/manifests/2026-03-01_2026-03-02_job-7.keys.ndjson";

    private final MutableClock clock = new MutableClock(CREATED.plus(Duration.ofMinutes(30)));
    private final InMemoryJobStore jobs = new InMemoryJobStore();
    private final InMemoryJobSettlement settlement = new InMemoryJobSettlement();
    private final Manifests manifests = new Manifests();
    /** What the index answers for the window's count; null: as many as the rows (a complete window). */
    private Long indexCount;

    private final MessageIndex index = new MessageIndex() {
        @Override
        public long count(ExportWindow window) {
            assertThat(window).isEqualTo(WINDOW);
            return indexCount != null ? indexCount : settlement.counts(WINDOW).tracked();
        }

        @Override
        public IdPage nextPage(ExportWindow window, ExtractionCursor cursor, int pageSize) {
            throw new UnsupportedOperationException("finalizing reads no ids");
        }

        @Override
        public void release(ExtractionCursor cursor) {}
    };
    private final List<String> metricLines = new ArrayList<>();

    /** Keeps what was written, and the job's status at the moment of each write. */
    private final class Manifests implements ObjectStore {
        final Map<String, byte[]> objects = new LinkedHashMap<>();
        final List<JobStatus> jobStatusAtPut = new ArrayList<>();
        Runnable duringPut = () -> {};

        @Override
        public void put(String key, byte[] json, String contentType) {
            jobStatusAtPut.add(jobs.find(JOB).orElseThrow().status());
            duringPut.run();
            objects.put(key, json);
        }

        JsonNode read(String key) throws Exception {
            return JSON.readTree(objects.get(key));
        }
    }

    /** Records the cutoffs it was asked to drop before; drops one partition each time. */
    private static final class Partitions implements TrackingPartitions {
        final List<LocalDate> dropCutoffs = new ArrayList<>();
        RuntimeException failure;

        @Override
        public void prepareDays(LocalDate from, LocalDate through) {}

        @Override
        public List<DayPartition> dropSettledBefore(LocalDate cutoff) {
            dropCutoffs.add(cutoff);
            if (failure != null) {
                throw failure;
            }
            return List.of(new DayPartition("p" + cutoff, Optional.empty(), Optional.of(cutoff), 10));
        }

        @Override
        public List<DayPartition> partitions() {
            return List.of();
        }
    }

    private final Partitions partitions = new Partitions();
    private int retentionDays;

    private JobFinalizer finalizer(int failureBudget) {
        return new JobFinalizer(
                jobs,
                settlement,
                index,
                settlement,
                manifests,
                new ObjectKeyScheme("exports"),
                FailureBudget.count(failureBudget),
                new TrackingRetention(partitions, retentionDays, clock),
                clock);
    }

    private FinalizeResult finalizeJob(int failureBudget) {
        return finalizer(failureBudget).finalizeJob(JOB, EXECUTION, new Metrics("test", metricLines::add, clock));
    }

    @Test
    void finalize_dropsTrackingPartitionsOlderThanTheRetention_onlyWhenTheJobCompletes() {
        retentionDays = 30;
        givenJob();
        settlement.addFailed("bad-1", JOB, "gone");

        assertThat(finalizeJob(0).status()).isEqualTo(JobStatus.FAILED);
        assertThat(partitions.dropCutoffs).isEmpty();

        jobs.put(InMemoryJobStore.running(JOB + 1, WINDOW, EXECUTION, CREATED, true, 10));
        settlement.addMany("ok-", 3, JOB + 1, MessageStatus.COMPLETED);
        finalizer(0).finalizeJob(JOB + 1, EXECUTION, new Metrics("test", metricLines::add, clock));

        // today (2026-03-02 UTC) minus 30 days: days before 2026-01-31 may go
        assertThat(partitions.dropCutoffs).containsExactly(LocalDate.parse("2026-01-31"));
        assertThat(metricLines.getLast()).contains("\"TrackingPartitionsDropped\":1");
    }

    @Test
    void finalize_keepsTrackingForever_withRetentionZero_andCompletesWhenADropFails() {
        retentionDays = 0;
        givenJob();
        settlement.addMany("ok-", 3, JOB, MessageStatus.COMPLETED);
        assertThat(finalizeJob(0).status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(partitions.dropCutoffs).isEmpty();

        retentionDays = 1;
        partitions.failure = new IllegalStateException("Lock wait timeout exceeded");
        jobs.put(InMemoryJobStore.running(JOB + 1, WINDOW, EXECUTION, CREATED, true, 10));
        settlement.addMany("more-", 3, JOB + 1, MessageStatus.COMPLETED);
        FinalizeResult second =
                finalizer(0).finalizeJob(JOB + 1, EXECUTION, new Metrics("test", metricLines::add, clock));

        assertThat(second.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(partitions.dropCutoffs).containsExactly(LocalDate.parse("2026-03-01"));
        assertThat(jobs.find(JOB + 1).orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
    }

    private void givenJob() {
        jobs.put(InMemoryJobStore.running(JOB, WINDOW, EXECUTION, CREATED, true, 10));
    }

    @Test
    void finalize_completesTheJob_whenFailuresAreWithinTheBudget_andTheNextWindowStartsAtItsEnd() throws Exception {
        givenJob();
        settlement.addMany("ok-", 9, JOB, MessageStatus.COMPLETED);
        settlement.addFailed("bad-1", JOB, "not found in index messages");

        FinalizeResult result = finalizeJob(1);

        assertThat(result.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(result.reason()).isNull();
        assertThat(result.manifestKey()).isEqualTo(MANIFEST);
        assertThat(result)
                .extracting(FinalizeResult::completed, FinalizeResult::failed)
                .containsExactly(9L, 1L);
        JobRun job = jobs.find(JOB).orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(job.outcome().manifestKey()).isEqualTo(MANIFEST);
        assertThat(jobs.finishes.getFirst().nextRunDate()).isEqualTo(WINDOW.end());
        assertThat(jobs.finishes.getFirst().now()).isEqualTo(clock.instant());
    }

    @Test
    void finalize_failsTheJobOverBudget_namingTheFirst_andTheScheduleMovesPastTheWindow() {
        givenJob();
        settlement.addMany("ok-", 8, JOB, MessageStatus.COMPLETED);
        settlement.addFailed("bad-1", JOB, "not found in index messages");
        settlement.addFailed("bad-2", JOB, "no usable timestamp in field 'timestamp'");

        FinalizeResult result = finalizeJob(1);

        assertThat(result.status()).isEqualTo(JobStatus.FAILED);
        assertThat(result.reason())
                .isEqualTo("2 of 10 messages failed (failure budget 1); first: bad-1: not found in index messages");
        assertThat(jobs.find(JOB).orElseThrow().status()).isEqualTo(JobStatus.FAILED);
        assertThat(jobs.finishes.getFirst().nextRunDate()).isEqualTo(WINDOW.end());
        assertThat(jobs.finishes.getFirst().overBudget()).isTrue();
        assertThat(jobs.finishes.getFirst().reason()).isEqualTo(result.reason());
    }

    @Test
    void finalize_withAPercentageBudget_completesAtTheShare_andFailsAboveIt() throws Exception {
        givenJob();
        settlement.addMany("ok-", 18, JOB, MessageStatus.COMPLETED);
        settlement.addFailed("bad-1", JOB, "document too large");
        settlement.addFailed("bad-2", JOB, "not found in index messages");

        FinalizeResult within = new JobFinalizer(
                        jobs,
                        settlement,
                        index,
                        settlement,
                        manifests,
                        new ObjectKeyScheme("exports"),
                        FailureBudget.percent(new java.math.BigDecimal("10")),
                        new TrackingRetention(partitions, retentionDays, clock),
                        clock)
                .finalizeJob(JOB, EXECUTION, new Metrics("test", metricLines::add, clock));

        assertThat(within.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(jobs.finishes.getFirst().overBudget()).isFalse();
        assertThat(FailureBudget.percent(new java.math.BigDecimal("9.99")).allows(2, 20))
                .isFalse();
        assertThat(FailureBudget.percent(new java.math.BigDecimal("10")).allows(2, 20))
                .isTrue();
        assertThat(FailureBudget.percent(new java.math.BigDecimal("0")).allows(0, 0))
                .isTrue();
    }

    @Test
    void finalize_countsRejectedMessagesAsFailed_listsThemFirst_andTheBudgetDecides() throws Exception {
        givenJob();
        settlement.addMany("ok-", 9, JOB, MessageStatus.COMPLETED);
        String tooLong = "r".repeat(600);
        settlement.rejected.put(
                JOB, List.of(new RejectedMessage(tooLong, "message id of 600 bytes (UTF-8) is longer")));

        FinalizeResult withinBudget = finalizeJob(1);

        assertThat(withinBudget.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(withinBudget.failed()).isEqualTo(1);
        assertThat(withinBudget.completed()).isEqualTo(9);
        JsonNode m = manifests.read(MANIFEST);
        assertThat(m.get("counts").get("failed").asLong()).isEqualTo(1);
        assertThat(m.get("counts").get("rejected").asLong()).isEqualTo(1);
        JsonNode listed = m.get("failed").get(0);
        assertThat(listed.get("message_id").asText()).isEqualTo(tooLong);
        assertThat(listed.get("rejected").asBoolean()).isTrue();
        assertThat(listed.get("batch_id").isNull()).isTrue();
        assertThat(listed.get("reason").asText()).startsWith("message id of 600 bytes");
    }

    @Test
    void finalize_failsTheJob_forARejectedMessageOverTheBudget_namingIt() {
        givenJob();
        settlement.addMany("ok-", 9, JOB, MessageStatus.COMPLETED);
        settlement.rejected.put(JOB, List.of(new RejectedMessage("long-id", "message id of 600 bytes")));

        FinalizeResult result = finalizeJob(0);

        assertThat(result.status()).isEqualTo(JobStatus.FAILED);
        assertThat(result.reason())
                .isEqualTo("1 of 10 messages failed (failure budget 0); first: long-id: message id of 600 bytes");
    }

    @Test
    void finalize_listsTheBatchObjects_ofAJobWrittenAsNdjsonGz_eachOnce() throws Exception {
        givenJob();
        settlement.addMany("ok-", 4, JOB, MessageStatus.COMPLETED);
        settlement.s3Paths.put("ok-0", "exports/2026/03/01/batch-7-2.ndjson.gz#1");
        settlement.s3Paths.put("ok-1", "exports/2026/03/01/batch-7-2.ndjson.gz#2");
        settlement.s3Paths.put("ok-2", "exports/2026/03/01/batch-7-1.ndjson.gz#1");
        settlement.s3Paths.put("ok-3", "exports/2026/03/01/ok-3.json");

        finalizeJob(0);

        JsonNode m = manifests.read(MANIFEST);
        assertThat(m.get("batch_objects"))
                .extracting(JsonNode::asText)
                .containsExactly("exports/2026/03/01/batch-7-1.ndjson.gz", "exports/2026/03/01/batch-7-2.ndjson.gz");
        assertThat(m.get("batch_object_key_pattern").asText())
                .isEqualTo("exports/{yyyy}/{MM}/{dd}/batch-{job_id}-{batch_id}.ndjson.gz");
        assertThat(m.get("batch_objects_complete").asBoolean()).isTrue();
    }

    @Test
    void finalize_failsLeftoverRowsWithExpiredLeases_butLeavesLiveLeasesToTheirWorker_andCannotProveTheWindow() {
        givenJob();
        settlement.addMany("ok-", 7, JOB, MessageStatus.COMPLETED);
        settlement.add("waiting", JOB, MessageStatus.PENDING);
        settlement.addLeased("stalled", JOB, clock.instant().minusSeconds(1));
        settlement.addLeased("live", JOB, clock.instant().plus(Duration.ofMinutes(5)));

        FinalizeResult result = finalizeJob(5);

        assertThat(settlement.failUnsettledCalls).containsExactly(JOB + " false: not exported when the job ended");
        assertThat(settlement.rows.get("waiting").status).isEqualTo(MessageStatus.FAILED);
        assertThat(settlement.rows.get("stalled").status).isEqualTo(MessageStatus.FAILED);
        assertThat(settlement.rows.get("live").status).isEqualTo(MessageStatus.IN_PROGRESS);
        assertThat(result.failed()).isEqualTo(2);
        // a row still held by a worker is not settled: nothing proves that it will be exported
        assertThat(result.verdict()).isEqualTo("mismatch");
        assertThat(result.status()).isEqualTo(JobStatus.FAILED);
        assertThat(result.reason()).contains("1 rows neither completed nor failed");
    }

    @Test
    void finalize_failsTheJob_whenTheIndexHoldsMessagesThatNoRowTracks_withTheNumbers() throws Exception {
        givenJob();
        settlement.addMany("ok-", 10, JOB, MessageStatus.COMPLETED);
        indexCount = 12L;

        FinalizeResult result = finalizeJob(0);

        assertThat(result.status()).isEqualTo(JobStatus.FAILED);
        assertThat(result.verdict()).isEqualTo("mismatch");
        assertThat(result.reason())
                .isEqualTo("completeness mismatch: index holds 12 messages for [2026-03-01, 2026-03-02), 10 tracked,"
                        + " 10 completed, 0 failed; 2 messages of the index are not tracked");
        assertThat(jobs.finishes.getFirst().nextRunDate()).isNull();
        JsonNode proof = manifests.read(MANIFEST).get("completeness");
        assertThat(proof.get("verdict").asText()).isEqualTo("mismatch");
        assertThat(proof.get("index_count").asLong()).isEqualTo(12);
        assertThat(proof.get("tracked").asLong()).isEqualTo(10);
        assertThat(jobs.find(JOB).orElseThrow().outcome().verdict()).isEqualTo(CompletenessProof.Verdict.MISMATCH);
    }

    @Test
    void finalize_ofAManualJob_completesWithoutMovingTheSchedule() {
        jobs.put(withKind(InMemoryJobStore.running(JOB, WINDOW, EXECUTION, CREATED, true, 10), JobKind.MANUAL));
        settlement.addMany("ok-", 10, JOB, MessageStatus.COMPLETED);

        FinalizeResult result = finalizeJob(0);

        assertThat(result.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(result.verdict()).isEqualTo("complete");
        assertThat(jobs.finishes.getFirst().nextRunDate()).isNull();
    }

    @Test
    void finalize_ofALateJob_namesTheWindowItFollowsUp_andDoesNotMoveTheSchedule() throws Exception {
        jobs.put(withKind(InMemoryJobStore.running(JOB, WINDOW, EXECUTION, CREATED, true, 2), JobKind.LATE));
        settlement.addMany("late-", 2, JOB, MessageStatus.COMPLETED);

        FinalizeResult result = finalizeJob(0);

        assertThat(result.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(jobs.finishes.getFirst().nextRunDate()).isNull();
        JsonNode m = manifests.read(MANIFEST);
        assertThat(m.get("kind").asText()).isEqualTo("late");
        assertThat(m.get("follow_up_of").asText()).contains("[2026-03-01, 2026-03-02)");
    }

    private static JobRun withKind(JobRun j, JobKind kind) {
        return new JobRun(
                j.jobId(),
                j.window(),
                j.status(),
                kind,
                j.reexport(),
                j.executionId(),
                j.heartbeatAt(),
                j.createdAt(),
                j.cursor(),
                j.extractionDone(),
                j.extracted(),
                j.batches(),
                j.alreadyTracked(),
                j.rejected(),
                j.outcome());
    }

    @Test
    void finalize_writesTheManifestBeforeTheJobRowChanges() throws Exception {
        givenJob();
        settlement.addMany("ok-", 8, JOB, MessageStatus.COMPLETED);
        settlement.addFailed("bad-2", JOB, "second");
        settlement.addFailed("bad-1", JOB, "first");

        finalizeJob(5);

        assertThat(manifests.objects).containsOnlyKeys(MANIFEST, KEYS);
        assertThat(manifests.jobStatusAtPut).containsExactly(JobStatus.RUNNING, JobStatus.RUNNING);
        JsonNode m = manifests.read(MANIFEST);
        assertThat(m.get("job_id").asLong()).isEqualTo(JOB);
        assertThat(m.get("status").asText()).isEqualTo("completed");
        assertThat(m.get("window").get("start_date").asText()).isEqualTo("2026-03-01");
        assertThat(m.get("window").get("end_date").asText()).isEqualTo("2026-03-02");
        assertThat(m.get("execution_id").asText()).isEqualTo(EXECUTION);
        assertThat(m.get("finished_at").asText()).isEqualTo(clock.instant().toString());
        assertThat(m.get("counts").get("extracted").asLong()).isEqualTo(10);
        assertThat(m.get("counts").get("completed").asLong()).isEqualTo(8);
        assertThat(m.get("counts").get("failed").asLong()).isEqualTo(2);
        assertThat(m.get("key_prefix").asText()).isEqualTo("exports");
        assertThat(m.get("object_key_pattern").asText()).isEqualTo("exports/{yyyy}/{MM}/{dd}/{message_id}.json");
        assertThat(m.get("failed")).hasSize(2);
        assertThat(m.get("failed").get(0).get("message_id").asText()).isEqualTo("bad-1");
        assertThat(m.get("failed").get(0).get("reason").asText()).isEqualTo("first");
        assertThat(m.get("failed_listed").asInt()).isEqualTo(2);
        assertThat(m.get("kind").asText()).isEqualTo("scheduled");
        assertThat(m.get("completeness").get("verdict").asText()).isEqualTo("complete");
        assertThat(m.get("completeness").get("index_count").asLong()).isEqualTo(10);
        assertThat(m.get("completeness").get("tracked").asLong()).isEqualTo(10);
        assertThat(m.get("completeness").get("completed").asLong()).isEqualTo(8);
        assertThat(m.get("completeness").get("failed").asLong()).isEqualTo(2);
        assertThat(m.get("exported_keys").get("key").asText()).isEqualTo(KEYS);
        assertThat(m.get("exported_keys").get("listed").asLong()).isEqualTo(8);
        // one JSON line per object written, in id order
        List<String> lines = new String(manifests.objects.get(KEYS), java.nio.charset.StandardCharsets.UTF_8)
                .lines()
                .toList();
        assertThat(lines).hasSize(8);
        assertThat(JSON.readTree(lines.getFirst()).get("message_id").asText()).isEqualTo("ok-0");
        assertThat(JSON.readTree(lines.getFirst()).get("key").asText()).isEqualTo("exports/ok-0.json");
    }

    @Test
    void finalize_calledAgainForAFinishedJob_answersTheRecordedOutcome_andWritesNothing() {
        givenJob();
        settlement.addMany("ok-", 9, JOB, MessageStatus.COMPLETED);
        settlement.addFailed("bad-1", JOB, "gone");
        FinalizeResult first = finalizeJob(0);
        manifests.objects.clear();
        // rows changing afterwards (an operator's retry) do not change the recorded outcome
        settlement.rows.get("bad-1").status = MessageStatus.COMPLETED;

        FinalizeResult second = finalizeJob(0);

        assertThat(second).isEqualTo(first);
        assertThat(manifests.objects).isEmpty();
        assertThat(jobs.finishes).hasSize(1);
    }

    @Test
    void finalize_byAnExecutionThatLostTheJob_failsWithOwnershipLost_andWritesNothing() {
        givenJob();
        settlement.add("waiting", JOB, MessageStatus.PENDING);
        jobs.giveTo(JOB, "exec-2");

        assertThatThrownBy(() -> finalizeJob(0)).isInstanceOf(JobOwnershipLostException.class);
        assertThat(manifests.objects).isEmpty();
        assertThat(settlement.rows.get("waiting").status).isEqualTo(MessageStatus.PENDING);
        assertThat(jobs.find(JOB).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
    }

    @Test
    void finalize_whenTheJobIsTakenOverWhileTheManifestIsWritten_failsWithOwnershipLost_leavingTheJobToItsNewOwner() {
        givenJob();
        settlement.addMany("ok-", 10, JOB, MessageStatus.COMPLETED);
        manifests.duringPut = () -> jobs.giveTo(JOB, "exec-2");

        assertThatThrownBy(() -> finalizeJob(0)).isInstanceOf(JobOwnershipLostException.class);
        JobRun job = jobs.find(JOB).orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(job.executionId()).isEqualTo("exec-2");
        assertThat(jobs.finishes).isEmpty();
    }

    @Test
    void finalize_ofAnUnknownJob_isAnInvalidRequest() {
        assertThatThrownBy(() -> finalizeJob(0))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("job 7 does not exist");
    }

    @Test
    void finalize_emitsOneMetricsLine_withTheJobsOutcome() throws Exception {
        givenJob();
        settlement.addMany("ok-", 10, JOB, MessageStatus.COMPLETED);

        finalizeJob(0);

        assertThat(metricLines).hasSize(1);
        JsonNode line = JSON.readTree(metricLines.getFirst());
        assertThat(line.get("JobsCompleted").asInt()).isEqualTo(1);
        assertThat(line.get("JobsFailed").asInt()).isZero();
        assertThat(line.get("MessagesExported").asInt()).isEqualTo(10);
    }
}
