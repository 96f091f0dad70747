package org.messageexport.worker;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.messageexport.adapter.s3.ServerSideEncryption;
import org.messageexport.adapter.secrets.SecretsManagerLookup;
import org.messageexport.config.AwsEndpointConfig;
import org.messageexport.config.DatabaseConfig;
import org.messageexport.config.ElasticsearchConfig;
import org.messageexport.config.Env;
import org.messageexport.config.EnvNames;
import org.messageexport.config.JobSettings;
import org.messageexport.config.ObjectKeySettings;
import org.messageexport.config.SecretLookup;
import org.messageexport.config.SideCollections;
import org.messageexport.domain.ObjectKeyScheme;
import org.messageexport.domain.OutputFormat;
import org.messageexport.domain.SideCollection;

/**
 * The worker's configuration, read once from the environment; invalid values fail at init with one
 * line naming the variable ({@link org.messageexport.config.ConfigException}).
 */
public record WorkerConfig(
        ElasticsearchConfig elasticsearch,
        List<SideCollection> sideCollections,
        DatabaseConfig database,
        AwsEndpointConfig s3Endpoint,
        String bucket,
        ObjectKeyScheme keys,
        ServerSideEncryption sse,
        int putConcurrency,
        int maxDocumentBytes,
        int maxReceiveCount,
        Duration leaseDuration,
        OutputFormat outputFormat) {

    public static final int DEFAULT_PUT_CONCURRENCY = 32;
    public static final int DEFAULT_MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;
    public static final int DEFAULT_MAX_RECEIVE_COUNT = 5;

    public WorkerConfig {
        sideCollections = List.copyOf(sideCollections);
    }

    /** Secrets (the {@code *_SECRET_ARN} variables) from AWS Secrets Manager. */
    public static WorkerConfig fromEnv(Map<String, String> environment) {
        Env env = new Env(environment);
        return fromEnv(environment, new SecretsManagerLookup(env.string("AWS_REGION", "us-east-1")));
    }

    public static WorkerConfig fromEnv(Map<String, String> environment, SecretLookup secrets) {
        Env env = new Env(environment);
        return new WorkerConfig(
                ElasticsearchConfig.from(env, secrets),
                SideCollections.from(env),
                DatabaseConfig.from(env, secrets),
                AwsEndpointConfig.from(env, EnvNames.S3_ENDPOINT),
                env.required(EnvNames.BUCKET),
                ObjectKeySettings.from(env),
                ServerSideEncryption.parse(
                        env.string(EnvNames.S3_SSE, "AES256"),
                        env.optional(EnvNames.S3_KMS_KEY_ID).orElse(null)),
                env.positiveInt(EnvNames.PUT_CONCURRENCY, DEFAULT_PUT_CONCURRENCY),
                env.positiveInt(EnvNames.MAX_DOCUMENT_BYTES, DEFAULT_MAX_DOCUMENT_BYTES),
                env.positiveInt(EnvNames.MAX_RECEIVE_COUNT, DEFAULT_MAX_RECEIVE_COUNT),
                JobSettings.from(env).leaseDuration(),
                env.outputFormat(EnvNames.OUTPUT_FORMAT, OutputFormat.DEFAULT));
    }
}
