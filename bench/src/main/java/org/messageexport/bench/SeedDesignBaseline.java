package org.messageexport.bench;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch.core.GetResponse;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.messageexport.adapter.elasticsearch.ElasticsearchClients;
import org.messageexport.adapter.s3.S3ObjectStore;
import org.messageexport.config.AwsEndpointConfig;
import org.messageexport.config.ElasticsearchConfig;
import org.messageexport.domain.MessageDocument;
import org.messageexport.domain.ObjectKeyScheme;
import org.messageexport.domain.SideCollection;
import org.messageexport.job.ExportDocumentWriter;
import org.messageexport.job.MessageTimestamp;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A faithful Java port of the seed design's export, the bench's baseline: the ids of the window are
 * recorded as {@code pending} rows of the seed's {@code message_tracking} table, then a pool of
 * {@code workers} (the seed's {@code Pool(processes=4)}; each with clients of its own, as each Python
 * process had) handles one message at a time: {@code GET} the message, one search per side index
 * (history, status, audit), the JSON written to a temp file, the file uploaded, the file deleted, the
 * row updated (autocommit). Runs in a database of its own (the seed's two tables) and under its own
 * key prefix, so that it never collides with the pipeline's rows or objects.
 */
final class SeedDesignBaseline {
    /** Times of one run; {@code listNanos} (ids + pending rows) is part of {@code totalNanos}. */
    record Result(int messages, int failed, long listNanos, long totalNanos) {
        double messagesPerSecond() {
            return BenchStats.rate(messages, totalNanos);
        }
    }

    private final ElasticsearchConfig es;
    private final List<SideCollection> collections;
    private final AwsEndpointConfig s3Endpoint;
    private final String bucket;
    private final ObjectKeyScheme keys;
    private final String jdbcUrl;
    private final String dbUser;
    private final String dbPassword;
    private final int workers;

    SeedDesignBaseline(
            ElasticsearchConfig es,
            List<SideCollection> collections,
            AwsEndpointConfig s3Endpoint,
            String bucket,
            String keyPrefix,
            String jdbcUrl,
            String dbUser,
            String dbPassword,
            int workers) {
        this.es = es;
        this.collections = List.copyOf(collections);
        this.s3Endpoint = s3Endpoint;
        this.bucket = bucket;
        this.keys = new ObjectKeyScheme(keyPrefix);
        this.jdbcUrl = jdbcUrl;
        this.dbUser = dbUser;
        this.dbPassword = dbPassword;
        this.workers = workers;
    }

    /** The seed's tables, empty: created when missing, emptied when present (one run = one fresh start). */
    void resetTables() throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            s.execute(
                    "CREATE TABLE IF NOT EXISTS job_runs (job_id INT AUTO_INCREMENT PRIMARY KEY, start_date DATE NOT NULL,"
                            + " end_date DATE DEFAULT NULL, status ENUM('running','completed','failed') DEFAULT 'running',"
                            + " next_run_date DATE DEFAULT NULL, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,"
                            + " updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP)");
            s.execute(
                    "CREATE TABLE IF NOT EXISTS message_tracking (message_id VARCHAR(255) PRIMARY KEY, batch_id INT NOT NULL,"
                            + " status ENUM('pending','in_progress','completed','failed') DEFAULT 'pending', start_date DATE NOT NULL,"
                            + " s3_path VARCHAR(500) DEFAULT NULL, last_attempted TIMESTAMP DEFAULT NULL)");
            s.execute("DELETE FROM message_tracking");
            s.execute("DELETE FROM job_runs");
        }
    }

    /** Exports the messages {@code ids} (the window's, listed by the caller within {@code listNanos}). */
    Result run(LocalDate windowStart, List<String> ids, long listStartNanos) throws Exception {
        recordPending(windowStart, ids);
        long listNanos = System.nanoTime() - listStartNanos;
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "baseline-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                done.add(pool.submit(() -> {
                    try (Worker worker = new Worker()) {
                        for (int i = next.getAndIncrement(); i < ids.size(); i = next.getAndIncrement()) {
                            if (!worker.process(ids.get(i))) {
                                failed.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return new Result(ids.size() - failed.get(), failed.get(), listNanos, System.nanoTime() - listStartNanos);
    }

    private void recordPending(LocalDate windowStart, List<String> ids) throws SQLException {
        try (Connection c = connect()) {
            long jobId;
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO job_runs (start_date) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setObject(1, windowStart);
                ps.executeUpdate();
                try (var rs = ps.getGeneratedKeys()) {
                    rs.next();
                    jobId = rs.getLong(1);
                }
            }
            // generous to the seed: batched inserts (its loop would have run one INSERT per id)
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT IGNORE INTO message_tracking (message_id, batch_id, status, start_date) VALUES (?, ?, 'pending', ?)")) {
                for (int i = 0; i < ids.size(); i++) {
                    ps.setString(1, ids.get(i));
                    ps.setLong(2, jobId);
                    ps.setObject(3, windowStart);
                    ps.addBatch();
                    if (i % 1000 == 999) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
            c.commit();
        }
    }

    private Connection connect() throws SQLException {
        String sep = jdbcUrl.contains("?") ? "&" : "?";
        return DriverManager.getConnection(
                jdbcUrl + sep + "rewriteBatchedStatements=true&connectionTimeZone=UTC"
                        + "&forceConnectionTimeZoneToSession=true",
                dbUser,
                dbPassword);
    }

    /** One of the seed's pool processes: its own Elasticsearch client, S3 client and MySQL connection. */
    private final class Worker implements AutoCloseable {
        private final ElasticsearchClient client = ElasticsearchClients.create(es);
        private final S3Client s3 = S3ObjectStore.client(s3Endpoint, S3ObjectStore.httpClient(1));
        private final Connection db;
        private final PreparedStatement update;
        private final ExportDocumentWriter writer = new ExportDocumentWriter(
                collections.stream().map(SideCollection::name).toList());

        Worker() throws SQLException {
            db = connect();
            update = db.prepareStatement(
                    "UPDATE message_tracking SET status = ?, s3_path = ?, last_attempted = ? WHERE message_id = ?");
        }

        boolean process(String id) throws IOException, SQLException {
            GetResponse<ObjectNode> message =
                    client.get(g -> g.index(es.messagesIndex()).id(id), ObjectNode.class);
            if (!message.found() || message.source() == null) {
                mark(id, "failed", null);
                return false;
            }
            Map<String, List<JsonNode>> side = new LinkedHashMap<>();
            for (SideCollection c : collections) {
                SearchResponse<ObjectNode> r = client.search(
                        s -> s.index(c.index())
                                .query(q -> q.term(t -> t.field(c.joinField()).value(id)))
                                .size(10_000)
                                .sort(o -> o.field(f -> f.field(c.sortField()).order(SortOrder.Asc))),
                        ObjectNode.class);
                side.put(
                        c.name(),
                        r.hits().hits().stream()
                                .map(Hit::source)
                                .map(JsonNode.class::cast)
                                .toList());
            }
            Instant ts =
                    MessageTimestamp.of(message.source(), es.timestampField()).orElse(null);
            if (ts == null) {
                mark(id, "failed", null);
                return false;
            }
            byte[] json =
                    writer.write(new MessageDocument(id, message.index(), message.source(), side), 0, 0, Instant.now());
            String key = keys.key(id, ts);
            Path tmp = Files.createTempFile("export-", ".json");
            try {
                Files.write(tmp, json);
                s3.putObject(p -> p.bucket(bucket).key(key).contentType("application/json"), RequestBody.fromFile(tmp));
            } finally {
                Files.deleteIfExists(tmp);
            }
            mark(id, "completed", key);
            return true;
        }

        private void mark(String id, String status, String key) throws SQLException {
            update.setString(1, status);
            update.setString(2, key);
            update.setObject(3, java.sql.Timestamp.from(Instant.now()));
            update.setString(4, id);
            update.executeUpdate();
        }

        @Override
        public void close() throws Exception {
            update.close();
            db.close();
            s3.close();
            client._transport().close();
        }
    }
}
