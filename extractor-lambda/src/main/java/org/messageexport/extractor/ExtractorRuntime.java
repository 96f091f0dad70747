package org.messageexport.extractor;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.time.Clock;
import org.messageexport.adapter.AwsClients;
import org.messageexport.adapter.elasticsearch.ElasticsearchClients;
import org.messageexport.adapter.elasticsearch.ElasticsearchMessageIndex;
import org.messageexport.adapter.mysql.MySqlDatabase;
import org.messageexport.adapter.mysql.MySqlJobStore;
import org.messageexport.adapter.mysql.MySqlTrackingStore;
import org.messageexport.adapter.secrets.SecretsManagerLookup;
import org.messageexport.config.AwsEndpointConfig;
import org.messageexport.config.Env;
import org.messageexport.adapter.sqs.SqsBatchQueue;
import org.messageexport.job.JobPlanner;
import org.messageexport.job.PageExtractor;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The composition root of the task functions: config read once, clients built once per process,
 * use cases wired on them. In AWS each function's handler builds one; the local runner shares one
 * between all the task handlers of its process.
 */
public final class ExtractorRuntime implements AutoCloseable {
    private final ExtractorConfig config;
    private final Clock clock;
    private final HikariDataSource dataSource;
    private final ElasticsearchClient elasticsearch;
    private final SqsClient sqs;
    private final MySqlJobStore jobs;
    private final MySqlTrackingStore tracking;

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
        this.elasticsearch = ElasticsearchClients.create(config.elasticsearch());
        this.sqs = AwsClients.sqs(config.sqs());
        this.jobs = new MySqlJobStore(dataSource);
        this.tracking = new MySqlTrackingStore(dataSource);
    }

    /** From the process environment; secrets from Secrets Manager. */
    public static ExtractorRuntime fromEnvironment() {
        return new ExtractorRuntime(ExtractorConfig.fromEnv(System.getenv(), new SecretsManagerLookup(AwsEndpointConfig.from(new Env(System.getenv()), "SECRETS_MANAGER_ENDPOINT"))), Clock.systemUTC());
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
        return new PageExtractor(jobs, tracking,
                new ElasticsearchMessageIndex(elasticsearch, config.elasticsearch(), config.job().pitKeepAlive()),
                new SqsBatchQueue(sqs, config.queueUrl()), config.job(), clock);
    }

    @Override
    public void close() {
        sqs.close();
        try {
            elasticsearch._transport().close();
        } catch (IOException e) {
            // closing: nothing left to do with a transport that fails to close
        }
        dataSource.close();
    }
}
