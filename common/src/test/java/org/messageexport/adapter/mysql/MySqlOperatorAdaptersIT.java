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
import org.messageexport.domain.ExtractionCursor;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.MessageBatch;
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.embedded.EmbeddedServicesExtension;
import org.messageexport.port.MessageLeases.ExportedMessage;
import org.messageexport.port.MessageLeases.MessageError;
import org.messageexport.testing.TestServices;

/** The operator's adapters on the embedded MySQL: {@link MySqlJobExplorer} reads, {@link MySqlFailedMessageRetry} re-batches. */
@ExtendWith(EmbeddedServicesExtension.class)
class MySqlOperatorAdaptersIT {
    private static final Instant T0 = Instant.parse("2026-03-02T02:00:00Z");

    private TrackingTables tables;
    private MySqlJobExplorer explorer;
    private MySqlFailedMessageRetry retry;
    private MySqlBatchOutbox outbox;
    private JobRun job;

    /** One job of ten rows: m-0 … m-5 completed (key k-i), m-6 … m-9 failed; then the job failed. */
    @BeforeEach
    void setUp(EmbeddedServices services) {
        DataSource ds = TestServices.dataSource(services);
        TestServices.truncate(ds);
        tables = new TrackingTables(ds);
        explorer = new MySqlJobExplorer(ds);
        retry = new MySqlFailedMessageRetry(ds);
        outbox = new MySqlBatchOutbox(ds);
        MySqlMessageLeases leases = new MySqlMessageLeases(ds);
        job = tables.runningJob("exec-1", false, T0);
        List<String> ids = IntStream.range(0, 10).mapToObj(i -> "m-" + i).toList();
        List<MessageBatch> sent =
                outbox.recordPage(job, "exec-1", ids, 500, new ExtractionCursor("pit", List.of(1L)), T0);
        outbox.markEnqueued(sent.stream().map(MessageBatch::batchId).toList(), T0);
        leases.claim(job.jobId(), ids, "t", T0, T0.plusSeconds(100));
        leases.complete(
                "t",
                IntStream.range(0, 6)
                        .mapToObj(i -> new ExportedMessage("m-" + i, "k-" + i))
                        .toList(),
                T0);
        leases.fail(
                "t",
                IntStream.range(6, 10)
                        .mapToObj(i -> new MessageError("m-" + i, "too large"))
                        .toList());
        tables.fail(job, T0);
    }

    @Test
    void explorer_listsRecentJobs_jobsOfADay_andEveryExportedPath() {
        JobRun later = tables.jobs.create(
                new org.messageexport.domain.ExportWindow(LocalDate.parse("2026-03-05"), LocalDate.parse("2026-03-06")),
                org.messageexport.domain.JobKind.MANUAL,
                false,
                "exec-2",
                T0);

        assertThat(explorer.recent(10)).extracting(JobRun::jobId).containsExactly(later.jobId(), job.jobId());
        assertThat(explorer.recent(1)).extracting(JobRun::jobId).containsExactly(later.jobId());
        assertThat(explorer.holding(TrackingTables.WINDOW.start()))
                .extracting(JobRun::jobId)
                .containsExactly(job.jobId());
        assertThat(explorer.holding(TrackingTables.WINDOW.end())).isEmpty();
        List<String> paths = new ArrayList<>();
        assertThat(explorer.forEachExportedPath(job.jobId(), paths::add)).isEqualTo(6);
        assertThat(paths).containsExactly("k-0", "k-1", "k-2", "k-3", "k-4", "k-5");
    }

    @Test
    void requeueFailed_rebatchesOnlyTheFailedRows_asPendingInCreatedBatches() throws Exception {
        List<MessageBatch> batches = retry.requeueFailed(job.jobId(), 3, T0.plusSeconds(60));

        assertThat(batches)
                .extracting(MessageBatch::messageIds)
                .containsExactly(List.of("m-6", "m-7", "m-8"), List.of("m-9"));
        assertThat(outbox.unsentBatches(job.jobId(), T0.plusSeconds(61))).containsExactlyElementsOf(batches);
        var rows = tables.rows();
        for (int i = 0; i < 6; i++) {
            assertThat(rows.get("m-" + i).status()).isEqualTo("completed");
        }
        for (int i = 6; i < 10; i++) {
            assertThat(rows.get("m-" + i).status()).isEqualTo("pending");
            assertThat(rows.get("m-" + i).lastError()).isNull();
            assertThat(rows.get("m-" + i).attempts()).isEqualTo(1);
        }
        assertThat(rows.get("m-9").batchId()).isEqualTo(batches.get(1).batchId());
        // nothing failed any more: a second call finds nothing
        assertThat(retry.requeueFailed(job.jobId(), 3, T0.plusSeconds(62))).isEmpty();
    }

    @Test
    void requeueFailed_refusesARunningJob_andAnUnknownOne() {
        JobRun running = tables.runningJob("exec-3", false, T0);

        assertThatThrownBy(() -> retry.requeueFailed(running.jobId(), 500, T0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("still running");
        assertThatThrownBy(() -> retry.requeueFailed(987654, 500, T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("job 987654 does not exist");
    }

    @Test
    void recordCounts_rewritesAFinishedJobsCountsAndManifest_only() {
        retry.recordCounts(job.jobId(), 10, 0, "exports/manifests/m.json");

        JobRun after = tables.jobs.find(job.jobId()).orElseThrow();
        assertThat(after.outcome().completed()).isEqualTo(10);
        assertThat(after.outcome().failed()).isZero();
        assertThat(after.outcome().manifestKey()).isEqualTo("exports/manifests/m.json");
        assertThat(after.status().name()).isEqualTo("FAILED");
    }
}
