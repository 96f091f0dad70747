package org.messageexport.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.messageexport.adapter.mysql.MySqlBatchOutbox;
import org.messageexport.adapter.mysql.MySqlJobSettlement;
import org.messageexport.adapter.mysql.MySqlJobStore;
import org.messageexport.adapter.mysql.MySqlMessageLeases;
import org.messageexport.adapter.mysql.MySqlTrackingPartitions;
import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.ExtractionCursor;
import org.messageexport.domain.JobKind;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.MessageBatch;
import org.messageexport.domain.ProgressCounts;
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.embedded.EmbeddedServicesExtension;
import org.messageexport.port.MessageLeases.ExportedMessage;
import org.messageexport.testing.TestServices;

/**
 * Every statement of the bench's fixture against the migrated schema, with rows written and read through the
 * ports: a migration that renames what the fixture uses fails here, not in a benchmark's figures.
 */
@ExtendWith(EmbeddedServicesExtension.class)
class PipelineTablesIT {
    private final DataSource ds;
    private final MySqlJobStore jobs;
    private final MySqlBatchOutbox outbox;
    private final MySqlMessageLeases leases;
    private final MySqlJobSettlement settlement;
    private final PipelineTables tables;
    private final Instant now = Instant.now();

    PipelineTablesIT(EmbeddedServices services) {
        ds = TestServices.dataSource(services);
        jobs = new MySqlJobStore(ds);
        outbox = new MySqlBatchOutbox(ds);
        leases = new MySqlMessageLeases(ds);
        settlement = new MySqlJobSettlement(ds);
        tables = new PipelineTables(ds);
    }

    @BeforeEach
    void clean() {
        TestServices.truncate(ds);
    }

    /** A job whose ids went into three batches of two, all sent. */
    private List<MessageBatch> extracted() {
        JobRun job = jobs.create(
                new ExportWindow(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-02")),
                org.messageexport.domain.JobKind.SCHEDULED,
                false,
                "exec",
                now);
        List<MessageBatch> batches = outbox.recordPage(
                job,
                "exec",
                List.of("m-b", "m-a", "m-d", "m-c", "m-e", "m-f"),
                2,
                new ExtractionCursor("pit", List.of(1L)),
                now);
        outbox.markEnqueued(batches.stream().map(MessageBatch::batchId).toList(), now);
        return batches;
    }

    private void export(MessageBatch batch) {
        List<String> claimed = leases.claim(batch.jobId(), batch.messageIds(), "lease-1", now, now.plusSeconds(60));
        leases.complete(
                "lease-1",
                claimed.stream()
                        .map(id -> new ExportedMessage(id, "exports/" + id + ".json"))
                        .toList(),
                now);
    }

    @Test
    void batches_areTheJobsFirstBatchesInOrder_withTheirIdsSorted() throws Exception {
        List<MessageBatch> written = extracted();

        List<MessageBatch> read = tables.batches(written.getFirst().jobId(), 2);

        assertThat(read)
                .extracting(MessageBatch::batchId)
                .containsExactly(written.get(0).batchId(), written.get(1).batchId());
        assertThat(read).allSatisfy(b -> {
            assertThat(b.jobId()).isEqualTo(written.getFirst().jobId());
            assertThat(b.messageIds()).hasSize(2).isSorted();
        });
        assertThat(read.getFirst().messageIds())
                .containsExactlyInAnyOrderElementsOf(written.getFirst().messageIds());
    }

    @Test
    void completedKeys_andMakePending_undoAnExport_soThatAWorkerClaimsTheRowsAgain() throws Exception {
        MessageBatch batch = extracted().getFirst();
        export(batch);
        assertThat(tables.completedKeys(batch.batchId()))
                .containsExactlyInAnyOrderElementsOf(batch.messageIds().stream()
                        .map(id -> "exports/" + id + ".json")
                        .toList());

        tables.makePending(batch.batchId());

        assertThat(tables.completedKeys(batch.batchId())).isEmpty();
        ProgressCounts counts = settlement.counts(batch.jobId(), now);
        assertThat(counts.pending()).isEqualTo(6);
        assertThat(counts.completed()).isZero();
        assertThat(leases.claim(batch.jobId(), batch.messageIds(), "lease-2", now, now.plusSeconds(60)))
                .containsExactlyInAnyOrderElementsOf(batch.messageIds());
    }

    @Test
    void clear_removesJobsBatchesAndRows() throws Exception {
        MessageBatch batch = extracted().getFirst();

        tables.clear();

        assertThat(jobs.latest()).isEmpty();
        assertThat(tables.batches(batch.jobId(), 10)).isEmpty();
        assertThat(settlement.counts(batch.jobId(), now).total()).isZero();
    }

    @Test
    void fillDay_writesCompletedRowsOfTheDay_thatTheJobsCountsAndAnExtractionSee_andDeleteDayRemovesThem()
            throws Exception {
        LocalDate day = LocalDate.parse("2026-02-01");
        JobRun job = jobs.create(new ExportWindow(day, day.plusDays(1)), JobKind.MANUAL, false, "exec", now);
        new MySqlTrackingPartitions(ds).prepareDays(day, day);

        // batch ids far above the real ones, as the growth bench does: the page below creates a real batch 1
        tables.fillDay(day, job.jobId(), 1_000_000_000L, 3000);

        assertThat(tables.trackingRows()).isEqualTo(3000);
        ProgressCounts counts = settlement.counts(job.jobId(), now);
        assertThat(counts.completed()).isEqualTo(3000);
        // the filled ids are tracked: a page that repeats two of them records only the new one
        List<MessageBatch> batches = outbox.recordPage(
                job,
                "exec",
                List.of("fill-20260201-0", "fill-20260201-2999", "new-1"),
                500,
                new ExtractionCursor("pit", List.of(1L)),
                now);
        assertThat(batches).extracting(MessageBatch::messageIds).containsExactly(List.of("new-1"));
        assertThat(tables.deleteDay(day)).isEqualTo(3001);
        assertThat(tables.trackingRows()).isZero();
    }
}
