package org.messageexport.localkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.messageexport.config.EnvNames;
import org.messageexport.config.SearchEngine;

class LocalEndpointsTest {
    private final LocalEndpoints endpoints = new LocalEndpoints(
            URI.create("http://127.0.0.1:9200"),
            "jdbc:mysql://127.0.0.1:3306/db",
            "root",
            "",
            URI.create("http://127.0.0.1:9000"),
            URI.create("http://127.0.0.1:9324"),
            "us-east-1",
            "key",
            "secret",
            SearchEngine.ELASTICSEARCH);

    @Test
    void environment_pointsEveryFunctionVariableAtTheLocalServices_withoutServerSideEncryption() {
        Map<String, String> env = endpoints.environment();

        assertThat(env)
                .containsEntry(EnvNames.ES_URL, "http://127.0.0.1:9200")
                .containsEntry(EnvNames.SEARCH_ENGINE, "elasticsearch")
                .containsEntry(EnvNames.DB_URL, "jdbc:mysql://127.0.0.1:3306/db")
                .containsEntry(EnvNames.DB_USERNAME, "root")
                .containsEntry(EnvNames.S3_ENDPOINT, "http://127.0.0.1:9000")
                .containsEntry(EnvNames.SQS_ENDPOINT, "http://127.0.0.1:9324")
                .containsEntry("AWS_REGION", "us-east-1")
                .containsEntry("AWS_ACCESS_KEY_ID", "key")
                .containsEntry("AWS_SECRET_ACCESS_KEY", "secret")
                .containsEntry(EnvNames.S3_SSE, "none")
                .doesNotContainKeys(EnvNames.BUCKET, EnvNames.QUEUE_URL);
    }

    @Test
    void environmentWithBucketAndQueue_addsThoseGiven() {
        assertThat(endpoints.environment("exports", null))
                .containsEntry(EnvNames.BUCKET, "exports")
                .doesNotContainKey(EnvNames.QUEUE_URL);
        assertThat(endpoints.environment(null, "http://q")).containsEntry(EnvNames.QUEUE_URL, "http://q");
    }
}
