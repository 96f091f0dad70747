package org.messageexport.adapter.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.messageexport.domain.ExtractionCursor;
import org.messageexport.domain.FailedMessage;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.MessageBatch;
import org.messageexport.domain.ProgressCounts;
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.embedded.EmbeddedServicesExtension;
import org.messageexport.port.MessageLeases.ExportedMessage;
import org.messageexport.port.MessageLeases.MessageError;
import org.messageexport.testing.TestServices;

/** {@link MySqlJobSettlement} on the embedded MySQL: counts by status and lease, failing what is left. */
@ExtendWith(EmbeddedServicesExtension.class)
class MySqlJobSettlementIT {
    private static final Instant T0 = Instant.parse("2026-03-02T02:00:00Z");

    private TrackingTables tables;
    private MySqlJobSettlement settlement;
    private MySqlMessageLeases leases;
    private JobRun job;
    private MessageBatch batch;

    /**
     * Ten rows of one job: m-0, m-1 completed; m-2 failed; m-3, m-4 under a lease that ends at T0 + 100 s;
     * m-5 under a lease that ended at T0 + 10 s; m-6 … m-9 pending. And one pending row of another job.
     */
    @BeforeEach
    void setUp(EmbeddedServices services) {
        DataSource ds = TestServices.dataSource(services);
        TestServices.truncate(ds);
        tables = new TrackingTables(ds);
        settlement = new MySqlJobSettlement(ds);
        MySqlBatchOutbox outbox = new MySqlBatchOutbox(ds);
        leases = new MySqlMessageLeases(ds);
        ExtractionCursor cursor = new ExtractionCursor("pit", List.of(1L));
        job = tables.runningJob("exec-1", false, T0);
        batch = outbox.recordPage(
                        job,
                        "exec-1",
                        IntStream.range(0, 10).mapToObj(i -> "m-" + i).toList(),
                        500,
                        cursor,
                        T0)
                .getFirst();
        leases.claim(job.jobId(), List.of("m-0", "m-1", "m-2"), "done", T0, T0.plusSeconds(100));
        leases.complete("done", List.of(new ExportedMessage("m-0", "k0"), new ExportedMessage("m-1", "k1")), T0);
        leases.fail("done", List.of(new MessageError("m-2", "not found in index messages")));
        leases.claim(job.jobId(), List.of("m-3", "m-4"), "live", T0, T0.plusSeconds(100));
        leases.claim(job.jobId(), List.of("m-5"), "dead", T0, T0.plusSeconds(10));
        JobRun other = tables.runningJob("exec-2", false, T0);
        outbox.recordPage(other, "exec-2", List.of("other-0"), 500, cursor, T0);
    }

    @Test
    void counts_splitInProgressRowsIntoLiveAndStalled_atTheGivenTime() {
        assertThat(settlement.counts(job.jobId(), T0.plusSeconds(50))).isEqualTo(new ProgressCounts(4, 2, 1, 2, 1));
        assertThat(settlement.counts(job.jobId(), T0.plusSeconds(5))).isEqualTo(new ProgressCounts(4, 3, 0, 2, 1));
        assertThat(settlement.counts(job.jobId(), T0.plusSeconds(500))).isEqualTo(new ProgressCounts(4, 0, 3, 2, 1));
    }

    @Test
    void batchObjects_areTheDistinctKeysOfCompletedLinePaths_inKeyOrder_atMostTheLimit() {
        leases.claim(job.jobId(), List.of("m-6", "m-7", "m-8"), "lines", T0, T0.plusSeconds(100));
        leases.complete(
                "lines",
                List.of(
                        new ExportedMessage("m-6", "p/2026/03/01/batch-1-9.ndjson.gz#1"),
                        new ExportedMessage("m-7", "p/2026/03/01/batch-1-9.ndjson.gz#2"),
                        new ExportedMessage("m-8", "p/2026/03/01/batch-1-8.ndjson.gz#1")),
                T0);

        // m-0 and m-1 are completed as plain objects (k0, k1): no batch object
        assertThat(settlement.batchObjects(job.jobId(), 10))
                .containsExactly("p/2026/03/01/batch-1-8.ndjson.gz", "p/2026/03/01/batch-1-9.ndjson.gz");
        assertThat(settlement.batchObjects(job.jobId(), 1)).containsExactly("p/2026/03/01/batch-1-8.ndjson.gz");
        assertThat(settlement.batchObjects(job.jobId() + 100, 10)).isEmpty();
    }

    @Test
    void counts_ofAJobWithoutRows_areZero() {
        assertThat(settlement.counts(job.jobId() + 100, T0)).isEqualTo(new ProgressCounts(0, 0, 0, 0, 0));
    }

    @Test
    void failUnsettled_failsPendingRowsAndExpiredLeases_leavingLiveLeasesAndOtherJobs() throws Exception {
        int changed =
                settlement.failUnsettled(job.jobId(), "not exported when the job ended", T0.plusSeconds(50), false);

        assertThat(changed).isEqualTo(5);
        var rows = tables.rows();
        assertThat(rows.get("m-5").status()).isEqualTo("failed");
        assertThat(rows.get("m-5").lastError()).isEqualTo("not exported when the job ended");
        assertThat(rows.get("m-5").leaseToken()).isNull();
        assertThat(rows.get("m-9").status()).isEqualTo("failed");
        assertThat(rows.get("m-3").status()).isEqualTo("in_progress");
        assertThat(rows.get("m-0").status()).isEqualTo("completed");
        assertThat(rows.get("m-2").lastError()).isEqualTo("not found in index messages");
        assertThat(rows.get("other-0").status()).isEqualTo("pending");
        assertThat(settlement.failUnsettled(job.jobId(), "again", T0.plusSeconds(50), false))
                .isZero();
    }

    @Test
    void failUnsettled_includingLiveLeases_failsEveryRowNotSettled_withTheReasonCut() throws Exception {
        int changed = settlement.failUnsettled(job.jobId(), "d".repeat(1200), T0, true);

        assertThat(changed).isEqualTo(7);
        assertThat(settlement.counts(job.jobId(), T0)).isEqualTo(new ProgressCounts(0, 0, 0, 2, 8));
        assertThat(tables.rows().get("m-3").lastError()).hasSize(1000);
    }

    @Test
    void failedMessages_areListedByMessageId_withBatchAttemptsAndReason_atMostTheLimit() {
        settlement.failUnsettled(job.jobId(), "deadline", T0.plusSeconds(50), false);

        List<FailedMessage> all = settlement.failedMessages(job.jobId(), 100);
        List<FailedMessage> two = settlement.failedMessages(job.jobId(), 2);

        assertThat(all).extracting(FailedMessage::messageId).containsExactly("m-2", "m-5", "m-6", "m-7", "m-8", "m-9");
        assertThat(all.getFirst())
                .isEqualTo(new FailedMessage("m-2", batch.batchId(), 1, "not found in index messages"));
        assertThat(all.get(1)).isEqualTo(new FailedMessage("m-5", batch.batchId(), 1, "deadline"));
        assertThat(two).containsExactlyElementsOf(all.subList(0, 2));
        assertThat(settlement.failedMessages(job.jobId() + 100, 10)).isEmpty();
    }
}
