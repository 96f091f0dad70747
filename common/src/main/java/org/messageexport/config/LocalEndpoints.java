package org.messageexport.config;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * Services on this machine (the embedded stand-ins of tests and local runs): Elasticsearch, MySQL, and
 * S3/SQS-compatible servers with static credentials. {@link #environment()} is what the CDK stack would
 * set in AWS, pointed at them.
 */
public record LocalEndpoints(
        URI elasticsearch,
        String jdbcUrl,
        String dbUser,
        String dbPassword,
        URI s3,
        URI sqs,
        String region,
        String accessKeyId,
        String secretAccessKey) {

    /** A mutable map, so that callers can add the bucket, the queue and the job's settings. */
    public Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put(EnvNames.ES_URL, elasticsearch.toString());
        env.put(EnvNames.DB_URL, jdbcUrl);
        env.put(EnvNames.DB_USERNAME, dbUser);
        env.put(EnvNames.DB_PASSWORD, dbPassword);
        env.put(EnvNames.S3_ENDPOINT, s3.toString());
        env.put(EnvNames.SQS_ENDPOINT, sqs.toString());
        env.put("AWS_REGION", region);
        env.put("AWS_ACCESS_KEY_ID", accessKeyId);
        env.put("AWS_SECRET_ACCESS_KEY", secretAccessKey);
        // S3Proxy answers 501 to server-side-encryption headers
        env.put(EnvNames.S3_SSE, "none");
        return env;
    }
}
