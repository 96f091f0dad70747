package org.messageexport.adapter.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.messageexport.domain.ExtractionCursor;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.JobStatus;
import org.messageexport.domain.MessageBatch;
import org.messageexport.domain.ObjectKeyScheme;
import org.messageexport.domain.PageAccount;
import org.messageexport.domain.RejectedMessage;
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.embedded.EmbeddedServicesExtension;
import org.messageexport.port.BatchOutbox.RecordedPage;
import org.messageexport.port.JobStore.JobFinish;
import org.messageexport.port.MessageLeases.ExportedMessage;
import org.messageexport.testing.TestServices;

/**
 * Ids as users have them, on a database created with the server's default collation (issue 11): every id the
 * tracking table holds is its own row, read back byte for byte; an id it cannot hold is rejected with its reason.
 */
@ExtendWith(EmbeddedServicesExtension.class)
class ExactIdsIT {
    private static final Instant T0 = Instant.parse("2026-03-02T02:00:00Z");
    private static final ExtractionCursor CURSOR = new ExtractionCursor("pit-1", List.of(1L));

    /** Ids that a collation, a pad rule or a length limit used to merge, cut or refuse. */
    static final List<String> ODD_IDS = List.of(
            "Case-A",
            "case-a",
            "CASE-A",
            "\u00e9", // é precomposed
            "e",
            "E",
            "e\u0301", // é decomposed
            "\u00c9",
            "ss",
            "\u00df", // ß: equal to 'ss' under some collations
            "a",
            "a ", // PAD SPACE collations: 'a' = 'a '
            " a",
            "x".repeat(512),
            "y".repeat(400),
            "\uD83D\uDE00".repeat(128), // 128 4-byte characters: 512 bytes
            "\uD83D\uDE00-emoji",
            "\uD835\uDC00-math", // 𝐀, a 4-byte letter
            "a/b",
            "/leading",
            "..",
            ".",
            "../../etc/passwd",
            "a%2Fb",
            "a\\b",
            "tab\tid",
            "\u4e2d\u6587");

    private DataSource ds;
    private TrackingTables tables;
    private MySqlBatchOutbox outbox;
    private MySqlMessageLeases leases;
    private MySqlJobSettlement settlement;

    @BeforeEach
    void setUp(EmbeddedServices services) {
        ds = TestServices.dataSource(services);
        TestServices.truncate(ds);
        tables = new TrackingTables(ds);
        outbox = new MySqlBatchOutbox(ds);
        leases = new MySqlMessageLeases(ds);
        settlement = new MySqlJobSettlement(ds);
    }

