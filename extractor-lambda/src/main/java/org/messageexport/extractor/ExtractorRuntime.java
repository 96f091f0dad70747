package org.messageexport.extractor;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.time.Clock;
import java.util.function.Supplier;
import org.messageexport.adapter.AwsClients;
import org.messageexport.adapter.elasticsearch.ElasticsearchClients;
import org.messageexport.adapter.elasticsearch.ElasticsearchMessageIndex;
import org.messageexport.adapter.mysql.MySqlDatabase;
import org.messageexport.adapter.mysql.MySqlJobStore;
import org.messageexport.adapter.mysql.MySqlTrackingStore;
import org.messageexport.adapter.s3.S3ObjectStore;
import org.messageexport.adapter.s3.ServerSideEncryption;
import org.messageexport.adapter.secrets.SecretsManagerLookup;
import org.messageexport.adapter.sqs.SqsBatchQueue;
import org.messageexport.config.SecretLookup;
import org.messageexport.job.JobFailureRecorder;
import org.messageexport.job.JobFinalizer;
import org.messageexport.job.JobPlanner;
import org.messageexport.job.PageExtractor;
import org.messageexport.job.ProgressCheck;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The composition root of the task functions: config read once, clients built once per process and
 * only those a function's task uses, use cases wired on them. In AWS each function's handler builds
 * one; the local runner shares one between all the task handlers of its process.
 */
public final class ExtractorRuntime implements AutoCloseable {
    private final ExtractorConfig config;
    private final Clock clock;
    private final HikariDataSource dataSource;
    private final MySqlJobStore jobs;
    private final MySqlTrackingStore tracking;
    private final Lazy<ElasticsearchClient> elasticsearch;
    private final Lazy<SqsClient> sqs;
    private final Lazy<S3Client> s3;

    public ExtractorRuntime(ExtractorConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.dataSource = MySqlDatabase.pool(config.database(), "extractor");
        try {
            MySqlDatabase.requireCurrentSchema(dataSource);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        this.jobs = new MySqlJobStore(dataSource);
        this.tracking = new MySqlTrackingStore(dataSource);
        this.elasticsearch = new Lazy<>(() -> ElasticsearchClients.create(config.requireElasticsearch()));
        this.sqs = new Lazy<>(() -> AwsClients.sqs(config.sqs()));
        this.s3 = new Lazy<>(() -> S3ObjectStore.client(config.s3(), S3ObjectStore.httpClient(4)));
    }

    /** From the process environment; secrets from Secrets Manager. */
    public static ExtractorRuntime fromEnvironment() {
        return new ExtractorRuntime(ExtractorConfig.fromEnv(System.getenv(), secretLookup()), Clock.systemUTC());
    }

    static SecretLookup secretLookup() {
        return new SecretsManagerLookup(System.getenv().getOrDefault("AWS_REGION", "us-east-1"));
    }

    public ExtractorConfig config() {
        return config;
    }

    public Clock clock() {
        return clock;
    }

    public JobPlanner jobPlanner() {
        return new JobPlanner(jobs, config.job(), clock);
    }

    public PageExtractor pageExtractor() {
        String queueUrl = config.requireQueueUrl();
        return new PageExtractor(
                jobs,
                tracking,
                new ElasticsearchMessageIndex(
                        elasticsearch.get(),
                        config.requireElasticsearch(),
                        config.job().pitKeepAlive()),
                new SqsBatchQueue(sqs.get(), queueUrl),
                config.job(),
                clock);
    }

    public ProgressCheck progressCheck() {
        return new ProgressCheck(jobs, tracking, config.job(), config.progressMaxWait(), clock);
    }

    public JobFinalizer jobFinalizer() {
        String bucket = config.requireBucket();
        // the manifest is one small object: no encryption headers beyond the bucket's default, no concurrency
        return new JobFinalizer(
                jobs,
                tracking,
                new S3ObjectStore(s3.get(), bucket, ServerSideEncryption.NONE, 1),
                config.keyPrefix(),
                config.job().failureBudget(),
                clock);
    }

    public JobFailureRecorder jobFailureRecorder() {
        return new JobFailureRecorder(jobs, tracking, clock);
    }

    @Override
    public void close() {
        sqs.ifBuilt(SqsClient::close);
        s3.ifBuilt(S3Client::close);
        elasticsearch.ifBuilt(es -> {
            try {
                es._transport().close();
            } catch (IOException e) {
                // closing: nothing left to do with a transport that fails to close
            }
        });
        dataSource.close();
    }

    /** A client built on first use, at most once. */
    private static final class Lazy<T> {
        private final Supplier<T> factory;
        private T value;

        Lazy(Supplier<T> factory) {
            this.factory = factory;
        }

        synchronized T get() {
            if (value == null) {
                value = factory.get();
            }
            return value;
        }

        synchronized void ifBuilt(java.util.function.Consumer<T> action) {
            if (value != null) {
                action.accept(value);
            }
        }
    }
}
