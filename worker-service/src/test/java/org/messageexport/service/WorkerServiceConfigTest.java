package org.messageexport.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.messageexport.config.ConfigException;
import org.messageexport.config.EnvNames;
import org.messageexport.config.SecretLookup;

class WorkerServiceConfigTest {
    private static Map<String, String> env(String... extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                EnvNames.ES_URL, "http://127.0.0.1:9200",
                EnvNames.DB_URL, "jdbc:mysql://127.0.0.1:3306/export",
                EnvNames.DB_USERNAME, "export",
                EnvNames.BUCKET, "archive",
                EnvNames.QUEUE_URL, "http://127.0.0.1:9324/000000000000/work"));
        for (int i = 0; i < extra.length; i += 2) {
            env.put(extra[i], extra[i + 1]);
        }
        return env;
    }

    private static WorkerServiceConfig config(String... extra) {
        return WorkerServiceConfig.fromEnv(env(extra), SecretLookup.NONE);
    }

    @Test
    void defaults_fourBatchesAtOnce_oneMessageEach_twoMinutes_hiddenLongerThanTheLeases_drainWithinAPollWait() {
        WorkerServiceConfig c = config();

        assertThat(c.concurrency()).isEqualTo(4);
        assertThat(c.batchSize()).isEqualTo(1);
        assertThat(c.batchTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.visibilityTimeout()).isEqualTo(Duration.ofSeconds(150));
        assertThat(c.drainTimeout()).isEqualTo(Duration.ofSeconds(140));
        assertThat(c.healthAddress().getHostString()).isEqualTo("127.0.0.1");
        assertThat(c.healthAddress().getPort()).isEqualTo(8080);
        assertThat(c.eventSource().heartbeatInterval()).isEqualTo(Duration.ofSeconds(50));
        assertThat(c.worker().bucket()).isEqualTo("archive");
    }

    @Test
    void theEventSource_getsTheSettingsOfTheEnvironment() {
        WorkerServiceConfig c = config(
                EnvNames.WORKER_CONCURRENCY, "8",
                EnvNames.WORKER_BATCH_SIZE, "10",
                EnvNames.WORKER_BATCH_TIMEOUT, "PT30S",
                EnvNames.WORKER_VISIBILITY_TIMEOUT, "PT3M",
                EnvNames.WORKER_DRAIN_TIMEOUT, "PT45S",
                EnvNames.HEALTH_ADDRESS, "0.0.0.0:9090");

        SqsEventSource.Settings s = c.eventSource();
        assertThat(s.queueUrl()).isEqualTo("http://127.0.0.1:9324/000000000000/work");
        assertThat(s.concurrency()).isEqualTo(8);
        assertThat(s.batchSize()).isEqualTo(10);
        assertThat(s.batchTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.visibilityTimeout()).isEqualTo(Duration.ofMinutes(3));
        assertThat(s.pollWait()).isEqualTo(Duration.ofSeconds(20));
        assertThat(c.drainTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(c.healthAddress().getPort()).isEqualTo(9090);
    }

    @Test
    void aVisibilityTimeoutShorterThanTheLeases_failsWithOneLineNamingIt() {
        assertThatThrownBy(
                        () -> config(EnvNames.WORKER_BATCH_TIMEOUT, "PT1M", EnvNames.WORKER_VISIBILITY_TIMEOUT, "PT1M"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        "WORKER_VISIBILITY_TIMEOUT must be at least WORKER_BATCH_TIMEOUT + 2 s (PT1M2S)")
                .hasMessageNotContaining("\n");
    }

    @Test
    void badValues_failWithOneLineNamingTheVariable() {
        assertThatThrownBy(() -> config(EnvNames.WORKER_BATCH_SIZE, "11"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("WORKER_BATCH_SIZE must be 1..10 (SQS's receive limit), got 11");
        assertThatThrownBy(() -> config(EnvNames.WORKER_CONCURRENCY, "0"))
                .hasMessage("WORKER_CONCURRENCY must be >= 1, got 0");
        assertThatThrownBy(() -> config(EnvNames.WORKER_BATCH_TIMEOUT, "2 minutes"))
                .hasMessageStartingWith("WORKER_BATCH_TIMEOUT must be an ISO-8601 duration");
        assertThatThrownBy(() -> config(EnvNames.WORKER_VISIBILITY_TIMEOUT, "PT13H"))
                .hasMessageStartingWith("WORKER_VISIBILITY_TIMEOUT must be at most PT12H");
        assertThatThrownBy(() -> config(EnvNames.HEALTH_ADDRESS, "8080"))
                .hasMessage("HEALTH_ADDRESS must be host:port such as 127.0.0.1:8080, got '8080'");
        assertThatThrownBy(() -> config(EnvNames.HEALTH_ADDRESS, "localhost:http"))
                .hasMessageStartingWith("HEALTH_ADDRESS must be host:port");
    }

    @Test
    void theQueue_isRequired() {
        Map<String, String> env = env();
        env.remove(EnvNames.QUEUE_URL);

        assertThatThrownBy(() -> WorkerServiceConfig.fromEnv(env, SecretLookup.NONE))
                .isInstanceOf(ConfigException.class)
                .hasMessage("QUEUE_URL is required but not set");
    }
}
