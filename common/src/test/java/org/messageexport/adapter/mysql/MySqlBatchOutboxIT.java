package org.messageexport.adapter.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.ExtractionCursor;
import org.messageexport.domain.IdPage;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.MessageBatch;
import org.messageexport.domain.TrackedCounts;
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.embedded.EmbeddedServicesExtension;
import org.messageexport.port.JobOwnershipLostException;
import org.messageexport.port.MessageLeases;
import org.messageexport.port.MessageLeases.ExportedMessage;
import org.messageexport.testing.TestServices;

/** {@link MySqlBatchOutbox} on the embedded MySQL: pages, batches, the outbox, takeovers. */
@ExtendWith(EmbeddedServicesExtension.class)
class MySqlBatchOutboxIT {
    private static final Instant T0 = Instant.parse("2026-03-02T02:00:00Z");
    private static final ExtractionCursor CURSOR = new ExtractionCursor("pit-1", List.of(1772323200000L, 42));

    private TrackingTables tables;
    private MySqlBatchOutbox outbox;
    private MySqlMessageLeases leases;

    @BeforeEach
    void setUp(EmbeddedServices services) {
        DataSource ds = TestServices.dataSource(services);
        TestServices.truncate(ds);
        tables = new TrackingTables(ds);
        outbox = new MySqlBatchOutbox(ds);
        leases = new MySqlMessageLeases(ds);
    }

    private static List<String> ids(String prefix, int n) {
        return IntStream.range(0, n)
                .mapToObj(i -> String.format("%s%05d", prefix, i))
                .toList();
    }

    @Test
    void recordPage_recordsEachMessagesDay_andTheWindowIsCountedByIt_whateverJobTrackedIt(EmbeddedServices services) {
        DataSource ds = TestServices.dataSource(services);
        LocalDate d1 = TrackingTables.WINDOW.start();
        LocalDate d2 = d1.plusDays(1);
        JobRun job = tables.runningJob(new ExportWindow(d1, d2.plusDays(1)), "exec-1", false, T0);
        outbox.recordPage(
                job, "exec-1", new IdPage(List.of("a", "b", "c"), List.of(d1, d2, d2), CURSOR), List.of(), 500, T0);
        leases.claim(job.jobId(), List.of("a", "b"), "l", T0, T0.plusSeconds(60));
        leases.complete("l", List.of(new ExportedMessage("b", "k/b.json")), T0);
        leases.fail("l", List.of(new MessageLeases.MessageError("a", "gone")));
        MySqlWindowTracking tracking = new MySqlWindowTracking(ds);

        assertThat(tracking.counts(new ExportWindow(d1, d1.plusDays(1)))).isEqualTo(new TrackedCounts(1, 0, 1));
        assertThat(tracking.counts(new ExportWindow(d2, d2.plusDays(1)))).isEqualTo(new TrackedCounts(2, 1, 0));
        assertThat(tracking.counts(new ExportWindow(d1, d2.plusDays(1)))).isEqualTo(new TrackedCounts(3, 1, 1));
        assertThat(tracking.counts(new ExportWindow(d2.plusDays(1), d2.plusDays(2))))
                .isEqualTo(TrackedCounts.NONE);
        List<ExportedMessage> exported = new ArrayList<>();
        new MySqlJobSettlement(ds).exportedObjects(job.jobId(), exported::add);
        assertThat(exported).containsExactly(new ExportedMessage("b", "k/b.json"));
    }

