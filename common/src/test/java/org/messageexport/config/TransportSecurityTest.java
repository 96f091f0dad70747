package org.messageexport.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransportSecurityTest {
    @Test
    void requireVerifiedTls_addsTheModeWhenAbsent_andKeepsItWhenGiven() {
        assertThat(TransportSecurity.requireVerifiedTls("DB_URL", "jdbc:mysql://db:3306/export"))
                .isEqualTo("jdbc:mysql://db:3306/export?sslMode=VERIFY_IDENTITY");
        assertThat(TransportSecurity.requireVerifiedTls("DB_URL", "jdbc:mysql://db/export?connectTimeout=3000"))
                .isEqualTo("jdbc:mysql://db/export?connectTimeout=3000&sslMode=VERIFY_IDENTITY");
        assertThat(TransportSecurity.requireVerifiedTls("DB_URL", "jdbc:mysql://db/export?sslMode=verify_identity"))
                .isEqualTo("jdbc:mysql://db/export?sslMode=verify_identity");
    }

    @Test
    void requireVerifiedTls_refusesWeakerModesAndLegacySwitches() {
        for (String weak : new String[] {"DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA"}) {
            assertThatThrownBy(() -> TransportSecurity.requireVerifiedTls("dbUrl", "jdbc:mysql://db/x?sslMode=" + weak))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("dbUrl must use sslMode=VERIFY_IDENTITY when TLS is required (the server's certificate"
                            + " and host name verified), got sslMode=" + weak);
        }
        assertThatThrownBy(() -> TransportSecurity.requireVerifiedTls("DB_URL", "jdbc:mysql://db/x?useSSL=false"))
                .hasMessageStartingWith("DB_URL must not set useSSL");
    }

    @Test
    void requireHttpsForCredentials_refusesPlainHttpWithCredentials_unlessAllowed() {
        URI http = URI.create("http://search.internal:9200");
        assertThatThrownBy(() -> TransportSecurity.requireHttpsForCredentials(
                        "ES_URL", http, true, false, "ES_ALLOW_PLAIN_HTTP"))
                .hasMessageStartingWith("ES_URL must be an https:// URL")
                .hasMessageContaining("ES_ALLOW_PLAIN_HTTP=true");
        TransportSecurity.requireHttpsForCredentials("ES_URL", http, true, true, "ES_ALLOW_PLAIN_HTTP");
        TransportSecurity.requireHttpsForCredentials("ES_URL", http, false, false, "ES_ALLOW_PLAIN_HTTP");
        TransportSecurity.requireHttpsForCredentials(
                "ES_URL", URI.create("https://search.internal"), true, false, "ES_ALLOW_PLAIN_HTTP");
    }

    @Test
    void handlersConfig_appliesTheRules_onlyWhenTlsIsRequired() {
        Map<String, String> aws = Map.of(
                EnvNames.REQUIRE_TLS, "true",
                EnvNames.DB_URL, "jdbc:mysql://db:3306/export",
                EnvNames.DB_SECRET_ARN, "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
                EnvNames.ES_URL, "http://search.internal:9200",
                EnvNames.ES_SECRET_ARN, "arn:aws:secretsmanager:eu-west-1:123456789012:secret:es-AbCdEf");
        SecretLookup unread = arn -> {
            throw new AssertionError("no secret is read while the configuration is built");
        };
        assertThat(DatabaseConfig.from(new Env(aws), unread).url())
                .isEqualTo("jdbc:mysql://db:3306/export?sslMode=VERIFY_IDENTITY");
        assertThatThrownBy(() -> ElasticsearchConfig.from(new Env(aws), unread))
                .hasMessageStartingWith("ES_URL must be an https:// URL");
        Map<String, String> allowed = new java.util.HashMap<>(aws);
        allowed.put(EnvNames.ES_ALLOW_PLAIN_HTTP, "true");
        assertThat(ElasticsearchConfig.from(new Env(allowed), unread).url()).hasScheme("http");

        Map<String, String> local = Map.of(
                EnvNames.DB_URL,
                "jdbc:mysql://127.0.0.1:3306/t",
                EnvNames.DB_USERNAME,
                "root",
                EnvNames.ES_URL,
                "http://127.0.0.1:9200",
                EnvNames.ES_USERNAME,
                "elastic");
        assertThat(DatabaseConfig.from(new Env(local), SecretLookup.NONE).url())
                .isEqualTo("jdbc:mysql://127.0.0.1:3306/t");
        assertThat(ElasticsearchConfig.from(new Env(local), SecretLookup.NONE).url())
                .hasScheme("http");
    }

    @Test
    void poolSize_belowTwo_isRefused() {
        assertThatThrownBy(() -> DatabaseConfig.from(
                        new Env(Map.of(
                                EnvNames.DB_URL,
                                "jdbc:mysql://db/x",
                                EnvNames.DB_USERNAME,
                                "u",
                                EnvNames.DB_POOL_SIZE,
                                "1")),
                        SecretLookup.NONE))
                .hasMessage("DB_POOL_SIZE must be from 2 to 100, got 1");
    }
}
