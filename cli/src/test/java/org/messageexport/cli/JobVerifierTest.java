package org.messageexport.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class JobVerifierTest {
    @Test
    void commonDirectory_isTheDeepestFolderAllKeysShare() {
        assertThat(JobVerifier.commonDirectory(Set.of("exports/2026/09/01/a.json", "exports/2026/09/01/b.json")))
                .isEqualTo("exports/2026/09/01/");
        assertThat(JobVerifier.commonDirectory(Set.of("exports/2026/09/01/a.json", "exports/2026/09/12/b.json")))
                .isEqualTo("exports/2026/09/");
        assertThat(JobVerifier.commonDirectory(Set.of("exports/2026/09/01/ab.json", "exports/2026/09/01/ac.json")))
                .isEqualTo("exports/2026/09/01/");
        assertThat(JobVerifier.commonDirectory(Set.of("a.json", "b.json"))).isEmpty();
    }

    @Test
    void listingPrefixes_areOneFolderPerHashedPrefix_eachNarrowedToTheJobsDays() {
        assertThat(JobVerifier.listingPrefixes(Set.of())).isEmpty();
        // the seed's layout: one listing of the day
        assertThat(JobVerifier.listingPrefixes(Set.of("exports/2026/09/01/a.json", "exports/2026/09/01/b.json")))
                .containsExactly("exports/2026/09/01/");
        // the days of a longer window: one listing per day
        assertThat(JobVerifier.listingPrefixes(Set.of("exports/2026/09/01/a.json", "exports/2026/09/02/b.json")))
                .containsExactly("exports/2026/09/01/", "exports/2026/09/02/");
        // KEY_HASH_PREFIX=2: each hashed folder's day, not the whole bucket under exports/
        assertThat(JobVerifier.listingPrefixes(Set.of(
                        "exports/3f/2026/09/01/a.json",
                        "exports/3f/2026/09/01/c.json",
                        "exports/a0/2026/09/01/b.json",
                        "exports/a0/2026/09/01/batch-1-2.ndjson.gz")))
                .containsExactly("exports/3f/2026/09/01/", "exports/a0/2026/09/01/");
        // a key right in the common folder: one listing
        assertThat(JobVerifier.listingPrefixes(Set.of("exports/a.json", "exports/3f/2026/09/01/b.json")))
                .containsExactly("exports/");
    }
}