    @Test
    void recordPage_refusesAMessageDayOutsideTheWindow_andWritesNothing() throws Exception {
        JobRun job = tables.runningJob("exec-1", false, T0);
        LocalDate day = TrackingTables.WINDOW.start();

        // a row outside the window's days would be out of reach of every lookup by id of the window's jobs
        assertThatThrownBy(() -> outbox.recordPage(
                        job,
                        "exec-1",
                        new IdPage(List.of("a", "b"), List.of(day, day.plusDays(1)), CURSOR),
                        List.of(),
                        500,
                        T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("message b of day " + day.plusDays(1) + " is outside the window");
        assertThat(tables.rows()).isEmpty();
        assertThat(tables.batches()).isEmpty();
    }

    @Test
    void stalled_findsBatchesAWorkerTookAndLeft_notBatchesWaitingInTheQueuesBacklog() {
        JobRun job = tables.runningJob("exec-1", false, T0);
        List<MessageBatch> batches = outbox.recordPage(job, "exec-1", ids("m-", 8), 2, CURSOR, T0);
        outbox.markEnqueued(batches.stream().map(MessageBatch::batchId).toList(), T0);
        // batch 0: m-0 claimed under a lease that expires at T0+60; m-1 completed
        leases.claim(job.jobId(), List.of("m-00000", "m-00001"), "dead", T0, T0.plusSeconds(60));
        leases.complete("dead", List.of(new ExportedMessage("m-00001", "k")), T0);
        // batch 1: both claimed under a live lease; batch 2: never claimed (its message waits in the backlog)
        leases.claim(job.jobId(), List.of("m-00002", "m-00003"), "live", T0, T0.plusSeconds(3600));
        // batch 3: m-6 claimed and given back (pending after an attempt), m-7 never claimed
        leases.claim(job.jobId(), List.of("m-00006"), "gave-back", T0, T0.plusSeconds(3600));
        leases.release("gave-back", List.of(new MessageLeases.MessageError("m-00006", "throttled")));

        // ten minutes on, with a visibility timeout of 5 minutes
        List<MessageBatch> stalled = outbox.stalled(job.jobId(), T0.plusSeconds(300), 10);

        assertThat(stalled)
                .extracting(MessageBatch::batchId)
                .containsExactly(batches.get(0).batchId(), batches.get(3).batchId());
        assertThat(stalled.get(0).messageIds()).containsExactly("m-00000");
        // a stalled batch goes again with all its unsettled rows, the never-claimed one too
        assertThat(stalled.get(1).messageIds()).containsExactly("m-00006", "m-00007");
        assertThat(outbox.stalled(job.jobId(), T0.plusSeconds(300), 1)).hasSize(1);
        // not yet a visibility timeout after the send: nothing stalled
        assertThat(outbox.stalled(job.jobId(), T0.minusSeconds(1), 10)).isEmpty();

        outbox.markResent(List.of(batches.get(0).batchId(), batches.get(3).batchId()), T0.plusSeconds(300));

        assertThat(outbox.stalled(job.jobId(), T0.plusSeconds(300), 10)).isEmpty();
        assertThat(outbox.stalled(job.jobId(), T0.plusSeconds(301), 10)).hasSize(2);
        // however long the never-claimed batch waits, it is backlog, not stalled
        assertThat(outbox.stalled(job.jobId(), T0.plusSeconds(86_400), 10))
                .extracting(MessageBatch::batchId)
                .doesNotContain(batches.get(2).batchId());
    }

    @Test
    void recordPage_tracksTheIdsPending_inBatchesOfTheGivenSize_andSavesTheCursorWithTheCounters() throws Exception {
        JobRun job = tables.runningJob("exec-1", false, T0);
        List<String> ids = ids("m-", 2345); // more than one IN list

        List<MessageBatch> batches = outbox.recordPage(job, "exec-1", ids, 1000, CURSOR, T0.plusSeconds(5));

        assertThat(batches).extracting(b -> b.messageIds().size()).containsExactly(1000, 1000, 345);
        assertThat(batches.stream().flatMap(b -> b.messageIds().stream())).containsExactlyElementsOf(ids);
        assertThat(tables.rows()).hasSize(2345).allSatisfy((id, row) -> {
            assertThat(row.status()).isEqualTo("pending");
            assertThat(row.jobId()).isEqualTo(job.jobId());
            assertThat(row.startDate()).isEqualTo(TrackingTables.WINDOW.start());
        });
        assertThat(tables.rows().get("m-01500").batchId())
                .isEqualTo(batches.get(1).batchId());
        assertThat(tables.batches().values())
                .allSatisfy(b -> assertThat(b.status()).isEqualTo("created"));
        JobRun after = tables.jobs.find(job.jobId()).orElseThrow();
        assertThat(after.cursor()).isEqualTo(CURSOR);
        assertThat(after.extracted()).isEqualTo(2345);
        assertThat(after.batches()).isEqualTo(3);
        assertThat(after.heartbeatAt()).isEqualTo(T0.plusSeconds(5));
    }

    @Test
    void recordPage_recordsIdsTrackedAlready_andRepeatedIds_noMoreThanOnce() throws Exception {
        JobRun job = tables.runningJob("exec-1", false, T0);
        outbox.recordPage(job, "exec-1", ids("m-", 10), 500, CURSOR, T0);

        List<String> page = new ArrayList<>(ids("m-", 15));
        page.add("m-00012");
        List<MessageBatch> second = outbox.recordPage(job, "exec-1", page, 500, CURSOR, T0);

        assertThat(second)
                .singleElement()
                .satisfies(b -> assertThat(b.messageIds())
                        .containsExactly("m-00010", "m-00011", "m-00012", "m-00013", "m-00014"));
        assertThat(tables.rows()).hasSize(15);
        assertThat(tables.jobs.find(job.jobId()).orElseThrow().extracted()).isEqualTo(15);
        assertThat(outbox.recordPage(job, "exec-1", ids("m-", 15), 500, CURSOR, T0))
                .isEmpty();
    }

    @Test
    void recordPage_byAnExecutionThatLostTheJob_writesNothing() throws Exception {
        JobRun job = tables.runningJob("exec-1", false, T0);
        tables.jobs.takeOver(job.jobId(), "exec-1", "exec-2", T0);

        assertThatThrownBy(() -> outbox.recordPage(job, "exec-1", ids("m-", 10), 500, CURSOR, T0))
                .isInstanceOf(JobOwnershipLostException.class);
        assertThat(tables.rows()).isEmpty();
        assertThat(tables.batches()).isEmpty();
        JobRun after = tables.jobs.find(job.jobId()).orElseThrow();
        assertThat(after.extracted()).isZero();
        assertThat(after.cursor().started()).isFalse();
    }

    @Test
    void recordPage_takesOverTheRowsOfAFailedJobThatDidNotComplete_resetToPending() throws Exception {
        JobRun failed = tables.runningJob("exec-1", false, T0);
        MessageBatch old = outbox.recordPage(failed, "exec-1", ids("m-", 4), 500, CURSOR, T0)
                .getFirst();
        leases.claim(failed.jobId(), old.messageIds(), "lease-1", T0, T0.plusSeconds(60));
        leases.complete("lease-1", List.of(new ExportedMessage("m-00000", "exports/m-00000.json")), T0);
        tables.fail(failed, T0);
        JobRun rerun = tables.runningJob("exec-2", false, T0.plusSeconds(100));

        List<MessageBatch> batches = outbox.recordPage(rerun, "exec-2", ids("m-", 4), 500, CURSOR, T0);

        assertThat(batches)
                .singleElement()
                .satisfies(b -> assertThat(b.messageIds()).containsExactlyInAnyOrder("m-00001", "m-00002", "m-00003"));
        var rows = tables.rows();
        assertThat(rows.get("m-00000").jobId()).isEqualTo(failed.jobId());
        assertThat(rows.get("m-00000").status()).isEqualTo("completed");
        assertThat(rows.get("m-00002")).satisfies(r -> {
            assertThat(r.jobId()).isEqualTo(rerun.jobId());
            assertThat(r.status()).isEqualTo("pending");
            assertThat(r.attempts()).isZero();
            assertThat(r.leaseToken()).isNull();
            assertThat(r.batchId()).isEqualTo(batches.getFirst().batchId());
        });
    }

    @Test
    void recordPage_leavesTheRowsOfARunningOrCompletedJobAlone_unlessItIsAReexport() throws Exception {
        JobRun first = tables.runningJob("exec-1", false, T0);
        outbox.recordPage(first, "exec-1", ids("m-", 3), 500, CURSOR, T0);
        JobRun second = tables.runningJob("exec-2", false, T0);
        JobRun reexport = tables.runningJob("exec-3", true, T0);

        assertThat(outbox.recordPage(second, "exec-2", ids("m-", 3), 500, CURSOR, T0))
                .isEmpty();
        List<MessageBatch> taken = outbox.recordPage(reexport, "exec-3", ids("m-", 3), 500, CURSOR, T0);

        assertThat(taken)
                .singleElement()
                .satisfies(b -> assertThat(b.messageIds()).hasSize(3));
        assertThat(tables.rows().values()).allSatisfy(r -> assertThat(r.jobId()).isEqualTo(reexport.jobId()));
    }

    @Test
    void unsentBatches_areTheCreatedOnes_inBatchOrder_withTheirIdsInIdOrder() throws Exception {
        JobRun job = tables.runningJob("exec-1", false, T0);
        List<String> shuffled = new ArrayList<>(ids("m-", 6));
        java.util.Collections.reverse(shuffled);
        List<MessageBatch> batches = outbox.recordPage(job, "exec-1", shuffled, 2, CURSOR, T0);
        outbox.markEnqueued(List.of(batches.get(1).batchId()), T0.plusSeconds(1));

        List<MessageBatch> unsent = outbox.unsentBatches(job.jobId(), T0.plusSeconds(2));

        assertThat(unsent)
                .extracting(MessageBatch::batchId)
                .containsExactly(batches.get(0).batchId(), batches.get(2).batchId());
        assertThat(unsent.getFirst().messageIds()).containsExactly("m-00004", "m-00005");
        assertThat(tables.batches().get(batches.get(1).batchId()))
                .satisfies(b -> assertThat(b.status()).isEqualTo("enqueued"))
                .satisfies(b -> assertThat(b.enqueuedAt()).isEqualTo(T0.plusSeconds(1)));
        outbox.markEnqueued(List.of(batches.get(0).batchId(), batches.get(2).batchId()), T0);
        assertThat(outbox.unsentBatches(job.jobId(), T0)).isEmpty();
    }

    @Test
    void unsentBatches_marksABatchWhoseRowsAllWentToAnotherJobDone_atTheGivenTime() throws Exception {
        JobRun failed = tables.runningJob("exec-1", false, T0);
        MessageBatch orphan = outbox.recordPage(failed, "exec-1", ids("m-", 3), 500, CURSOR, T0)
                .getFirst();
        tables.fail(failed, T0);
        JobRun rerun = tables.runningJob("exec-2", false, T0);
        outbox.recordPage(rerun, "exec-2", ids("m-", 3), 500, CURSOR, T0);
        Instant now = Instant.parse("2026-03-02T05:06:07Z");

        assertThat(outbox.unsentBatches(failed.jobId(), now)).isEmpty();

        assertThat(tables.batches().get(orphan.batchId())).satisfies(b -> {
            assertThat(b.status()).isEqualTo("done");
            assertThat(b.doneAt()).isEqualTo(now);
        });
        assertThat(outbox.unsentBatches(rerun.jobId(), now)).singleElement();
    }

    @Test
    void markEnqueued_leavesDoneBatchesDone_andIgnoresAnEmptyList() throws Exception {
        JobRun job = tables.runningJob("exec-1", false, T0);
        MessageBatch batch =
                outbox.recordPage(job, "exec-1", ids("m-", 3), 500, CURSOR, T0).getFirst();
        leases.markBatchDone(batch.batchId(), T0);

        outbox.markEnqueued(List.of(batch.batchId()), T0.plusSeconds(9));
        outbox.markEnqueued(List.of(), T0);

        assertThat(tables.batches().get(batch.batchId())).satisfies(b -> {
            assertThat(b.status()).isEqualTo("done");
            assertThat(b.enqueuedAt()).isNull();
        });
    }
}
