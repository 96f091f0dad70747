package org.messageexport.local;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.messageexport.adapter.AwsClients;
import org.messageexport.adapter.ResourceStack;
import org.messageexport.adapter.mysql.MySqlDatabase;
import org.messageexport.adapter.mysql.MySqlJobSettlement;
import org.messageexport.adapter.mysql.MySqlJobStore;
import org.messageexport.adapter.s3.S3ObjectStore;
import org.messageexport.config.AwsEndpointConfig;
import org.messageexport.config.DatabaseConfig;
import org.messageexport.config.Env;
import org.messageexport.config.EnvNames;
import org.messageexport.config.SearchEngine;
import org.messageexport.config.SecretLookup;
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.local.LocalSettings.ExternalEndpoints;
import org.messageexport.localkit.LocalEndpoints;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What the functions of a local deployment run on, as the CDK stack provides it in AWS: the services (embedded
 * stand-ins, or real endpoints), the bucket, the work queue and its DLQ, the migrated database, and the
 * functions' environment pointing at all of it.
 */
public final class LocalInfrastructure implements AutoCloseable {
    private final LocalSettings settings;
    private final Optional<EmbeddedServices> services;
    private final Map<String, String> environment;
    private final HikariDataSource database;
    private final SqsClient sqs;
    private final S3Client s3;
    private final String queueUrl;
    private final Optional<String> deadLetterQueueUrl;
    private final ResourceStack opened;

    private LocalInfrastructure(
            LocalSettings settings,
            EmbeddedServices services,
            Map<String, String> environment,
            HikariDataSource database,
            SqsClient sqs,
            S3Client s3,
            Queues queues,
            ResourceStack opened) {
        this.settings = settings;
        this.services = Optional.ofNullable(services);
        this.environment = Map.copyOf(environment);
        this.database = database;
        this.sqs = sqs;
        this.s3 = s3;
        this.queueUrl = queues.work();
        this.deadLetterQueueUrl = Optional.ofNullable(queues.deadLetter());
        this.opened = opened;
    }

    private record Queues(String work, String deadLetter) {}

