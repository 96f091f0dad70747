package org.messageexport.extractor;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.time.Clock;
import java.util.Optional;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.messageexport.adapter.AwsClients;
import org.messageexport.adapter.ReconnectingHttpClient;
import org.messageexport.adapter.mysql.MySqlBatchOutbox;
import org.messageexport.adapter.mysql.MySqlConnections;
import org.messageexport.adapter.mysql.MySqlJobSettlement;
import org.messageexport.adapter.mysql.MySqlJobStore;
import org.messageexport.adapter.mysql.MySqlTrackingPartitions;
import org.messageexport.adapter.mysql.MySqlWindowTracking;
import org.messageexport.adapter.s3.S3ObjectStore;
import org.messageexport.adapter.s3.ServerSideEncryption;
import org.messageexport.adapter.search.SearchAdapters;
import org.messageexport.adapter.secrets.SecretsManagerLookup;
import org.messageexport.adapter.sqs.SqsBatchQueue;
import org.messageexport.config.ElasticsearchConfig;
import org.messageexport.config.EnvNames;
import org.messageexport.config.SecretLookup;
import org.messageexport.config.StateMachineTask;
import org.messageexport.job.Backoff;
import org.messageexport.job.Jitter;
import org.messageexport.job.JobFailureRecorder;
import org.messageexport.job.JobFinalizer;
import org.messageexport.job.JobPlanner;
import org.messageexport.job.LateArrivalCheck;
import org.messageexport.job.PageExtractor;
import org.messageexport.job.Preflight;
import org.messageexport.job.ProgressCheck;
import org.messageexport.job.TrackingRetention;
import org.messageexport.port.MessageIndex;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The composition root of the task functions: config read once, clients built once per process and only those a
 * function's task uses, use cases wired on them. In AWS each function's handler builds one; the local runner shares
 * one between all the task handlers of its process.
 *
 * <p>Building it does no network I/O: the MySQL pool, the Elasticsearch client and the SQS/S3 HTTP clients connect on
 * first use, secrets are read on first use, and the schema version is checked on the first connection (Lambda
 * SnapStart runs the handlers' constructors when it publishes a version: nothing there may need the database). It is
 * a CRaC resource: before a checkpoint it closes every pool and socket, after a restore it forgets the secrets (read
 * again on next use) and rechecks the schema; the clients then reconnect on their next call.
 */
public final class ExtractorRuntime implements Resource, AutoCloseable {
    private final ExtractorConfig config;
    private final Clock clock;
    /** The backoff's randomness, seeded again after a snapshot restore (see {@link Jitter}). */
    private final Jitter jitter = new Jitter();

    private final MySqlConnections database;
    private final MySqlJobStore jobs;
    private final MySqlBatchOutbox outbox;
    private final MySqlJobSettlement settlement;
    private final MySqlWindowTracking windowTracking;
    private final Optional<SearchAdapters> search;
    private final ReconnectingHttpClient sqsHttp;
    private final ReconnectingHttpClient s3Http;
    private final SqsClient sqs;
    private final S3Client s3;

    public ExtractorRuntime(ExtractorConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.database = new MySqlConnections(config.database(), "extractor");
        this.jobs = new MySqlJobStore(database);
        this.outbox = new MySqlBatchOutbox(database);
        this.settlement = new MySqlJobSettlement(database);
        this.windowTracking = new MySqlWindowTracking(database);
        this.search = config.elasticsearch().map(SearchAdapters::of);
        // SDK clients are plain objects until their first call; only their HTTP clients hold sockets
        this.sqsHttp = AwsClients.sqsHttpClient();
        this.sqs = AwsClients.sqs(config.sqs(), sqsHttp);
        this.s3Http = new ReconnectingHttpClient(() -> S3ObjectStore.httpClient(4));
        this.s3 = S3ObjectStore.client(config.s3(), s3Http);
        Core.getGlobalContext().register(this);
    }

    /** From the process environment; secrets from Secrets Manager (on first use). */
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

    /**
     * The handler of a state machine task on this runtime: how the local runner builds its functions (in AWS, Lambda
     * builds {@link StateMachineTask#handlerClass()} with its public constructor). One case per row of the task table
     * and no default, so that a new task does not compile without its handler.
     */
    public RequestStreamHandler handler(StateMachineTask task) {
        return switch (task) {
            case PLAN_JOB -> new PlanJobHandler(this);
            case EXTRACT_PAGE -> new ExtractPageHandler(this);
            case CHECK_PROGRESS -> new CheckProgressHandler(this);
            case FINALIZE_JOB -> new FinalizeJobHandler(this);
            case MARK_JOB_FAILED -> new MarkJobFailedHandler(this);
        };
    }

    public JobPlanner jobPlanner() {
        int lateDays = config.job().lateArrivalDays();
        LateArrivalCheck late = lateDays == 0
                ? LateArrivalCheck.off()
                : new LateArrivalCheck(jobs, messageIndex(), windowTracking, lateDays);
        SearchAdapters adapters = search.orElseThrow(() -> ExtractorConfig.missing(EnvNames.ES_URL));
        ElasticsearchConfig es = adapters.config();
        Preflight preflight = new Preflight(
                adapters.indexSchema(),
                new Preflight.Requirements(
                        es.messagesIndex(),
                        es.timestampField(),
                        es.idIsDocumentId() ? null : es.idField(),
                        config.sideCollections()));
        return new JobPlanner(jobs, config.job(), late, preflight::check, trackingRetention(), clock);
    }

    public PageExtractor pageExtractor() {
        return new PageExtractor(
                jobs, outbox, messageIndex(), batchQueue(), config.job(), Backoff.standard(jitter), clock);
    }

    public ProgressCheck progressCheck() {
        return new ProgressCheck(jobs, settlement, outbox, batchQueue(), config.job(), config.progressMaxWait(), clock);
    }

    public JobFinalizer jobFinalizer() {
        String bucket = config.requireBucket();
        // the manifest is one small object: no encryption headers beyond the bucket's default, no concurrency
        return new JobFinalizer(
                jobs,
                settlement,
                messageIndex(),
                windowTracking,
                new S3ObjectStore(s3, bucket, ServerSideEncryption.NONE, 1),
                config.keys(),
                config.job().failureBudget(),
                trackingRetention(),
                clock);
    }

    /** The window's ids and counts, on the configured engine (its client connects on first use). */
    private MessageIndex messageIndex() {
        return search.orElseThrow(() -> ExtractorConfig.missing(EnvNames.ES_URL))
                .messageIndex(config.job().pitKeepAlive());
    }

    private SqsBatchQueue batchQueue() {
        return new SqsBatchQueue(sqs, config.requireQueueUrl());
    }

    /** Partitions ahead of each window; retention that keeps the days the late-arrival check still counts. */
    private TrackingRetention trackingRetention() {
        return new TrackingRetention(
                        new MySqlTrackingPartitions(database), config.job().trackingRetentionDays(), clock)
                .keepingLateArrivalDays(jobs, config.job().lateArrivalDays());
    }

    public JobFailureRecorder jobFailureRecorder() {
        return new JobFailureRecorder(jobs, settlement, clock);
    }

    /** True while any pool or client holds (or may hold) connections. */
    boolean connected() {
        return database.connected()
                || search.map(s -> s.connection().connected()).orElse(false)
                || sqsHttp.connected()
                || s3Http.connected();
    }

    /** Before a snapshot: no pool or socket may be kept in it. */
    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        disconnect();
    }

    /** After a restore: secrets are read again and the schema checked again on next use; clients reconnect then. */
    @Override
    public void afterRestore(Context<? extends Resource> context) {
        jitter.reseed();
        database.restored();
        search.ifPresent(s -> s.connection().restored());
    }

    private void disconnect() {
        database.disconnect();
        search.ifPresent(s -> s.connection().disconnect());
        sqsHttp.disconnect();
        s3Http.disconnect();
    }

    @Override
    public void close() {
        disconnect();
        sqs.close();
        s3.close();
    }
}
