package org.messageexport.adapter.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class MySqlDatabaseTest {
    @Test
    void schemaVersion_isTheLastMigration() throws Exception {
        Pattern versioned = Pattern.compile("V(\\d+)__.*\\.sql");
        int highest;
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            highest = files.map(p -> versioned.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches)
                    .mapToInt(m -> Integer.parseInt(m.group(1)))
                    .max()
                    .orElseThrow();
        }
        assertThat(MySqlDatabase.SCHEMA_VERSION).isEqualTo(highest);
    }

    @Test
    void effectiveUrl_addsTheRequiredSettings_keepingTheGivenOnes() {
        String url = MySqlDatabase.effectiveUrl("jdbc:mysql://db:3306/export?connectTimeout=1000");
        assertThat(url)
                .startsWith("jdbc:mysql://db:3306/export?connectTimeout=1000&")
                .contains(
                        "connectionTimeZone=UTC",
                        "forceConnectionTimeZoneToSession=true",
                        "rewriteBatchedStatements=true")
                .containsOnlyOnce("connectTimeout=");
        assertThat(MySqlDatabase.effectiveUrl("jdbc:mysql://db/x"))
                .startsWith("jdbc:mysql://db/x?connectionTimeZone=UTC&");
    }
}