    /**
     * Starts the embedded services (unless {@code shared} ones are given, which stay running on close, or the
     * settings name real endpoints), creates the bucket and the queues, and migrates the database.
     */
    public static LocalInfrastructure start(LocalSettings settings, EmbeddedServices shared, Consumer<String> status)
            throws IOException {
        ResourceStack opened = new ResourceStack();
        try {
            EmbeddedServices services = shared;
            boolean ownsServices = false;
            Map<String, String> env = new HashMap<>();
            if (settings.external().isEmpty()) {
                if (services == null) {
                    status.accept("starting embedded Elasticsearch, MySQL, SQS and S3 …");
                    services =
                            opened.push(EmbeddedServices.start(EmbeddedServices.Options.fromEnvironment(System.getenv())
                                    .withS3Directory(settings.s3Directory().toAbsolutePath())));
                    ownsServices = true;
                    status.accept("embedded services started in "
                            + services.startMillis().get("total") + " ms");
                }
                if (settings.searchEngine() == SearchEngine.OPENSEARCH) {
                    status.accept("starting embedded OpenSearch (child JVM) …");
                }
                env.putAll(LocalEndpoints.of(services, settings.searchEngine()).environment());
                settings.elasticsearch().ifPresent(es -> {
                    env.put(EnvNames.ES_URL, es.url().toString());
                    putIfPresent(env, EnvNames.ES_USERNAME, es.username());
                    putIfPresent(env, EnvNames.ES_PASSWORD, es.password());
                });
            } else {
                env.putAll(externalEnvironment(settings.external().get(), settings.searchEngine()));
            }
            env.putAll(jobEnvironment(settings));

            SqsClient sqs = opened.push(AwsClients.sqs(AwsEndpointConfig.from(new Env(env), EnvNames.SQS_ENDPOINT)));
            S3Client s3 = opened.push(S3ObjectStore.client(
                    AwsEndpointConfig.from(new Env(env), EnvNames.S3_ENDPOINT), S3ObjectStore.httpClient(4)));
            Queues queues;
            if (settings.external().isEmpty()) {
                createBucketIfMissing(s3, settings.bucket());
                queues = createQueues(sqs, settings, ownsServices ? "" : "-" + Long.toString(System.nanoTime(), 36));
            } else {
                queues = new Queues(settings.external().get().queueUrl(), null);
            }
            env.put(EnvNames.QUEUE_URL, queues.work());
            env.putAll(settings.extraEnvironment());

            DatabaseConfig db = DatabaseConfig.from(new Env(env), SecretLookup.NONE);
            HikariDataSource database = opened.push(MySqlDatabase.pool(db.withPoolSize(2), "local-runner"));
            int applied = MySqlDatabase.migrate(database);
            if (applied > 0) {
                status.accept("database migrated (" + applied + " migrations)");
            }
            return new LocalInfrastructure(settings, services, env, database, sqs, s3, queues, opened);
        } catch (IOException | RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    private static Map<String, String> externalEnvironment(ExternalEndpoints ext, SearchEngine engine) {
        Map<String, String> env = new HashMap<>();
        env.put(EnvNames.ES_URL, ext.elasticsearchUrl().toString());
        env.put(EnvNames.SEARCH_ENGINE, engine.value());
        putIfPresent(env, EnvNames.ES_USERNAME, ext.esUsername());
        putIfPresent(env, EnvNames.ES_PASSWORD, ext.esPassword());
        env.put(EnvNames.DB_URL, ext.jdbcUrl());
        env.put(EnvNames.DB_USERNAME, ext.dbUsername());
        putIfPresent(env, EnvNames.DB_PASSWORD, ext.dbPassword());
        ext.s3Endpoint().ifPresent(u -> env.put(EnvNames.S3_ENDPOINT, u.toString()));
        ext.sqsEndpoint().ifPresent(u -> env.put(EnvNames.SQS_ENDPOINT, u.toString()));
        env.put("AWS_REGION", ext.region());
        putIfPresent(env, "AWS_ACCESS_KEY_ID", System.getenv("AWS_ACCESS_KEY_ID"));
        putIfPresent(env, "AWS_SECRET_ACCESS_KEY", System.getenv("AWS_SECRET_ACCESS_KEY"));
        return env;
    }

    private static Map<String, String> jobEnvironment(LocalSettings settings) {
        Map<String, String> env = new HashMap<>();
        env.put(EnvNames.BUCKET, settings.bucket());
        env.put(EnvNames.KEY_PREFIX, settings.keyPrefix());
        env.put(EnvNames.FIRST_START_DATE, settings.firstStartDate().toString());
        env.put(EnvNames.EXPORT_WINDOW, settings.window().toString());
        env.put(EnvNames.SAFETY_LAG, settings.safetyLag().toString());
        env.put(EnvNames.MAX_RECEIVE_COUNT, Integer.toString(settings.maxReceiveCount()));
        // a local job is small: check progress often, and let a dead worker's claim expire soon after the redelivery
        env.put(EnvNames.PROGRESS_MAX_WAIT, "PT2S");
        env.put(EnvNames.LEASE_DURATION, settings.visibilityTimeout().toString());
        // the progress check sends again what stays stalled longer than the queue's visibility timeout
        env.put(EnvNames.QUEUE_VISIBILITY_TIMEOUT, settings.visibilityTimeout().toString());
        return env;
    }

    private static void createBucketIfMissing(S3Client s3, String bucket) {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (software.amazon.awssdk.services.s3.model.NoSuchBucketException e) {
            s3.createBucket(b -> b.bucket(bucket));
        }
    }

    /** The work queue with its redrive policy to a DLQ, as the CDK stack makes them; names end in {@code suffix}. */
    private static Queues createQueues(SqsClient sqs, LocalSettings settings, String suffix) {
        String dlqUrl =
                sqs.createQueue(q -> q.queueName("message-export-dlq" + suffix)).queueUrl();
        String dlqArn = queueArn(sqs, dlqUrl);
        String queueUrl = sqs.createQueue(q -> q.queueName("message-export-work" + suffix)
                        .attributes(Map.of(
                                QueueAttributeName.VISIBILITY_TIMEOUT,
                                Long.toString(settings.visibilityTimeout().toSeconds()),
                                QueueAttributeName.REDRIVE_POLICY,
                                "{\"maxReceiveCount\":\"" + settings.maxReceiveCount() + "\",\"deadLetterTargetArn\":\""
                                        + dlqArn + "\"}")))
                .queueUrl();
        return new Queues(queueUrl, dlqUrl);
    }

    static String queueArn(SqsClient sqs, String queueUrl) {
        return sqs.getQueueAttributes(a -> a.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes()
                .get(QueueAttributeName.QUEUE_ARN);
    }

    private static void putIfPresent(Map<String, String> env, String name, String value) {
        if (value != null && !value.isBlank()) {
            env.put(name, value);
        }
    }

    /** The functions' environment (EnvNames), as the CDK stack would set it, pointing at these services. */
    public Map<String, String> environment() {
        return environment;
    }

    public LocalSettings settings() {
        return settings;
    }

    public javax.sql.DataSource database() {
        return database;
    }

    public MySqlJobStore jobs() {
        return new MySqlJobStore(database);
    }

    public MySqlJobSettlement tracking() {
        return new MySqlJobSettlement(database);
    }

    public Optional<EmbeddedServices> embeddedServices() {
        return services;
    }

    public S3Client s3() {
        return s3;
    }

    public SqsClient sqs() {
        return sqs;
    }

    public String queueUrl() {
        return queueUrl;
    }

    public Optional<String> deadLetterQueueUrl() {
        return deadLetterQueueUrl;
    }

    /** Where the bucket's objects are files (embedded S3 only). */
    public Optional<Path> bucketDirectory() {
        if (settings.external().isPresent()) {
            return Optional.empty();
        }
        return services.map(s -> s.s3Directory().resolve(settings.bucket()));
    }

    /** Closes the clients and the pool, and stops the embedded services it started (not shared ones). */
    @Override
    public void close() {
        opened.close();
    }
}
