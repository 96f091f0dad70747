package org.messageexport.local;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.messageexport.adapter.AwsClients;
import org.messageexport.adapter.lambda.LocalLambdaContext;
import org.messageexport.adapter.mysql.MySqlDatabase;
import org.messageexport.adapter.mysql.MySqlJobStore;
import org.messageexport.adapter.mysql.MySqlTrackingStore;
import org.messageexport.adapter.s3.S3ObjectStore;
import org.messageexport.config.AwsEndpointConfig;
import org.messageexport.config.DatabaseConfig;
import org.messageexport.config.EnvNames;
import org.messageexport.config.LocalEndpoints;
import org.messageexport.config.SecretLookup;
import org.messageexport.domain.Deadline;
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.embedded.MySqlEndpoint;
import org.messageexport.extractor.CheckProgressHandler;
import org.messageexport.extractor.ExtractPageHandler;
import org.messageexport.extractor.ExtractorConfig;
import org.messageexport.extractor.ExtractorRuntime;
import org.messageexport.extractor.FinalizeJobHandler;
import org.messageexport.extractor.MarkJobFailedHandler;
import org.messageexport.extractor.PlanJobHandler;
import org.messageexport.local.LocalSettings.ExternalEndpoints;
import org.messageexport.port.ObjectStore;
import org.messageexport.statemachine.ExecutionEvent;
import org.messageexport.statemachine.ExecutionResult;
import org.messageexport.statemachine.ExportJobFunction;
import org.messageexport.statemachine.LambdaInvokeServer;
import org.messageexport.statemachine.LocalFunction;
import org.messageexport.statemachine.LocalStateMachineRunner;
import org.messageexport.statemachine.StateMachineDefinition;
import org.messageexport.worker.ExportBatchHandler;
import org.messageexport.worker.WorkerComponents;
import org.messageexport.worker.WorkerConfig;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The whole export on one machine, wired the way the CDK stack wires it in AWS: the same state machine
 * definition run by aws-local-stepfunctions, whose Lambda tasks reach the task handlers in-process
 * through a loopback Lambda Invoke API, and the worker fed by an SQS event source poller. Services are
 * the embedded real stand-ins, or real endpoints.
 */
public final class LocalDeployment implements AutoCloseable {
    static final Duration TASK_TIMEOUT = Duration.ofMinutes(15);
    static final Duration WORKER_TIMEOUT = Duration.ofMinutes(5);

    /**
     * Sees every function invocation of the deployment, on the invoking thread (the bench's timings).
     * Implementations must be thread-safe: task functions and worker invocations run concurrently.
     */
    public interface Instrumentation {
        Instrumentation NONE = new Instrumentation() {};

        /** A task function ({@code plan-job}, {@code extract-page}, …) returned or threw after {@code nanos}. */
        default void taskInvoked(String function, long nanos) {}

        /** The worker handled an event of {@code records} SQS records in {@code nanos}. */
        default void workerInvoked(int records, long nanos) {}

        /** The worker's object store wrote {@code objects} objects in one {@code putAllJson} of {@code nanos}. */
        default void objectsPut(int objects, long nanos) {}
    }

    private final LocalSettings settings;
    private final Instrumentation instrumentation;
    private EmbeddedServices services;
    private boolean ownsServices;
    private Map<String, String> environment;
    private HikariDataSource progressDb;
    private SqsClient sqs;
    private S3Client s3;
    private ExtractorRuntime extractor;
    private WorkerComponents worker;
    private LambdaInvokeServer lambdas;
    private SqsEventSourcePoller poller;
    private String queueUrl;
    private String dlqUrl;

    private LocalDeployment(LocalSettings settings, Instrumentation instrumentation) {
        this.settings = settings;
        this.instrumentation = instrumentation;
    }

    /** Starts services (unless external), creates bucket and queues, migrates the database, wires the functions. */
    public static LocalDeployment start(LocalSettings settings, Consumer<String> status) throws IOException {
        return start(settings, null, status);
    }

    /**
     * On already running embedded services (kept running on close), e.g. a test JVM's shared ones; the
     * deployment gets queues of its own and the settings' bucket.
     */
    public static LocalDeployment start(LocalSettings settings, EmbeddedServices shared, Consumer<String> status)
            throws IOException {
        return start(settings, shared, status, Instrumentation.NONE);
    }

