package org.messageexport.adapter.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.messageexport.config.TransportSecurity;

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
    void aConnectionKilledUnderAStatement_leavesThePool() {
        var override = MySqlDatabase.EVICT_LOST_CONNECTIONS;
        var killed = new java.sql.SQLException("Connection was killed", "70100", 1927);
        var lost = new java.sql.SQLException("Communications link failure", "08S01");
        var duplicate = new java.sql.SQLException("Duplicate entry", "23000", 1062);
        assertThat(override.adjudicate(killed)).isEqualTo(com.zaxxer.hikari.SQLExceptionOverride.Override.MUST_EVICT);
        assertThat(override.adjudicate(lost)).isEqualTo(com.zaxxer.hikari.SQLExceptionOverride.Override.MUST_EVICT);
        assertThat(override.adjudicate(duplicate))
                .as("left to Hikari's own rules")
                .isEqualTo(com.zaxxer.hikari.SQLExceptionOverride.Override.CONTINUE_EVICT);
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

    @Test
    void effectiveUrl_addsTheRdsTrustStore_toAVerifiedTlsUrlWithoutOne() {
        Map<String, String> params = TransportSecurity.queryParameters(
                MySqlDatabase.effectiveUrl("jdbc:mysql://db:3306/export?sslMode=VERIFY_IDENTITY"));
        assertThat(params)
                .containsEntry("sslMode", "VERIFY_IDENTITY")
                .containsEntry("trustCertificateKeyStoreType", "PKCS12")
                .containsEntry("trustCertificateKeyStorePassword", MySqlDatabase.RDS_TRUST_STORE_PASSWORD)
                .containsEntry("connectionTimeZone", "UTC");
        assertThat(params.get("trustCertificateKeyStoreUrl")).endsWith(MySqlDatabase.RDS_TRUST_STORE);
    }

    @Test
    void effectiveUrl_keepsAGivenTrustStore_andAddsNoneWithoutVerification() {
        assertThat(TransportSecurity.queryParameters(MySqlDatabase.effectiveUrl(
                        "jdbc:mysql://db/x?sslMode=VERIFY_CA&trustCertificateKeyStoreUrl=file:/etc/my.p12")))
                .containsEntry("trustCertificateKeyStoreUrl", "file:/etc/my.p12")
                .doesNotContainKey("trustCertificateKeyStoreType");
        assertThat(TransportSecurity.queryParameters(MySqlDatabase.effectiveUrl("jdbc:mysql://127.0.0.1/x")))
                .doesNotContainKeys("sslMode", "trustCertificateKeyStoreUrl")
                .containsEntry("rewriteBatchedStatements", "true");
    }
}
