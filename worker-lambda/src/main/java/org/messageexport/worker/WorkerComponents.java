package org.messageexport.worker;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.messageexport.adapter.elasticsearch.ElasticsearchClients;
import org.messageexport.adapter.elasticsearch.ElasticsearchMessageDocuments;
import org.messageexport.adapter.mysql.MySqlDatabase;
import org.messageexport.adapter.mysql.MySqlTrackingStore;
import org.messageexport.adapter.s3.S3ObjectStore;
import org.messageexport.domain.SideCollection;
import org.messageexport.job.Backoff;
import org.messageexport.job.BatchExporter;
import org.messageexport.port.ObjectStore;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The worker's object graph, built once per Lambda instance: one Elasticsearch client, a small MySQL
 * pool (checked to have the current schema), one S3 client with a bounded PUT pool, and the
 * {@link BatchExporter} on them. Closing it releases them (tests, benchmarks; Lambda never does).
 */
public final class WorkerComponents implements AutoCloseable {
    /** Kept at the end of an invocation to record results after the last retry. */
    static final Duration SETTLE_RESERVE = Duration.ofSeconds(2);

    private final ElasticsearchClient es;
    private final ElasticsearchMessageDocuments documents;
    private final HikariDataSource dataSource;
    private final S3Client s3;
    private final S3ObjectStore objectStore;
    private final BatchExporter exporter;

    private WorkerComponents(
            WorkerConfig config, UnaryOperator<SdkHttpClient> s3Http, UnaryOperator<ObjectStore> store) {
        HikariDataSource ds = MySqlDatabase.pool(config.database(), "worker");
        ElasticsearchClient esClient = null;
        S3Client s3Client = null;
        try {
            MySqlDatabase.requireCurrentSchema(ds);
            esClient = ElasticsearchClients.create(config.elasticsearch());
            s3Client = S3ObjectStore.client(
                    config.s3Endpoint(), s3Http.apply(S3ObjectStore.httpClient(config.putConcurrency())));
        } catch (RuntimeException e) {
            ds.close();
            if (esClient != null) {
                closeQuietly(esClient);
            }
            throw e;
        }
        this.dataSource = ds;
        this.es = esClient;
        this.s3 = s3Client;
        this.documents = new ElasticsearchMessageDocuments(esClient, config.elasticsearch(), config.sideCollections());
        this.objectStore = new S3ObjectStore(s3Client, config.bucket(), config.sse(), config.putConcurrency());
        this.exporter = new BatchExporter(
                new MySqlTrackingStore(ds),
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
                        SETTLE_RESERVE),
                Backoff.standard(),
                Clock.systemUTC());
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

    @Override
    public void close() {
        objectStore.close();
        documents.close();
        s3.close();
        closeQuietly(es);
        dataSource.close();
    }

    private static void closeQuietly(ElasticsearchClient client) {
        try {
            client._transport().close();
        } catch (IOException e) {
            // closing on the way out: nothing to recover
        }
    }
}
