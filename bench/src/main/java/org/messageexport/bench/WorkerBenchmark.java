package org.messageexport.bench;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.messageexport.adapter.elasticsearch.ElasticsearchClients;
import org.messageexport.adapter.mysql.MySqlBatchOutbox;
import org.messageexport.adapter.mysql.MySqlDatabase;
import org.messageexport.adapter.mysql.MySqlJobStore;
import org.messageexport.adapter.s3.S3ObjectStore;
import org.messageexport.adapter.sqs.BatchMessageCodec;
import org.messageexport.config.SecretLookup;
import org.messageexport.domain.Deadline;
import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.ExtractionCursor;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.MessageBatch;
import org.messageexport.domain.ObjectKeyScheme;
import org.messageexport.domain.SideCollection;
import org.messageexport.localkit.LocalLambdaContext;
import org.messageexport.localkit.SqsEvents;
import org.messageexport.port.ObjectStore.JsonObject;
import org.messageexport.worker.ExportBatchHandler;
import org.messageexport.worker.WorkerComponents;
import org.messageexport.worker.WorkerConfig;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Measures the worker on real services (the embedded ones locally): seeds realistic messages (about
 * 4 KB of exported JSON each), runs the handler on whole batches, then PUTs the very objects it wrote
 * to the same bucket with the same concurrency and nothing else, so the two rates can be compared.
 * Writes to the bucket, the indices and the database it is given: point it at local services only.
 */
