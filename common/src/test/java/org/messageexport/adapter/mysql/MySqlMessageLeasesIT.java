package org.messageexport.adapter.mysql;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.embedded.EmbeddedServicesExtension;
import org.messageexport.port.MessageLeases;
import org.messageexport.port.MessageLeases.ExportedMessage;
import org.messageexport.port.MessageLeases.MessageError;
import org.messageexport.testing.TestServices;

/** {@link MySqlMessageLeases} on the embedded MySQL: claims are leases, results count only under the lease. */
@ExtendWith(EmbeddedServicesExtension.class)
class MySqlMessageLeasesIT {
    private static final Instant T0 = Instant.parse("2026-03-02T02:00:00Z");
    private static final Instant LEASE_END = T0.plusSeconds(900);

    private DataSource ds;
    private TrackingTables tables;
    private MySqlMessageLeases leases;
    private JobRun job;
    private MessageBatch batch;

    @BeforeEach
    void setUp(EmbeddedServices services) {
        ds = TestServices.dataSource(services);
        TestServices.truncate(ds);
        tables = new TrackingTables(ds);
        leases = new MySqlMessageLeases(ds);
        job = tables.runningJob("exec-1", false, T0);
        List<String> ids = IntStream.range(0, 10).mapToObj(i -> "m-" + i).toList();
        batch = new MySqlBatchOutbox(ds)
                .recordPage(job, "exec-1", ids, 500, new ExtractionCursor("pit", List.of(1L)), T0)
                .getFirst();
    }

    @Test
    void claim_countsTheRowsUnderAnotherLiveLease_soTheBatchIsNotAcknowledged() {
        leases.claim(job.jobId(), List.of("m-0", "m-1", "m-2"), "first", T0, LEASE_END);
        leases.complete("first", List.of(new ExportedMessage("m-0", "k0")), T0);
        leases.claim(job.jobId(), List.of("m-3"), "dead", T0, T0.plusSeconds(10));

        MessageLeases.Claim claim =
                leases.claimBatch(job.jobId(), batch.messageIds(), "second", T0.plusSeconds(60), LEASE_END);

        // m-1, m-2: first's live lease; m-0: completed; m-3: expired lease, taken
        assertThat(claim.heldByOthers()).isEqualTo(2);
        assertThat(claim.claimed()).hasSize(7).contains("m-3").doesNotContain("m-0", "m-1", "m-2");
        // once the leases expired, nobody holds them
        assertThat(leases.claimBatch(
                        job.jobId(), batch.messageIds(), "third", LEASE_END.plusSeconds(1), LEASE_END.plusSeconds(900)))
                .satisfies(c -> {
                    assertThat(c.heldByOthers()).isZero();
                    // every lease (first's and second's) has expired: all but the completed row
                    assertThat(c.claimed()).hasSize(9).contains("m-1", "m-2").doesNotContain("m-0");
                });
    }

    @Test
    void settlingByJob_findsTheRowsInEveryDayOfTheJobsWindow_underTheLeaseOnly() throws Exception {
        LocalDate d1 = LocalDate.parse("2026-04-01");
        JobRun twoDays = tables.runningJob(new ExportWindow(d1, d1.plusDays(2)), "exec-2", true, T0); // a manual window
        new MySqlBatchOutbox(ds)
                .recordPage(
                        twoDays,
                        "exec-2",
                        new IdPage(
                                List.of("x-1", "x-2", "x-3", "x-4"),
                                List.of(d1, d1.plusDays(1), d1, d1.plusDays(1)),
                                new ExtractionCursor("pit", List.of(2L))),
                        List.of(),
                        500,
                        T0);
        leases.claim(twoDays.jobId(), List.of("x-1", "x-2", "x-3", "x-4"), "two-days", T0, LEASE_END);

        assertThat(leases.complete(
                        twoDays.jobId(),
                        "two-days",
                        List.of(new ExportedMessage("x-1", "k1"), new ExportedMessage("x-2", "k2")),
                        T0))
                .isEqualTo(2);
        assertThat(leases.fail(twoDays.jobId(), "two-days", List.of(new MessageError("x-3", "gone"))))
                .isEqualTo(1);
        assertThat(leases.release(twoDays.jobId(), "two-days", List.of(new MessageError("x-4", "throttled"))))
                .isEqualTo(1);
        // another lease settles nothing, and says so
        assertThat(leases.complete(twoDays.jobId(), "other", List.of(new ExportedMessage("x-4", "k4")), T0))
                .isZero();

        assertThat(tables.rows())
                .hasEntrySatisfying("x-1", r -> assertThat(r.status()).isEqualTo("completed"))
                .hasEntrySatisfying("x-2", r -> assertThat(r.status()).isEqualTo("completed"))
                .hasEntrySatisfying("x-3", r -> assertThat(r.status()).isEqualTo("failed"))
                .hasEntrySatisfying("x-4", r -> assertThat(r.status()).isEqualTo("pending"));
        assertThat(leases.completedPaths(twoDays.jobId(), List.of("x-1", "x-2", "x-3")))
                .containsOnly(java.util.Map.entry("x-1", "k1"), java.util.Map.entry("x-2", "k2"));
    }