    /** As {@link #start(LocalSettings, EmbeddedServices, Consumer)}, with every invocation reported to {@code instrumentation}. */
    public static LocalDeployment start(
            LocalSettings settings, EmbeddedServices shared, Consumer<String> status, Instrumentation instrumentation)
            throws IOException {
        LocalDeployment d = new LocalDeployment(settings, instrumentation);
        d.services = shared;
        try {
            d.startAll(status);
            return d;
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
    }

    private void startAll(Consumer<String> status) throws IOException {
        Map<String, String> env = new HashMap<>();
        if (settings.external().isEmpty()) {
            if (services == null) {
                status.accept("starting embedded Elasticsearch, MySQL, SQS and S3 …");
                services = EmbeddedServices.start(EmbeddedServices.Options.fromEnvironment(System.getenv())
                        .withS3Directory(settings.s3Directory().toAbsolutePath()));
                ownsServices = true;
                status.accept(
                        "embedded services started in " + services.startMillis().get("total") + " ms");
            }
            MySqlEndpoint db = services.mysql();
            env.putAll(new LocalEndpoints(
                            services.elasticsearchUrl(),
                            db.jdbcUrl(),
                            db.user(),
                            db.password(),
                            services.s3().url(),
                            services.sqs().url(),
                            services.s3().region(),
                            services.s3().accessKeyId(),
                            services.s3().secretAccessKey())
                    .environment());
        } else {
            ExternalEndpoints ext = settings.external().get();
            env.put(EnvNames.ES_URL, ext.elasticsearchUrl().toString());
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
        }
        env.put(EnvNames.BUCKET, settings.bucket());
        env.put(EnvNames.KEY_PREFIX, settings.keyPrefix());
        env.put(EnvNames.FIRST_START_DATE, settings.firstStartDate().toString());
        env.put(EnvNames.EXPORT_WINDOW, settings.window().toString());
        env.put(EnvNames.SAFETY_LAG, settings.safetyLag().toString());
        env.put(EnvNames.MAX_RECEIVE_COUNT, Integer.toString(settings.maxReceiveCount()));
        // a local job is small: check progress often, and let a dead worker's claim expire soon after the redelivery
        env.put(EnvNames.PROGRESS_MAX_WAIT, "PT2S");
        env.put(EnvNames.LEASE_DURATION, settings.visibilityTimeout().toString());

        AwsEndpointConfig sqsEndpoint =
                AwsEndpointConfig.from(new org.messageexport.config.Env(env), EnvNames.SQS_ENDPOINT);
        AwsEndpointConfig s3Endpoint =
                AwsEndpointConfig.from(new org.messageexport.config.Env(env), EnvNames.S3_ENDPOINT);
        sqs = AwsClients.sqs(sqsEndpoint);
        s3 = S3ObjectStore.client(s3Endpoint, S3ObjectStore.httpClient(4));
        if (settings.external().isEmpty()) {
            createBucketIfMissing();
            createQueues();
        } else {
            queueUrl = settings.external().get().queueUrl();
        }
        env.put(EnvNames.QUEUE_URL, queueUrl);
        env.putAll(settings.extraEnvironment());
        environment = Map.copyOf(env);

        DatabaseConfig db = DatabaseConfig.from(new org.messageexport.config.Env(environment), SecretLookup.NONE);
        progressDb = MySqlDatabase.pool(new DatabaseConfig(db.url(), db.username(), db.password(), 2), "local-runner");
        int applied = MySqlDatabase.migrate(progressDb);
        if (applied > 0) {
            status.accept("database migrated (" + applied + " migrations)");
        }

        extractor = new ExtractorRuntime(ExtractorConfig.fromEnv(environment, SecretLookup.NONE), Clock.systemUTC());
        worker = instrumentation == Instrumentation.NONE
                ? WorkerComponents.create(WorkerConfig.fromEnv(environment, SecretLookup.NONE))
                : WorkerComponents.create(
                        WorkerConfig.fromEnv(environment, SecretLookup.NONE), http -> http, this::timed);
        ExportBatchHandler workerHandler = new ExportBatchHandler(worker);

        lambdas = LambdaInvokeServer.start(4)
                .register(ExportJobFunction.PLAN_JOB.localName(), function("plan-job", new PlanJobHandler(extractor)))
                .register(
                        ExportJobFunction.EXTRACT_PAGE.localName(),
                        function("extract-page", new ExtractPageHandler(extractor)))
                .register(
                        ExportJobFunction.CHECK_PROGRESS.localName(),
                        function("check-progress", new CheckProgressHandler(extractor)))
                .register(
                        ExportJobFunction.FINALIZE_JOB.localName(),
                        function("finalize-job", new FinalizeJobHandler(extractor)))
                .register(
                        ExportJobFunction.MARK_JOB_FAILED.localName(),
                        function("mark-job-failed", new MarkJobFailedHandler(extractor)));
        String queueArn = sqs.getQueueAttributes(a -> a.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes()
                .get(QueueAttributeName.QUEUE_ARN);
        poller = new SqsEventSourcePoller(
                        sqs,
                        queueUrl,
                        queueArn,
                        settings.workerBatchSize(),
                        settings.visibilityTimeout(),
                        settings.workerConcurrency(),
                        (event, context) -> {
                            long t0 = System.nanoTime();
                            try {
                                return workerHandler.handleRequest(event, context);
                            } finally {
                                instrumentation.workerInvoked(event.getRecords().size(), System.nanoTime() - t0);
                            }
                        },
                        () -> LocalLambdaContext.of("worker", WORKER_TIMEOUT))
                .start();
    }

    private void createBucketIfMissing() {
        try {
            s3.headBucket(b -> b.bucket(settings.bucket()));
        } catch (software.amazon.awssdk.services.s3.model.NoSuchBucketException e) {
            s3.createBucket(b -> b.bucket(settings.bucket()));
        }
    }

    private void createQueues() {
        String suffix = ownsServices ? "" : "-" + Long.toString(System.nanoTime(), 36);
        dlqUrl =
                sqs.createQueue(q -> q.queueName("message-export-dlq" + suffix)).queueUrl();
        String dlqArn = sqs.getQueueAttributes(a -> a.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes()
                .get(QueueAttributeName.QUEUE_ARN);
        queueUrl = sqs.createQueue(q -> q.queueName("message-export-work" + suffix)
                        .attributes(Map.of(
                                QueueAttributeName.VISIBILITY_TIMEOUT,
                                Long.toString(settings.visibilityTimeout().toSeconds()),
                                QueueAttributeName.REDRIVE_POLICY,
                                "{\"maxReceiveCount\":\"" + settings.maxReceiveCount() + "\",\"deadLetterTargetArn\":\""
                                        + dlqArn + "\"}")))
                .queueUrl();
    }

    private static void putIfPresent(Map<String, String> env, String name, String value) {
        if (value != null && !value.isBlank()) {
            env.put(name, value);
        }
    }

    /** The worker's object store, its {@code putAllJson} calls timed. */
    private ObjectStore timed(ObjectStore store) {
        return new ObjectStore() {
            @Override
            public void putJson(String key, byte[] json) {
                store.putJson(key, json);
            }

            @Override
            public List<PutFailure> putAllJson(List<JsonObject> objects, Deadline deadline) {
                long t0 = System.nanoTime();
                try {
                    return store.putAllJson(objects, deadline);
                } finally {
                    instrumentation.objectsPut(objects.size(), System.nanoTime() - t0);
                }
            }
        };
    }

    /** A task handler behind the loopback Invoke API, with a Lambda-like context and timeout. */
    private LocalFunction function(String name, RequestStreamHandler handler) {
        return payload -> {
            long t0 = System.nanoTime();
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                handler.handleRequest(
                        new ByteArrayInputStream(payload), out, LocalLambdaContext.of(name, TASK_TIMEOUT));
                return out.toByteArray();
            } finally {
                instrumentation.taskInvoked(name, System.nanoTime() - t0);
            }
        };
    }

    /** Runs one execution of the export state machine to its end. */
    public ExecutionResult runExecution(JsonNode input, String executionName, Consumer<ExecutionEvent> events) {
        LocalStateMachineRunner runner = LocalStateMachineRunner.builder(lambdas.endpoint())
                .eventListener(events)
                .processTimeout(Duration.ofHours(6))
                .build();
        return runner.run(StateMachineDefinition.load().withLocalFunctionArns(), input, executionName);
    }

    public Map<String, String> environment() {
        return environment;
    }

    public MySqlJobStore jobs() {
        return new MySqlJobStore(progressDb);
    }

    public MySqlTrackingStore tracking() {
        return new MySqlTrackingStore(progressDb);
    }

    public javax.sql.DataSource database() {
        return progressDb;
    }

    public Optional<EmbeddedServices> embeddedServices() {
        return Optional.ofNullable(services);
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
        return Optional.ofNullable(dlqUrl);
    }

    /** Where the bucket's objects are files (embedded S3 only). */
    public Optional<Path> bucketDirectory() {
        if (settings.external().isPresent()) {
            return Optional.empty();
        }
        return embeddedServices().map(s -> s.s3Directory().resolve(settings.bucket()));
    }

    public LocalSettings settings() {
        return settings;
    }

    public long workerInvocations() {
        return poller == null ? 0 : poller.invocations();
    }

    @Override
    public void close() {
        closeQuietly(poller);
        closeQuietly(lambdas);
        closeQuietly(worker);
        closeQuietly(extractor);
        closeQuietly(progressDb);
        closeQuietly(sqs);
        closeQuietly(s3);
        if (ownsServices) {
            closeQuietly(services);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(LocalDeployment.class)
                    .warn("closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
        }
    }
}