    @Test
    void theTestDatabase_hasTheServersDefaultCollation_andTheIdColumnsAreBinary() throws Exception {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT @@collation_database, @@collation_server")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(rs.getString(2)).doesNotEndWith("_bin");
            }
            try (ResultSet rs = s.executeQuery("SELECT DATA_TYPE, CHARACTER_MAXIMUM_LENGTH FROM"
                    + " information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'message_tracking'"
                    + " AND COLUMN_NAME = 'message_id'")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualToIgnoringCase("varbinary");
                assertThat(rs.getInt(2)).isEqualTo(512);
            }
            // the text columns are utf8mb4 whatever the database's default (reasons quote ids)
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA ="
                    + " DATABASE() AND TABLE_NAME IN ('job_runs', 'message_tracking', 'message_batches',"
                    + " 'rejected_messages') AND CHARACTER_SET_NAME IS NOT NULL AND CHARACTER_SET_NAME <> 'utf8mb4'")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
        }
    }

    /** Why V4: the seed's column, on this database, keeps one row of each pair of twins (INSERT IGNORE drops the other). */
    @Test
    void theSeedsIdColumn_onTheDefaultCollation_mergesTwins() throws Exception {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS seed_tracking");
            s.execute("CREATE TABLE seed_tracking (message_id VARCHAR(255) PRIMARY KEY)");
            try {
                var ps = c.prepareStatement("INSERT IGNORE INTO seed_tracking VALUES (?)");
                for (String id : List.of("Case-A", "case-a", "a", "a ", "\u00e9", "e")) {
                    ps.setString(1, id);
                    ps.executeUpdate();
                }
                String collation;
                try (ResultSet rs = s.executeQuery("SELECT @@collation_database")) {
                    rs.next();
                    collation = rs.getString(1);
                }
                List<String> kept = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT message_id FROM seed_tracking")) {
                    while (rs.next()) {
                        kept.add(rs.getString(1));
                    }
                }
                // case and accent twins merge on both servers (MariaDB's utf8mb4_general_ci folds 'é' to 'E' as
                // MySQL 8's utf8mb4_0900_ai_ci does); trailing spaces where the collation pads (MariaDB's; MySQL 8's
                // 0900 collations are NO PAD)
                List<String> expected = new ArrayList<>(List.of("Case-A", "a", "\u00e9"));
                if (collation.contains("_0900_")) {
                    expected.add("a ");
                }
                assertThat(kept).as("rows kept under %s", collation).containsExactlyInAnyOrderElementsOf(expected);
            } finally {
                s.execute("DROP TABLE seed_tracking");
            }
        }
    }

    @Test
    void oddIds_areEachTheirOwnRow_readBackExactly_andClaimedAndCompletedOneByOne() throws Exception {
        JobRun job = tables.runningJob("exec-1", false, T0);

        RecordedPage page = outbox.recordPage(job, "exec-1", ODD_IDS, List.of(), 10, CURSOR, T0);

        assertThat(page.account()).isEqualTo(new PageAccount(ODD_IDS.size(), ODD_IDS.size(), 0, 0));
        assertThat(tables.rows().keySet()).containsExactlyInAnyOrderElementsOf(ODD_IDS);
        assertThat(outbox.unsentBatches(job.jobId(), T0).stream().flatMap(b -> b.messageIds().stream()))
                .containsExactlyInAnyOrderElementsOf(ODD_IDS);
        // each id claimed and completed alone: no row answers to another id
        ObjectKeyScheme keys = new ObjectKeyScheme("exports");
        for (String id : ODD_IDS) {
            String token = UUID.randomUUID().toString();
            assertThat(leases.claim(job.jobId(), List.of(id), token, T0, T0.plusSeconds(60)))
                    .as("claim of '%s'", id)
                    .containsExactly(id);
            leases.complete(token, List.of(new ExportedMessage(id, keys.key(id, T0))), T0);
        }
        Map<String, TrackingTables.Row> rows = tables.rows();
        assertThat(rows.values()).allSatisfy(r -> assertThat(r.status()).isEqualTo("completed"));
        assertThat(new HashSet<>(
                        rows.values().stream().map(TrackingTables.Row::s3Path).toList()))
                .as("one distinct object key per id")
                .hasSize(ODD_IDS.size());
        ODD_IDS.forEach(id -> assertThat(rows.get(id).s3Path()).isEqualTo(keys.key(id, T0)));
        assertThat(tables.jobs.find(job.jobId()).orElseThrow().extracted()).isEqualTo(ODD_IDS.size());
    }

    @Test
    void aSecondJobOfTheWindow_countsTheIdsAsTrackedAlready_notLost() throws Exception {
        JobRun first = tables.runningJob("exec-1", false, T0);
        outbox.recordPage(first, "exec-1", ODD_IDS, List.of(), 500, CURSOR, T0);
        tables.jobs.finish(new JobFinish(
                first.jobId(), "exec-1", JobStatus.COMPLETED, null, ODD_IDS.size(), 0, null, null, null, T0));
        JobRun second = tables.runningJob("exec-2", false, T0);
        List<String> page = new ArrayList<>(ODD_IDS);
        page.add("new-one");
        page.add("case-A"); // a twin never seen before

        RecordedPage recorded = outbox.recordPage(second, "exec-2", page, List.of(), 500, CURSOR, T0);

        assertThat(recorded.account()).isEqualTo(new PageAccount(page.size(), 2, ODD_IDS.size(), 0));
        assertThat(recorded.batches()).flatExtracting(MessageBatch::messageIds).containsExactly("new-one", "case-A");
        JobRun after = tables.jobs.find(second.jobId()).orElseThrow();
        assertThat(after.extracted()).isEqualTo(2);
        assertThat(after.alreadyTracked()).isEqualTo(ODD_IDS.size());
    }

    @Test
    void anIdOverTheLimit_isRejectedWithItsReason_andTheRestOfThePageRecorded() throws Exception {
        JobRun job = tables.runningJob("exec-1", false, T0);
        String tooLong = "\u00e9".repeat(257); // 257 characters, 514 bytes
        List<String> read = List.of("ok-1", tooLong, "ok-2");
        RejectedMessage.Split split = RejectedMessage.split(read);

        RecordedPage page = outbox.recordPage(job, "exec-1", split.trackable(), split.rejected(), 500, CURSOR, T0);

        assertThat(page.account()).isEqualTo(new PageAccount(3, 2, 0, 1));
        assertThat(tables.rows().keySet()).containsExactlyInAnyOrder("ok-1", "ok-2");
        assertThat(settlement.rejectedCount(job.jobId())).isEqualTo(1);
        assertThat(settlement.rejectedMessages(job.jobId(), 10))
                .containsExactly(new RejectedMessage(
                        tooLong,
                        "message id of 514 bytes (UTF-8) is longer than the 512 bytes the tracking table holds"
                                + " (Elasticsearch's _id limit)"));
        assertThat(tables.jobs.find(job.jobId()).orElseThrow().rejected()).isEqualTo(1);
    }

    @Test
    void anIdOverTheLimit_givenAsTrackable_isRefused_notCutShort() {
        JobRun job = tables.runningJob("exec-1", false, T0);

        assertThatThrownBy(() -> outbox.recordPage(job, "exec-1", List.of("z".repeat(513)), 500, CURSOR, T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("message id of 513 bytes");
    }
}
