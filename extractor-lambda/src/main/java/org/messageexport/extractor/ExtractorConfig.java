package org.messageexport.extractor;

import java.util.Map;
import org.messageexport.config.AwsEndpointConfig;
import org.messageexport.config.DatabaseConfig;
import org.messageexport.config.ElasticsearchConfig;
import org.messageexport.config.Env;
import org.messageexport.config.EnvNames;
import org.messageexport.config.JobSettings;
import org.messageexport.config.SecretLookup;

/**
 * Everything the Step Functions task functions read, once, at start. The same variables are set on
 * all of them by the CDK stack.
 *
 * @param bucket where the manifest goes; {@code keyPrefix} the prefix of every object of the export
 */
public record ExtractorConfig(
        ElasticsearchConfig elasticsearch,
        DatabaseConfig database,
        JobSettings job,
        String queueUrl,
        AwsEndpointConfig sqs,
        String bucket,
        String keyPrefix,
        AwsEndpointConfig s3) {

    public static ExtractorConfig fromEnv(Map<String, String> variables, SecretLookup secrets) {
        Env env = new Env(variables);
        return new ExtractorConfig(
                ElasticsearchConfig.from(env, secrets),
                DatabaseConfig.from(env, secrets),
                JobSettings.from(env),
                env.required(EnvNames.QUEUE_URL),
                AwsEndpointConfig.from(env, EnvNames.SQS_ENDPOINT),
                env.required(EnvNames.BUCKET),
                env.string(EnvNames.KEY_PREFIX, "exports"),
                AwsEndpointConfig.from(env, EnvNames.S3_ENDPOINT));
    }
}
