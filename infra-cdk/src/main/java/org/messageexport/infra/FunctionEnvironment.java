package org.messageexport.infra;

import java.util.LinkedHashMap;
import java.util.Map;
import org.messageexport.config.EnvNames;

/**
 * Assembles a function's environment from groups of variables. Every name comes from
 * {@link EnvNames}, the list the handlers read, and no value is ever null.
 */
final class FunctionEnvironment {
    private final Map<String, String> variables = new LinkedHashMap<>();

    /** The cluster (either engine): its credentials' secret, or SigV4 for the domain's region. */
    FunctionEnvironment elasticsearch(ExportSettings.Connections connections) {
        variables.put(EnvNames.ES_URL, connections.esUrl());
        variables.put(EnvNames.SEARCH_ENGINE, connections.searchEngine().value());
        connections.esSecretArn().ifPresent(arn -> variables.put(EnvNames.ES_SECRET_ARN, arn));
        connections.searchDomainRegion().ifPresent(region -> {
            variables.put(EnvNames.SEARCH_AUTH, "sigv4");
            variables.put(EnvNames.SEARCH_SIGV4_SERVICE, "es");
            variables.put(EnvNames.SEARCH_REGION, region);
        });
        if (connections.esAllowPlainHttp()) {
            variables.put(EnvNames.ES_ALLOW_PLAIN_HTTP, "true");
        }
        return this;
    }

    /** MySQL, always over verified TLS: every function has it, so every function also gets {@code REQUIRE_TLS}. */
    FunctionEnvironment database(ExportSettings.Connections connections) {
        variables.put(EnvNames.DB_URL, connections.dbUrl());
        variables.put(EnvNames.DB_SECRET_ARN, connections.dbSecretArn());
        variables.put(EnvNames.REQUIRE_TLS, "true");
        return this;
    }

    FunctionEnvironment archive(ArchiveBucket archive) {
        variables.put(EnvNames.BUCKET, archive.bucket().getBucketName());
        variables.put(EnvNames.KEY_PREFIX, archive.keyPrefix());
        variables.put(EnvNames.S3_SSE, archive.serverSideEncryption());
        archive.key().ifPresent(key -> variables.put(EnvNames.S3_KMS_KEY_ID, key.getKeyArn()));
        return this;
    }

    /** The queue, and its visibility timeout: what stays stalled longer than that is sent again. */
    FunctionEnvironment queue(WorkQueue queue) {
        variables.put(EnvNames.QUEUE_URL, queue.queue().getQueueUrl());
        variables.put(
                EnvNames.QUEUE_VISIBILITY_TIMEOUT,
                java.time.Duration.ofSeconds(queue.visibilityTimeoutSeconds()).toString());
        return this;
    }

    /** The worker marks rows failed (not pending) on a batch's last delivery: it must know which one that is. */
    FunctionEnvironment deliveries(WorkQueue queue) {
        variables.put(EnvNames.MAX_RECEIVE_COUNT, Integer.toString(queue.maxReceiveCount()));
        return this;
    }

    /** Settings from the context; a setting already present keeps its value (connections win). */
    FunctionEnvironment settings(Map<String, String> settings) {
        settings.forEach(variables::putIfAbsent);
        return this;
    }

    Map<String, String> build() {
        return Map.copyOf(variables);
    }
}
