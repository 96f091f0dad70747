package org.messageexport.cli;

import java.util.Map;
import org.messageexport.adapter.AwsClients;
import org.messageexport.adapter.ResourceStack;
import org.messageexport.adapter.mysql.MySqlBatchOutbox;
import org.messageexport.adapter.mysql.MySqlConnections;
import org.messageexport.adapter.mysql.MySqlFailedMessageRetry;
import org.messageexport.adapter.mysql.MySqlJobExplorer;
import org.messageexport.adapter.mysql.MySqlJobSettlement;
import org.messageexport.adapter.mysql.MySqlJobStore;
import org.messageexport.adapter.mysql.MySqlTrackingPartitions;
import org.messageexport.adapter.mysql.MySqlWindowTracking;
import org.messageexport.adapter.s3.S3ObjectStore;
import org.messageexport.adapter.search.SearchAdapters;
import org.messageexport.adapter.search.SearchMessageDocuments;
import org.messageexport.adapter.secrets.SecretsManagerLookup;
import org.messageexport.adapter.sqs.SqsBatchQueue;
import org.messageexport.config.AwsEndpointConfig;
import org.messageexport.config.Env;
import org.messageexport.config.EnvNames;
import org.messageexport.config.JobSettings;
import org.messageexport.config.OperatorEndpoints;
import org.messageexport.config.SecretLookup;
import org.messageexport.job.FailedMessageRetrier;
import org.messageexport.job.JobFinalizer;
import org.messageexport.job.TrackingRetention;
import org.messageexport.port.WindowCensus;
import org.messageexport.worker.WorkerConfig;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The composition root of one CLI command: the deployment's endpoints, and the clients and adapters on them, each
 * built on first use (a command that needs no database opens none) and closed with this, last first. Not thread-safe.
 */
final class Operator implements AutoCloseable {
    private final OperatorEndpoints endpoints;
    private final ResourceStack opened = new ResourceStack();
    private WorkerConfig config;
    private SfnClient sfn;
    private SqsClient sqs;
    private S3Client s3;
    private MySqlConnections database;
    private SearchAdapters search;
    private SearchMessageDocuments documents;

    Operator(OperatorEndpoints endpoints) {
        this.endpoints = endpoints;
    }

    OperatorEndpoints endpoints() {
        return endpoints;
    }

    Map<String, String> environment() {
        return endpoints.environment();
    }

    /** The functions' settings as the worker reads them (one line naming a missing or bad one). */
    WorkerConfig config() {
        if (config == null) {
            config = WorkerConfig.fromEnv(environment(), secrets());
        }
        return config;
    }

    JobSettings jobSettings() {
        return JobSettings.from(new Env(environment()));
    }

    private SecretLookup secrets() {
        Map<String, String> env = environment();
        boolean anySecret = env.containsKey(EnvNames.DB_SECRET_ARN) || env.containsKey(EnvNames.ES_SECRET_ARN);
        return anySecret ? new SecretsManagerLookup(region()) : SecretLookup.NONE;
    }

    private String region() {
        return AwsEndpointConfig.from(new Env(environment()), EnvNames.SQS_ENDPOINT)
                .region();
    }

    SfnClient sfn() {
        if (sfn == null) {
            AwsEndpointConfig aws = AwsEndpointConfig.from(new Env(environment()), EnvNames.SQS_ENDPOINT);
            var b = AwsClients.configure(
                    SfnClient.builder(),
                    new AwsEndpointConfig(
                            endpoints.stepFunctionsEndpoint(), aws.region(), aws.accessKeyId(), aws.secretAccessKey()));
            sfn = push(b.httpClientBuilder(ApacheHttpClient.builder()).build());
        }
        return sfn;
    }

    SqsClient sqs() {
        if (sqs == null) {
            sqs = push(AwsClients.sqs(AwsEndpointConfig.from(new Env(environment()), EnvNames.SQS_ENDPOINT), 4));
        }
        return sqs;
    }

    S3Client s3() {
        if (s3 == null) {
            s3 = push(S3ObjectStore.client(config().s3Endpoint(), S3ObjectStore.httpClient(16)));
        }
        return s3;
    }

    S3ObjectStore objects() {
        return new S3ObjectStore(s3(), config().bucket(), config().sse(), 4);
    }

    /** The pool, built on first use; the schema is checked on its first connection (one line if it is behind). */
    MySqlConnections database() {
        if (database == null) {
            database = push(new MySqlConnections(config().database().withPoolSize(2), "message-export-cli"));
        }
        return database;
    }

    MySqlJobStore jobs() {
        return new MySqlJobStore(database());
    }

    MySqlJobExplorer explorer() {
        return new MySqlJobExplorer(database());
    }

    MySqlJobSettlement settlement() {
        return new MySqlJobSettlement(database());
    }

    /** The index adapters on the deployment's engine (Elasticsearch or OpenSearch, signed where it says so). */
    private SearchAdapters search() {
        if (search == null) {
            SearchAdapters adapters = SearchAdapters.of(config().elasticsearch());
            push(adapters.connection());
            search = adapters;
        }
        return search;
    }

    WindowCensus census() {
        return search().windowCensus();
    }

    SearchMessageDocuments documents() {
        if (documents == null) {
            documents = push(search().messageDocuments(config().sideCollections()));
        }
        return documents;
    }

    FailedMessageRetrier retrier() {
        return new FailedMessageRetrier(
                jobs(),
                new MySqlFailedMessageRetry(database()),
                new MySqlBatchOutbox(database()),
                new SqsBatchQueue(sqs(), required(EnvNames.QUEUE_URL)),
                settlement(),
                manifests(),
                java.time.Clock.systemUTC());
    }

    /** Rewrites a finished job's manifest (the finalizer's own code; the budget is not consulted for a rewrite). */
    JobFinalizer manifests() {
        return new JobFinalizer(
                jobs(),
                settlement(),
                search().messageIndex(java.time.Duration.ofMinutes(1)),
                new MySqlWindowTracking(database()),
                objects(),
                config().keys(),
                // only the manifest's failure_budget field reads it: the deployment's setting when given
                new Env(environment())
                        .failureBudget(EnvNames.FAILURE_BUDGET, org.messageexport.domain.FailureBudget.NONE),
                // a rewrite never drops tracking partitions (retention 0: kept)
                new TrackingRetention(new MySqlTrackingPartitions(database()), 0, java.time.Clock.systemUTC()),
                java.time.Clock.systemUTC());
    }

    String required(String name) {
        return new Env(environment()).required(name);
    }

    private <T extends AutoCloseable> T push(T resource) {
        return opened.push(resource);
    }

    @Override
    public void close() {
        opened.close();
    }
}