    @Test
    void claim_takesPendingRows_underTheLease_countingTheAttempt() throws Exception {
        List<String> claimed = leases.claim(job.jobId(), batch.messageIds(), "lease-1", T0, LEASE_END);

        assertThat(claimed).containsExactlyInAnyOrderElementsOf(batch.messageIds());
        assertThat(tables.rows().values()).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo("in_progress");
            assertThat(r.leaseToken()).isEqualTo("lease-1");
            assertThat(r.attempts()).isEqualTo(1);
        });
    }

    @Test
    void claim_skipsRowsUnderALiveLease_andCompletedRows_butTakesFailedAndExpiredOnes() throws Exception {
        leases.claim(job.jobId(), List.of("m-0", "m-1", "m-2", "m-3"), "lease-1", T0, LEASE_END);
        leases.complete("lease-1", List.of(new ExportedMessage("m-0", "k0")), T0);
        leases.fail("lease-1", List.of(new MessageError("m-1", "gone")));
        leases.claim(job.jobId(), List.of("m-4"), "lease-dead", T0, T0.plusSeconds(10));

        List<String> claimed = leases.claim(
                job.jobId(),
                List.of("m-0", "m-1", "m-2", "m-3", "m-4", "m-5"),
                "lease-2",
                T0.plusSeconds(60),
                LEASE_END);

        // m-2, m-3: live lease of lease-1; m-4: its lease expired; m-1: failed may be retried
        assertThat(claimed).containsExactlyInAnyOrder("m-1", "m-4", "m-5");
        assertThat(tables.rows().get("m-4").attempts()).isEqualTo(2);
        assertThat(tables.rows().get("m-2").leaseToken()).isEqualTo("lease-1");
    }

    @Test
    void completedPaths_areTheKeysOfCompletedRows_ofThatJob_only() throws Exception {
        leases.claim(job.jobId(), List.of("m-0", "m-1", "m-2"), "lease-1", T0, LEASE_END);
        leases.complete(
                "lease-1",
                List.of(new ExportedMessage("m-0", "b.ndjson.gz#1"), new ExportedMessage("m-1", "b.ndjson.gz#2")),
                T0);
        leases.fail("lease-1", List.of(new MessageError("m-2", "gone")));

        assertThat(leases.completedPaths(job.jobId(), List.of("m-0", "m-1", "m-2", "m-3", "nope", "m-0")))
                .isEqualTo(java.util.Map.of("m-0", "b.ndjson.gz#1", "m-1", "b.ndjson.gz#2"));
        assertThat(leases.completedPaths(job.jobId() + 1, List.of("m-0"))).isEmpty();
        assertThat(leases.completedPaths(job.jobId(), List.of())).isEmpty();
    }

    @Test
    void claim_leavesRowsOfOtherJobs_andUnknownIds_andTakesEachIdOnce() throws Exception {
        assertThat(leases.claim(job.jobId() + 1, batch.messageIds(), "lease-1", T0, LEASE_END))
                .isEmpty();
        assertThat(leases.claim(job.jobId(), List.of("m-1", "m-1", "nope"), "lease-2", T0, LEASE_END))
                .containsExactly("m-1");
        assertThat(tables.rows().get("m-1").attempts()).isEqualTo(1);
        assertThat(leases.claim(job.jobId(), List.of(), "lease-3", T0, LEASE_END))
                .isEmpty();
    }

    @Test
    void claim_ofMoreIdsThanOneInList_takesThemAll() throws Exception {
        JobRun big = tables.runningJob("exec-2", false, T0);
        List<String> ids = new ArrayList<>();
        IntStream.range(0, 2500).forEach(i -> ids.add("big-" + i));
        new MySqlBatchOutbox(ds).recordPage(big, "exec-2", ids, 5000, new ExtractionCursor("pit", List.of(1L)), T0);

        assertThat(leases.claim(big.jobId(), ids, "lease-1", T0, LEASE_END)).hasSize(2500);
    }

    @Test
    void complete_changesOnlyTheRowsStillHeldUnderTheToken() throws Exception {
        leases.claim(job.jobId(), List.of("m-0", "m-1"), "lease-old", T0, T0.plusSeconds(10));
        // the old lease expired: a redelivery took m-1
        leases.claim(job.jobId(), List.of("m-1"), "lease-new", T0.plusSeconds(20), LEASE_END);

        leases.complete(
                "lease-old",
                List.of(new ExportedMessage("m-0", "exports/m-0.json"), new ExportedMessage("m-1", "exports/m-1.json")),
                T0.plusSeconds(30));

        var rows = tables.rows();
        assertThat(rows.get("m-0")).satisfies(r -> {
            assertThat(r.status()).isEqualTo("completed");
            assertThat(r.s3Path()).isEqualTo("exports/m-0.json");
            assertThat(r.completedAt()).isEqualTo(T0.plusSeconds(30));
            assertThat(r.leaseToken()).isNull();
        });
        assertThat(rows.get("m-1")).satisfies(r -> {
            assertThat(r.status()).isEqualTo("in_progress");
            assertThat(r.leaseToken()).isEqualTo("lease-new");
            assertThat(r.s3Path()).isNull();
        });
    }

    @Test
    void settling_countsTheRowsStillHeld_inABatchOfManyStatements() {
        // ten statements in one batch (the driver rewrites a batch of more than a few UPDATEs into multi-statements)
        leases.claim(job.jobId(), batch.messageIds(), "lease-old", T0, T0.plusSeconds(10));
        leases.claim(job.jobId(), List.of("m-1", "m-4", "m-7"), "lease-new", T0.plusSeconds(20), LEASE_END);
        List<ExportedMessage> all = batch.messageIds().stream()
                .map(id -> new ExportedMessage(id, "exports/" + id + ".json"))
                .toList();

        assertThat(leases.complete(job.jobId(), "lease-old", all, T0.plusSeconds(30)))
                .as("the rows the old lease still held")
                .isEqualTo(7);
        List<MessageError> errors =
                batch.messageIds().stream().map(id -> new MessageError(id, "x")).toList();
        assertThat(leases.fail(job.jobId(), "lease-old", errors))
                .as("none held any more")
                .isZero();
        assertThat(leases.release(job.jobId(), "lease-new", errors)).isEqualTo(3);
    }

    @Test
    void failAndRelease_keepTheReason_cutTo1000Characters() throws Exception {
        leases.claim(job.jobId(), List.of("m-0", "m-1"), "lease-1", T0, LEASE_END);

        leases.fail("lease-1", List.of(new MessageError("m-0", "x".repeat(1500))));
        leases.release("lease-1", List.of(new MessageError("m-1", "503 Slow Down")));
        leases.fail("lease-other", List.of(new MessageError("m-2", "not mine")));

        var rows = tables.rows();
        assertThat(rows.get("m-0").status()).isEqualTo("failed");
        assertThat(rows.get("m-0").lastError()).hasSize(1000).endsWith("…");
        assertThat(rows.get("m-1").status()).isEqualTo("pending");
        assertThat(rows.get("m-1").lastError()).isEqualTo("503 Slow Down");
        assertThat(rows.get("m-1").leaseToken()).isNull();
        assertThat(rows.get("m-2").status()).isEqualTo("pending");
        assertThat(rows.get("m-2").lastError()).isNull();
    }

    @Test
    void markBatchDone_stampsTheFirstTime_andRepeatingChangesNothing() throws Exception {
        leases.markBatchDone(batch.batchId(), T0.plusSeconds(5));
        leases.markBatchDone(batch.batchId(), T0.plusSeconds(50));

        assertThat(tables.batches().get(batch.batchId())).satisfies(b -> {
            assertThat(b.status()).isEqualTo("done");
            assertThat(b.doneAt()).isEqualTo(T0.plusSeconds(5));
        });
    }
}
