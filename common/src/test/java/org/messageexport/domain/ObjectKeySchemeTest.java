package org.messageexport.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ObjectKeySchemeTest {
    private final ObjectKeyScheme scheme = new ObjectKeyScheme("exports");

    @Test
    void key_usesTheUtcDateOfTheTimestamp_whateverItsOffset() {
        // 23:30 at -05:00 is 04:30 the next day in UTC
        var ts = OffsetDateTime.parse("2026-03-01T23:30:00-05:00").toInstant();
        assertThat(scheme.key("m-1", ts)).isEqualTo("exports/2026/03/02/m-1.json");
    }

    @Test
    void key_trimsSlashesOfThePrefix_andAllowsNone() {
        var ts = OffsetDateTime.parse("2026-01-05T00:00:00Z").toInstant();
        assertThat(new ObjectKeyScheme("/a/b/").key("x", ts)).isEqualTo("a/b/2026/01/05/x.json");
        assertThat(new ObjectKeyScheme("").key("x", ts)).isEqualTo("2026/01/05/x.json");
    }

    @Test
    void manifestKey_isUnderThePrefix_namedByWindowAndJob() {
        JobRun job = new JobRun(
                12,
                new ExportWindow(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-02")),
                JobStatus.RUNNING,
                JobKind.SCHEDULED,
                false,
                "exec",
                null,
                null,
                ExtractionCursor.START,
                false,
                0,
                0,
                0,
                0,
                null);
        assertThat(scheme.manifestKey(job)).isEqualTo("exports/manifests/2026-03-01_2026-03-02_job-12.json");
        assertThat(new ObjectKeyScheme("").manifestKey(job)).isEqualTo("manifests/2026-03-01_2026-03-02_job-12.json");
        assertThat(scheme.exportedKeysKey(job)).isEqualTo("exports/manifests/2026-03-01_2026-03-02_job-12.keys.ndjson");
    }

    @Test
    void batchKey_isOnePerJobAndBatch_datedByTheEarliestMessage_andLinePathsRoundTrip() {
        var ts = OffsetDateTime.parse("2026-03-01T23:30:00-05:00").toInstant();
        String key = scheme.batchKey(12, 345, ts);
        assertThat(key).isEqualTo("exports/2026/03/02/batch-12-345.ndjson.gz");
        assertThat(scheme.batchKeyPattern()).isEqualTo("exports/{yyyy}/{MM}/{dd}/batch-{job_id}-{batch_id}.ndjson.gz");
        assertThat(ObjectKeyScheme.linePath(key, 7)).isEqualTo(key + "#7");
        assertThat(ObjectKeyScheme.parseLinePath(key + "#7")).contains(new ObjectKeyScheme.LineRef(key, 7));
        // a message's own object key never holds '#' (escaped as %23), so it is no line path
        assertThat(scheme.key("a#1", ts)).doesNotContain("#");
        assertThat(ObjectKeyScheme.parseLinePath(scheme.key("a#1", ts))).isEmpty();
        assertThat(ObjectKeyScheme.parseLinePath(key + "#0")).isEmpty();
        assertThat(ObjectKeyScheme.parseLinePath(key + "#x")).isEmpty();
    }

    @Test
    void keyPattern_describesTheMessageKeys() {
        assertThat(scheme.keyPattern()).isEqualTo("exports/{yyyy}/{MM}/{dd}/{message_id}.json");
        assertThat(new ObjectKeyScheme("/a/").keyPattern()).isEqualTo("a/{yyyy}/{MM}/{dd}/{message_id}.json");
    }

    @Test
    void key_withAHashedPrefix_putsTheIdsHashBeforeTheDate() throws Exception {
        var ts = OffsetDateTime.parse("2026-03-02T10:00:00Z").toInstant();
        String sha = java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest("m-1".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(new ObjectKeyScheme("exports", 2).key("m-1", ts))
                .isEqualTo("exports/" + sha.substring(0, 2) + "/2026/03/02/m-1.json");
        assertThat(new ObjectKeyScheme("", 4).key("m-1", ts)).isEqualTo(sha.substring(0, 4) + "/2026/03/02/m-1.json");
        assertThat(new ObjectKeyScheme("exports", 2).keyPattern())
                .isEqualTo("exports/{hash:2}/{yyyy}/{MM}/{dd}/{message_id}.json");
    }

    @Test
    void batchKey_withAHashedPrefix_putsTheHashOfTheObjectsNameBeforeTheDate() throws Exception {
        var ts = OffsetDateTime.parse("2026-03-02T10:00:00Z").toInstant();
        String sha = java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest("batch-12-345".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        ObjectKeyScheme hashed = new ObjectKeyScheme("exports", 2);
        String key = hashed.batchKey(12, 345, ts);

        assertThat(key).isEqualTo("exports/" + sha.substring(0, 2) + "/2026/03/02/batch-12-345.ndjson.gz");
        assertThat(hashed.batchKey(12, 345, ts)).isEqualTo(key);
        assertThat(hashed.batchKeyPattern())
                .isEqualTo("exports/{hash:2}/{yyyy}/{MM}/{dd}/batch-{job_id}-{batch_id}.ndjson.gz");
        // a line path into it round-trips whatever the folder
        assertThat(ObjectKeyScheme.parseLinePath(ObjectKeyScheme.linePath(key, 3)))
                .contains(new ObjectKeyScheme.LineRef(key, 3));
        // batches of one day spread over the prefixes too
        Set<String> prefixes = new HashSet<>();
        for (int b = 0; b < 2_000; b++) {
            prefixes.add(hashed.batchKey(12, b, ts).substring(8, 10));
        }
        assertThat(prefixes).hasSize(256);
    }

    @Test
    void key_withAHashedPrefix_isStable_andSpreadsIdsEvenlyOverThePrefixes() {
        var ts = OffsetDateTime.parse("2026-03-02T10:00:00Z").toInstant();
        ObjectKeyScheme hashed = new ObjectKeyScheme("exports", 2);
        java.util.Map<String, Integer> perPrefix = new java.util.HashMap<>();
        for (int i = 0; i < 25_600; i++) {
            String key = hashed.key("msg-" + i, ts);
            assertThat(key)
                    .isEqualTo(hashed.key("msg-" + i, ts))
                    .matches("exports/[0-9a-f]{2}/2026/03/02/msg-\\d+\\.json");
            perPrefix.merge(key.substring(8, 10), 1, Integer::sum);
        }
        // 100 per prefix on average: every one of the 256 is used, none holds more than twice its share
        assertThat(perPrefix).hasSize(256);
        assertThat(perPrefix.values()).allSatisfy(n -> assertThat(n).isBetween(50, 200));
    }

    @Test
    void hashChars_outsideZeroToEight_isRefused() {
        assertThatThrownBy(() -> new ObjectKeyScheme("exports", 9))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 to 8");
        assertThatThrownBy(() -> new ObjectKeyScheme("exports", -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void scratchKey_isOutsideThePrefix_underItsArea() {
        assertThat(ObjectKeyScheme.scratchKey("bench-bare-put", "2026/03/02/m-1.json"))
                .isEqualTo("bench-bare-put/2026/03/02/m-1.json");
        assertThat(ObjectKeyScheme.scratchKey("bench-bare", "/3/exports/x.json"))
                .isEqualTo("bench-bare/3/exports/x.json");
    }

    @Test
    void scratchKey_refusesAnAreaThatIsNotOneSegment() {
        assertThatThrownBy(() -> ObjectKeyScheme.scratchKey("a/b", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a scratch area is one key segment, got 'a/b'");
        assertThatThrownBy(() -> ObjectKeyScheme.scratchKey("", "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void safeId_escapesSlashesSpacesUnicodeDotsAndPercent() {
        assertThat(ObjectKeyScheme.safeId("a/b c")).isEqualTo("a%2Fb%20c");
        assertThat(ObjectKeyScheme.safeId("..")).isEqualTo("%2E.");
        assertThat(ObjectKeyScheme.safeId("../etc/passwd")).isEqualTo("%2E.%2Fetc%2Fpasswd");
        assertThat(ObjectKeyScheme.safeId("é")).isEqualTo("%C3%A9");
        assertThat(ObjectKeyScheme.safeId("100%")).isEqualTo("100%25");
        assertThat(ObjectKeyScheme.safeId("msg-1.v2_x")).isEqualTo("msg-1.v2_x");
    }

    @Test
    void safeId_isInjective_onIdsThatLookAlike() {
        List<String> ids = List.of(
                "a/b",
                "a%2Fb",
                "a%252Fb",
                "a b",
                "a+b",
                "a_b",
                ".a",
                "%2Ea",
                "A/B",
                "a\u0000b",
                "日本",
                "%E6%97%A5%E6%9C%AC",
                "x".repeat(300),
                "x".repeat(301),
                "x".repeat(299) + "y",
                "x".repeat(200),
                "x".repeat(199) + "~");
        Set<String> names = new HashSet<>();
        for (String id : ids) {
            String safe = ObjectKeyScheme.safeId(id);
            assertThat(safe).doesNotContain("/").matches("[A-Za-z0-9._%~-]+").doesNotStartWith(".");
            assertThat(names.add(safe)).as("name of %s is unique", id).isTrue();
        }
    }

    @Test
    void safeId_hashesLongIds_withinTheLimit_withoutCuttingAnEscape() {
        String longUnicode = "ü".repeat(200);
        String safe = ObjectKeyScheme.safeId(longUnicode);
        assertThat(safe).hasSizeLessThanOrEqualTo(ObjectKeyScheme.MAX_SAFE_ID).contains("~");
        String head = safe.substring(0, safe.indexOf('~'));
        assertThat(head).matches("(%[0-9A-F]{2})+");
        assertThat(safe).isEqualTo(ObjectKeyScheme.safeId(longUnicode));
        assertThat(safe).isNotEqualTo(ObjectKeyScheme.safeId("ü".repeat(201)));
    }
}
