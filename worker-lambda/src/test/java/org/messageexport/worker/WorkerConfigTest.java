package org.messageexport.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.messageexport.adapter.s3.ServerSideEncryption;
import org.messageexport.config.ConfigException;
import org.messageexport.config.EnvNames;
import org.messageexport.config.SecretLookup;
import org.messageexport.domain.SideCollection;

class WorkerConfigTest {
    private static Map<String, String> minimal() {
        Map<String, String> env = new HashMap<>();
        env.put(EnvNames.ES_URL, "http://127.0.0.1:9200");
        env.put(EnvNames.DB_URL, "jdbc:mysql://db:3306/export");
        env.put(EnvNames.DB_USERNAME, "worker");
        env.put(EnvNames.BUCKET, "archive");
        return env;
    }

    @Test
    void fromEnv_appliesTheDocumentedDefaults() {
        WorkerConfig c = WorkerConfig.fromEnv(minimal(), SecretLookup.NONE);

        assertThat(c.keys().prefix()).isEqualTo("exports");
        assertThat(c.sse()).isEqualTo(ServerSideEncryption.AES256);
        assertThat(c.putConcurrency()).isEqualTo(32);
        assertThat(c.maxDocumentBytes()).isEqualTo(10 * 1024 * 1024);
        assertThat(c.maxReceiveCount()).isEqualTo(5);
        assertThat(c.sideCollections()).isEqualTo(SideCollection.DEFAULTS);
        assertThat(c.elasticsearch().messagesIndex()).isEqualTo("messages");
        assertThat(c.elasticsearch().timestampField()).isEqualTo("timestamp");
        assertThat(c.leaseDuration()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void fromEnv_readsSecretsThroughTheLookup_onFirstUseOnly() {
        Map<String, String> env = minimal();
        env.remove(EnvNames.DB_USERNAME);
        env.put(EnvNames.DB_SECRET_ARN, "arn:aws:secretsmanager:us-east-1:1:secret:db");
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();

        WorkerConfig c = WorkerConfig.fromEnv(env, arn -> {
            reads.incrementAndGet();
            return Map.of("username", "u", "password", "p");
        });

        assertThat(reads).as("building the configuration reads no secret").hasValue(0);
        assertThat(c.database().credentials().current())
                .isEqualTo(org.messageexport.config.Credentials.basic("u", "p"));
        assertThat(reads).hasValue(1);
    }

    @Test
    void fromEnv_failsWithOneLineNamingTheKey() {
        Map<String, String> noBucket = minimal();
        noBucket.remove(EnvNames.BUCKET);
        assertThatThrownBy(() -> WorkerConfig.fromEnv(noBucket, SecretLookup.NONE))
                .isInstanceOf(ConfigException.class)
                .hasMessage("BUCKET is required but not set");

        Map<String, String> badSse = minimal();
        badSse.put(EnvNames.S3_SSE, "rot13");
        assertThatThrownBy(() -> WorkerConfig.fromEnv(badSse, SecretLookup.NONE))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("S3_SSE must be AES256, aws:kms or none");

        Map<String, String> badCount = minimal();
        badCount.put(EnvNames.MAX_RECEIVE_COUNT, "0");
        assertThatThrownBy(() -> WorkerConfig.fromEnv(badCount, SecretLookup.NONE))
                .isInstanceOf(ConfigException.class)
                .hasMessage("MAX_RECEIVE_COUNT must be >= 1, got 0");

        Map<String, String> badFormat = minimal();
        badFormat.put(EnvNames.OUTPUT_FORMAT, "parquet");
        assertThatThrownBy(() -> WorkerConfig.fromEnv(badFormat, SecretLookup.NONE))
                .isInstanceOf(ConfigException.class)
                .hasMessage("OUTPUT_FORMAT must be one of object|ndjson-gz, got 'parquet'");
    }

    @Test
    void outputFormat_isObjectByDefault_andNdjsonGzWhenSet() {
        assertThat(WorkerConfig.fromEnv(minimal(), SecretLookup.NONE).outputFormat())
                .isEqualTo(org.messageexport.domain.OutputFormat.OBJECT);
        Map<String, String> env = minimal();
        env.put(EnvNames.OUTPUT_FORMAT, " NDJSON-GZ ");
        assertThat(WorkerConfig.fromEnv(env, SecretLookup.NONE).outputFormat())
                .isEqualTo(org.messageexport.domain.OutputFormat.NDJSON_GZ);
    }
}