public final class WorkerBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** @param warmupRuns batches run first and not measured (JIT, connection pools) */
    public record Options(int batchSize, int runs, int warmupRuns) {
        public static Options defaults() {
            return new Options(500, 10, 2);
        }
    }

    /**
     * @param handlerInitMillis the handler's constructor (clients, pool, schema check) in this JVM, the database already migrated
     * @param phaseP50Millis median time of each phase of a batch: claim, read, build, write, record
     * @param heapPeakBytes sum of the heap pools' peaks during the measured runs (the whole JVM: embedded services included)
     * @param ratio pipeline messages per second (at the median batch time) over bare PUTs per second
     */
    public record Result(
            int batchSize,
            int runs,
            int putConcurrency,
            long handlerInitMillis,
            double p50Millis,
            double p95Millis,
            double maxMillis,
            Map<String, Double> phaseP50Millis,
            long meanObjectBytes,
            long heapPeakBytes,
            double pipelineMessagesPerSecond,
            double barePutsPerSecond,
            double ratio) {

        public String describe() {
            return String.format(
                    Locale.ROOT,
                    """
                    worker benchmark: %d batches of %d messages (mean object %d bytes), PUT concurrency %d
                      handler init (in-process)  %6d ms
                      batch wall time            p50 %6.0f ms   p95 %6.0f ms   max %6.0f ms
                      phases (p50 ms)            %s
                      pipeline rate              %8.0f messages/s (at p50)
                      bare concurrent PUT rate   %8.0f objects/s (same objects, same S3, same concurrency)
                      ratio pipeline / bare PUT  %8.2f
                      heap peak                  %8.1f MB (whole JVM)""",
                    runs,
                    batchSize,
                    meanObjectBytes,
                    putConcurrency,
                    handlerInitMillis,
                    p50Millis,
                    p95Millis,
                    maxMillis,
                    phaseP50Millis,
                    pipelineMessagesPerSecond,
                    barePutsPerSecond,
                    ratio,
                    heapPeakBytes / 1024.0 / 1024.0);
        }
    }

    private WorkerBenchmark() {}

    /** {@code environment}: the worker's variables (ES_URL, DB_*, S3_ENDPOINT, BUCKET, ...); database migrated, bucket and indices created if missing. */
    public static Result run(Map<String, String> environment, Options options) throws IOException, SQLException {
        WorkerConfig config = WorkerConfig.fromEnv(environment, SecretLookup.NONE);
        try (HikariDataSource ds = MySqlDatabase.pool(config.database(), "bench")) {
            MySqlDatabase.migrate(ds);

            long t0 = System.nanoTime();
            WorkerComponents components = WorkerComponents.create(config);
            List<String> metricLines = new java.util.concurrent.CopyOnWriteArrayList<>();
            ExportBatchHandler handler = ExportBatchHandler.withMetricsSink(components.exporter(), metricLines::add);
            long initMillis = (System.nanoTime() - t0) / 1_000_000;
            try (components) {
                int total = options.batchSize() * (options.runs() + options.warmupRuns());
                String runId = UUID.randomUUID().toString().substring(0, 8);
                List<String> ids = new ArrayList<>(total);
                for (int i = 0; i < total; i++) {
                    ids.add("bench-" + runId + "-" + i);
                }
                seedIndex(config, ids);
                createBucket(config);
                List<MessageBatch> batches = track(ds, ids, options.batchSize());

                List<Double> millis = new ArrayList<>();
                for (int i = 0; i < batches.size(); i++) {
                    if (i == options.warmupRuns()) {
                        resetHeapPeaks();
                    }
                    long start = System.nanoTime();
                    SQSBatchResponse response = handler.handleRequest(
                            event(batches.get(i)), LocalLambdaContext.of("worker", Duration.ofMinutes(15)));
                    double took = (System.nanoTime() - start) / 1e6;
                    if (!response.getBatchItemFailures().isEmpty()) {
                        throw new IllegalStateException(
                                "batch " + batches.get(i).batchId() + " was not exported; see the log");
                    }
                    if (i >= options.warmupRuns()) {
                        millis.add(took);
                    } else {
                        metricLines.clear();
                    }
                }
                Map<String, Double> phases = new java.util.LinkedHashMap<>();
                for (String phase :
                        List.of("ClaimDuration", "ReadDuration", "BuildDuration", "WriteDuration", "RecordDuration")) {
                    double[] values = new double[metricLines.size()];
                    for (int k = 0; k < values.length; k++) {
                        values[k] =
                                JSON.readTree(metricLines.get(k)).path(phase).asDouble();
                    }
                    Arrays.sort(values);
                    phases.put(phase.replace("Duration", "").toLowerCase(Locale.ROOT), percentile(values, 50));
                }
                long heapPeak = heapPeak();

                List<JsonObject> objects = readBack(ds, components, config, batches.getLast());
                long meanBytes = (long) objects.stream()
                        .mapToInt(o -> o.json().length)
                        .average()
                        .orElse(0);
                double bare = barePutRate(components, objects, Math.max(3, options.runs() / 2));

                double[] sorted = millis.stream()
                        .mapToDouble(Double::doubleValue)
                        .sorted()
                        .toArray();
                double p50 = percentile(sorted, 50);
                double pipeline = options.batchSize() / (p50 / 1000.0);
                return new Result(
                        options.batchSize(),
                        sorted.length,
                        config.putConcurrency(),
                        initMillis,
                        p50,
                        percentile(sorted, 95),
                        sorted[sorted.length - 1],
                        phases,
                        meanBytes,
                        heapPeak,
                        pipeline,
                        bare,
                        pipeline / bare);
            }
        }
    }

    private static double percentile(double[] sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static void resetHeapPeaks() {
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP)
                .forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    private static long heapPeak() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed())
                .sum();
    }

    /** Median rate over {@code rounds} rounds, each to fresh keys. */
    private static double barePutRate(WorkerComponents components, List<JsonObject> objects, int rounds) {
        double[] rates = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            int round = r;
            List<JsonObject> copies = objects.stream()
                    .map(o -> new JsonObject(ObjectKeyScheme.scratchKey("bench-bare", round + "/" + o.key()), o.json()))
                    .toList();
            long start = System.nanoTime();
            var failures = components
                    .objectStore()
                    .putAllJson(copies, Deadline.after(Duration.ofMinutes(5), Clock.systemUTC()));
            double seconds = (System.nanoTime() - start) / 1e9;
            if (!failures.isEmpty()) {
                throw new IllegalStateException(
                        "bare PUTs failed: " + failures.getFirst().error().getMessage());
            }
            rates[r] = copies.size() / seconds;
        }
        Arrays.sort(rates);
        return rates[rates.length / 2];
    }

    private static List<JsonObject> readBack(
            HikariDataSource ds, WorkerComponents components, WorkerConfig config, MessageBatch batch)
            throws SQLException {
        List<String> keys = new PipelineTables(ds).completedKeys(batch.batchId());
        try (S3Client s3 = S3ObjectStore.client(config.s3Endpoint(), S3ObjectStore.httpClient(4))) {
            return keys.stream()
                    .map(k -> new JsonObject(
                            k,
                            s3.getObjectAsBytes(g -> g.bucket(config.bucket()).key(k))
                                    .asByteArray()))
                    .toList();
        }
    }

    private static List<MessageBatch> track(HikariDataSource ds, List<String> ids, int batchSize) {
        Instant now = Instant.now();
        String execution = "bench-" + UUID.randomUUID();
        JobRun job = new MySqlJobStore(ds)
                .create(
                        new ExportWindow(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-02")),
                        org.messageexport.domain.JobKind.MANUAL,
                        false,
                        execution,
                        now);
        MySqlBatchOutbox tracking = new MySqlBatchOutbox(ds);
        List<MessageBatch> batches =
                tracking.recordPage(job, execution, ids, batchSize, new ExtractionCursor("bench", List.of(0L)), now);
        tracking.markEnqueued(batches.stream().map(MessageBatch::batchId).toList(), now);
        return batches;
    }

    private static void createBucket(WorkerConfig config) {
        try (S3Client s3 = S3ObjectStore.client(config.s3Endpoint(), S3ObjectStore.httpClient(2))) {
            boolean exists =
                    s3.listBuckets().buckets().stream().anyMatch(b -> b.name().equals(config.bucket()));
            if (!exists) {
                s3.createBucket(b -> b.bucket(config.bucket()));
            }
        }
    }

    /** Messages of about 1.4 KB with 0-6 documents of about 250 bytes in each side collection: about 4 KB exported. */
    private static void seedIndex(WorkerConfig config, List<String> ids) throws IOException {
        ElasticsearchClient es = ElasticsearchClients.create(config.elasticsearch());
        try {
            String messages = config.elasticsearch().messagesIndex();
            if (!es.indices().exists(e -> e.index(messages)).value()) {
                es.indices()
                        .create(c -> c.index(messages)
                                .mappings(m ->
                                        m.properties(config.elasticsearch().timestampField(), p -> p.date(d -> d))));
            }
            for (SideCollection c : config.sideCollections()) {
                if (!es.indices().exists(e -> e.index(c.index())).value()) {
                    es.indices()
                            .create(i -> i.index(c.index())
                                    .mappings(m -> m.properties(c.joinField(), p -> p.keyword(k -> k))
                                            .properties(c.sortField(), p -> p.date(d -> d))));
                }
            }
            Random random = new Random(1);
            BulkRequest.Builder bulk = new BulkRequest.Builder().refresh(Refresh.WaitFor);
            int ops = 0;
            Instant base = Instant.parse("2026-03-01T00:00:00Z");
            for (int i = 0; i < ids.size(); i++) {
                String id = ids.get(i);
                Instant at = base.plusSeconds(i * 7L % 86_400);
                ObjectNode m = JSON.createObjectNode()
                        .put(config.elasticsearch().timestampField(), at.toString())
                        .put("from", "sender" + (i % 97) + "@example.com")
                        .put("to", "recipient" + (i % 89) + "@example.org")
                        .put("subject", "Quarterly report " + i)
                        .put("body", text(random, 900))
                        .put("size", 900 + i % 50);
                ArrayNode tags = m.putArray("tags");
                tags.add("inbox").add("t" + (i % 13));
                m.putObject("headers")
                        .put("message-id", "<" + id + "@mail.example.com>")
                        .put("x-priority", i % 5);
                bulk.operations(o -> o.index(x -> x.index(messages).id(id).document(m)));
                ops++;
                for (SideCollection c : config.sideCollections()) {
                    int n = random.nextInt(7);
                    for (int j = 0; j < n; j++) {
                        ObjectNode s = JSON.createObjectNode()
                                .put(c.joinField(), id)
                                .put(c.sortField(), at.plusSeconds(j * 60L).toString())
                                .put("actor", "user" + random.nextInt(1000))
                                .put("action", c.name() + "-" + j)
                                .put("detail", text(random, 150));
                        bulk.operations(o -> o.index(x -> x.index(c.index()).document(s)));
                        ops++;
                    }
                }
                if (ops >= 5_000) {
                    flush(es, bulk.build());
                    bulk = new BulkRequest.Builder().refresh(Refresh.WaitFor);
                    ops = 0;
                }
            }
            if (ops > 0) {
                flush(es, bulk.build());
            }
        } finally {
            es._transport().close();
        }
    }

    private static void flush(ElasticsearchClient es, BulkRequest request) throws IOException {
        if (es.bulk(request).errors()) {
            throw new IllegalStateException("seeding the index failed");
        }
    }

    private static String text(Random random, int length) {
        String[] words = {
            "lorem",
            "ipsum",
            "dolor",
            "sit",
            "amet",
            "consectetur",
            "adipiscing",
            "elit",
            "sed",
            "do",
            "eiusmod",
            "tempor"
        };
        StringBuilder sb = new StringBuilder(length + 16);
        while (sb.length() < length) {
            sb.append(words[random.nextInt(words.length)]).append(' ');
        }
        return sb.substring(0, length);
    }

    private static SQSEvent event(MessageBatch batch) {
        return SqsEvents.of("bench-" + batch.batchId(), BatchMessageCodec.encode(batch), 1);
    }
}
