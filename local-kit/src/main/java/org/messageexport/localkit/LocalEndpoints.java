package org.messageexport.localkit;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.messageexport.config.EnvNames;
import org.messageexport.config.SearchEngine;
import org.messageexport.embedded.AwsEndpoint;
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.embedded.MySqlEndpoint;

/**
 * Services on this machine (the embedded stand-ins of tests, local runs and benchmarks): Elasticsearch or OpenSearch, MySQL,
 * and S3/SQS-compatible servers with static credentials. {@link #environment()} is what the CDK stack would set in
 * AWS, pointed at them: the one mapping from the embedded services to the functions' environment.
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
        String secretAccessKey,
        SearchEngine searchEngine) {

    /** The endpoints of running embedded services (S3 and SQS share the S3 stand-in's credentials). */
    public static LocalEndpoints of(EmbeddedServices services) {
        return of(services, SearchEngine.ELASTICSEARCH);
    }

    /** The same with the messages on {@code engine}'s node (OpenSearch's starts on first use). */
    public static LocalEndpoints of(EmbeddedServices services, SearchEngine engine) {
        MySqlEndpoint db = services.mysql();
        AwsEndpoint s3 = services.s3();
        return new LocalEndpoints(
                engine == SearchEngine.OPENSEARCH ? services.openSearchUrl() : services.elasticsearchUrl(),
                db.jdbcUrl(),
                db.user(),
                db.password(),
                s3.url(),
                services.sqs().url(),
                s3.region(),
                s3.accessKeyId(),
                s3.secretAccessKey(),
                engine);
    }

    /** A mutable map, so that callers can add the bucket, the queue and the job's settings. */
    public Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put(EnvNames.ES_URL, elasticsearch.toString());
        env.put(EnvNames.SEARCH_ENGINE, searchEngine.value());
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

    /** {@link #environment()} with the export bucket and the work queue, each when not null. */
    public Map<String, String> environment(String bucket, String queueUrl) {
        Map<String, String> env = environment();
        if (bucket != null) {
            env.put(EnvNames.BUCKET, bucket);
        }
        if (queueUrl != null) {
            env.put(EnvNames.QUEUE_URL, queueUrl);
        }
        return env;
    }
}
