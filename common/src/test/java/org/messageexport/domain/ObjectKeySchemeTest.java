package org.messageexport.domain;

import static org.assertj.core.api.Assertions.assertThat;

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
