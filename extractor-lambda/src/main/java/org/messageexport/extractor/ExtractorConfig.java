package org.messageexport.extractor;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.messageexport.config.AwsEndpointConfig;
import org.messageexport.config.ConfigException;
import org.messageexport.config.DatabaseConfig;
import org.messageexport.config.ElasticsearchConfig;
import org.messageexport.config.Env;
import org.messageexport.config.EnvNames;
import org.messageexport.config.JobSettings;
import org.messageexport.config.ObjectKeySettings;
import org.messageexport.config.SecretLookup;
import org.messageexport.config.SideCollections;
import org.messageexport.domain.ObjectKeyScheme;
import org.messageexport.domain.SideCollection;

/**
 * What the Step Functions task functions read, once, at start. Each function is given only what its
 * task needs (MySQL for all; Elasticsearch and the queue for extraction; the bucket for finalizing):
 * the parts a function lacks are empty, and asking for one fails with a line naming the variable.
 */
public record ExtractorConfig(
        DatabaseConfig database,
        JobSettings job,
        Duration progressMaxWait,
        Optional<ElasticsearchConfig> elasticsearch,
        List<SideCollection> sideCollections,
        Optional<String> queueUrl,
        AwsEndpointConfig sqs,
        Optional<String> bucket,
        ObjectKeyScheme keys,
        AwsEndpointConfig s3) {

    public static ExtractorConfig fromEnv(Map<String, String> variables, SecretLookup secrets) {
        Env env = new Env(variables);
        return new ExtractorConfig(
                DatabaseConfig.from(env, secrets),
                JobSettings.from(env),
                env.duration(EnvNames.PROGRESS_MAX_WAIT, Duration.ofMinutes(2)),
                env.optional(EnvNames.ES_URL).map(url -> ElasticsearchConfig.from(env, secrets)),
                SideCollections.from(env),
                env.optional(EnvNames.QUEUE_URL),
                AwsEndpointConfig.from(env, EnvNames.SQS_ENDPOINT),
                env.optional(EnvNames.BUCKET),
                ObjectKeySettings.from(env),
                AwsEndpointConfig.from(env, EnvNames.S3_ENDPOINT));
    }

    ElasticsearchConfig requireElasticsearch() {
        return elasticsearch.orElseThrow(() -> missing(EnvNames.ES_URL));
    }

    String requireQueueUrl() {
        return queueUrl.orElseThrow(() -> missing(EnvNames.QUEUE_URL));
    }

    String requireBucket() {
        return bucket.orElseThrow(() -> missing(EnvNames.BUCKET));
    }

    static ConfigException missing(String name) {
        return new ConfigException(name + " is required by this function but not set");
    }
}
