package org.messageexport.worker;

import java.time.Clock;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.messageexport.adapter.ReconnectingHttpClient;
import org.messageexport.adapter.mysql.MySqlConnections;
import org.messageexport.adapter.mysql.MySqlMessageLeases;
import org.messageexport.adapter.s3.S3ObjectStore;
import org.messageexport.adapter.search.SearchAdapters;
import org.messageexport.adapter.search.SearchConnection;
import org.messageexport.adapter.search.SearchMessageDocuments;
import org.messageexport.domain.SideCollection;
import org.messageexport.job.Backoff;
import org.messageexport.job.BatchExporter;
import org.messageexport.job.Jitter;
import org.messageexport.port.ObjectStore;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The worker's object graph, built once per Lambda instance: one Elasticsearch client, a small MySQL pool, one S3
 * client with a bounded PUT pool, and the {@link BatchExporter} on them. Closing it releases them (tests, benchmarks;
 * Lambda never does).
 *
 * <p>Building it does no network I/O: the pool, the Elasticsearch client and the S3 HTTP client connect on first use,
 * secrets are read on first use and the schema version is checked on the first connection (Lambda SnapStart runs the
 * constructor when it publishes a version). It is a CRaC resource: before a checkpoint it closes every pool and
 * socket; after a restore it forgets the secrets (read again on next use), rechecks the schema and reseeds the
 * backoff's jitter, so that environments restored from one snapshot do not retry in step.
 */
public final class WorkerComponents implements Resource, AutoCloseable {
    /** Kept at the end of an invocation to record results after the last retry; a claim outlives the deadline by it. */
    public static final Duration SETTLE_RESERVE = Duration.ofSeconds(2);

    private final MySqlConnections database;
    private final SearchConnection search;
    private final ReconnectingHttpClient s3Http;
    private final SearchMessageDocuments documents;
    private final S3Client s3;
    private final S3ObjectStore objectStore;
    private final Jitter jitter = new Jitter();
    private final BatchExporter exporter;

    private WorkerComponents(
            WorkerConfig config, UnaryOperator<SdkHttpClient> s3HttpWrapper, UnaryOperator<ObjectStore> store) {
        this.database = new MySqlConnections(config.database(), "worker");
        SearchAdapters searchAdapters = SearchAdapters.of(config.elasticsearch());
        this.search = searchAdapters.connection();
        this.s3Http = new ReconnectingHttpClient(() -> S3ObjectStore.httpClient(config.putConcurrency()));
        this.s3 = S3ObjectStore.client(config.s3Endpoint(), s3HttpWrapper.apply(s3Http));
        this.documents = searchAdapters.messageDocuments(config.sideCollections());
        this.objectStore = new S3ObjectStore(s3, config.bucket(), config.sse(), config.putConcurrency());
        this.exporter = new BatchExporter(
                new MySqlMessageLeases(database),
                documents,
                store.apply(objectStore),
                new BatchExporter.Settings(
                        config.keys(),
                        config.elasticsearch().timestampField(),
                        config.sideCollections().stream()
                                .map(SideCollection::name)
                                .toList(),
                        config.maxDocumentBytes(),
                        config.maxReceiveCount(),
                        config.leaseDuration(),
                        SETTLE_RESERVE,
                        config.outputFormat()),
                Backoff.standard(jitter),
                Clock.systemUTC());
        Core.getGlobalContext().register(this);
    }

    public static WorkerComponents create(WorkerConfig config) {
        return new WorkerComponents(config, UnaryOperator.identity(), UnaryOperator.identity());
    }

    /** With the S3 HTTP client and/or the object store wrapped (fault injection, measurements). */
    public static WorkerComponents create(
            WorkerConfig config, UnaryOperator<SdkHttpClient> s3Http, UnaryOperator<ObjectStore> store) {
        return new WorkerComponents(config, s3Http, store);
    }

    public BatchExporter exporter() {
        return exporter;
    }

    /** The S3 store without wrappers (e.g. to measure bare PUT rates against the same bucket). */
    public S3ObjectStore objectStore() {
        return objectStore;
    }

    /** True while any pool or client holds (or may hold) connections. */
    boolean connected() {
        return database.connected() || search.connected() || s3Http.connected();
    }

    /** Before a snapshot: no pool or socket may be kept in it. */
    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        disconnect();
    }

    /** After a restore: fresh randomness now; secrets and the schema check on next use, when the clients reconnect. */
    @Override
    public void afterRestore(Context<? extends Resource> context) {
        jitter.reseed();
        database.restored();
        search.restored();
    }

    private void disconnect() {
        database.disconnect();
        search.disconnect();
        s3Http.disconnect();
    }

    @Override
    public void close() {
        objectStore.close();
        documents.close();
        s3.close();
        disconnect();
    }
}
