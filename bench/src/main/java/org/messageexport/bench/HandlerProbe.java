package org.messageexport.bench;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.messageexport.config.StateMachineTask;
import org.messageexport.localkit.LocalLambdaContext;
import org.messageexport.localkit.SqsEvents;

/**
 * A fresh JVM on a Lambda artifact (the shaded jar on the class path, and this class): times the
 * handler's cold construction (class loading, config, clients, schema check) and then drives it like the
 * Lambda runtime would, one event at a time, while watching the heap. It prints its figures as
 * {@code BENCH-PROBE key=value} lines for {@link ProbeJvm}; everything else on stdout is the
 * function's own logging.
 *
 * <ul>
 *   <li>{@code worker <file>}: {@code new ExportBatchHandler()}, then one SQS event per line of {@code file}
 *       (a batch body); batch times, failures, heap.
 *   <li>{@code extractor <startDate> <endDate>}: the ExtractPage handler (the cold one), then the other task
 *       handlers, each built as Lambda builds it from the class the task table names, and one whole job on the
 *       given window (plan, extract, check, finalize).
 * </ul>
 * Uses only classes that the artifact holds (the JDK, its dependencies, common).
 */
public final class HandlerProbe {
    private HandlerProbe() {}

    public static void main(String[] args) throws Exception {
        long uptimeAtMain = ManagementFactory.getRuntimeMXBean().getUptime();
        HeapWatch heap = HeapWatch.start();
        report("jvmUptimeAtMainMs", uptimeAtMain);
        switch (args[0]) {
            case "worker" -> WorkerProbe.run(Path.of(args[1]));
            case "extractor" -> ExtractorProbe.run(args[1], args[2]);
            default -> throw new IllegalArgumentException("worker|extractor, got " + args[0]);
        }
        heap.report();
        System.out.flush();
        // the handlers' clients hold non-daemon threads; a Lambda instance is frozen, this process just ends
        System.exit(0);
    }

    /** Starts each line of a figure: {@code BENCH-PROBE key=value}, read by {@link ProbeJvm}. */
    static final String PREFIX = "BENCH-PROBE ";

    static void report(String key, Object value) {
        System.out.println(PREFIX + key + "=" + value);
    }

    static double millis(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }

    /** The worker: kept in its own class so that the extractor's JVM (no lambda-events on its path) never loads it. */
    static final class WorkerProbe {
        static void run(Path bodies) throws Exception {
            long t0 = System.nanoTime();
            var handler = new org.messageexport.worker.ExportBatchHandler();
            report("initMs", millis(System.nanoTime() - t0));
            report("jvmUptimeAfterInitMs", ManagementFactory.getRuntimeMXBean().getUptime());
            List<String> lines = Files.readAllLines(bodies);
            List<String> times = new ArrayList<>();
            int failures = 0;
            for (String body : lines) {
                if (body.isBlank()) {
                    continue;
                }
                SQSEvent event = SqsEvents.of(UUID.randomUUID().toString(), body, 1);
                long b0 = System.nanoTime();
                SQSBatchResponse response =
                        handler.handleRequest(event, LocalLambdaContext.of("worker", Duration.ofMinutes(5)));
                times.add(Double.toString(millis(System.nanoTime() - b0)));
                failures += response.getBatchItemFailures() == null
                        ? 0
                        : response.getBatchItemFailures().size();
            }
            report("batchMs", String.join(",", times));
            report("batchFailures", failures);
        }
    }

    static final class ExtractorProbe {
        private static final ObjectMapper JSON = new ObjectMapper();

        static void run(String startDate, String endDate) throws Exception {
            long t0 = System.nanoTime();
            RequestStreamHandler extract = lambdaBuilds(StateMachineTask.EXTRACT_PAGE);
            report("initMs", millis(System.nanoTime() - t0));
            report("jvmUptimeAfterInitMs", ManagementFactory.getRuntimeMXBean().getUptime());
            long t1 = System.nanoTime();
            RequestStreamHandler plan = lambdaBuilds(StateMachineTask.PLAN_JOB);
            RequestStreamHandler check = lambdaBuilds(StateMachineTask.CHECK_PROGRESS);
            RequestStreamHandler finalize = lambdaBuilds(StateMachineTask.FINALIZE_JOB);
            report("otherHandlersInitMs", millis(System.nanoTime() - t1));

            String execution = "bench-probe-" + UUID.randomUUID();
            ObjectNode planInput = JSON.createObjectNode();
            planInput.putObject("request").put("startDate", startDate).put("endDate", endDate);
            planInput.put("executionId", execution);
            JsonNode planned = invoke(plan, StateMachineTask.PLAN_JOB, planInput);
            report("planJob", planned);
            if (!"RUN".equals(planned.path("action").asText())) {
                return;
            }
            ObjectNode task = JSON.createObjectNode()
                    .put("jobId", planned.get("jobId").asLong())
                    .put("executionId", execution);
            JsonNode extracted;
            do {
                extracted = invoke(extract, StateMachineTask.EXTRACT_PAGE, task);
            } while (!extracted.path("done").asBoolean());
            report("extractPage", extracted);
            report(
                    "checkProgress",
                    invoke(
                            check,
                            StateMachineTask.CHECK_PROGRESS,
                            task.deepCopy().put("polls", 0)));
            report("finalizeJob", invoke(finalize, StateMachineTask.FINALIZE_JOB, task));
        }

        /** As the Lambda runtime does: the class CDK names (the task table's), its public constructor. */
        private static RequestStreamHandler lambdaBuilds(StateMachineTask task) throws ReflectiveOperationException {
            return (RequestStreamHandler)
                    Class.forName(task.handlerClass()).getConstructor().newInstance();
        }

        private static JsonNode invoke(RequestStreamHandler handler, StateMachineTask task, JsonNode input)
                throws Exception {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handler.handleRequest(
                    new ByteArrayInputStream(JSON.writeValueAsBytes(input)),
                    out,
                    LocalLambdaContext.of(task.functionName(), Duration.ofMinutes(2)));
            return JSON.readTree(out.toByteArray());
        }
    }

    /**
     * The heap as the collector sees it: the most it held when a collection began (live data plus garbage:
     * the peak occupancy) and the most that survived a collection (the live set's high-water mark at GC
     * points), summed over the heap pools; plus the largest committed heap.
     */
    static final class HeapWatch {
        private final AtomicLong maxBeforeGc = new AtomicLong();
        private final AtomicLong maxAfterGc = new AtomicLong();
        private final AtomicLong maxCommitted = new AtomicLong();
        private final AtomicLong collections = new AtomicLong();
        private final List<String> heapPools = new ArrayList<>();

        static HeapWatch start() {
            HeapWatch w = new HeapWatch();
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    w.heapPools.add(pool.getName());
                }
            }
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                ((NotificationEmitter) gc)
                        .addNotificationListener(
                                (n, handback) -> {
                                    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                                            n.getType())) {
                                        return;
                                    }
                                    var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData())
                                            .getGcInfo();
                                    w.collections.incrementAndGet();
                                    w.maxBeforeGc.accumulateAndGet(
                                            w.sum(info.getMemoryUsageBeforeGc(), false), Math::max);
                                    w.maxAfterGc.accumulateAndGet(
                                            w.sum(info.getMemoryUsageAfterGc(), false), Math::max);
                                    w.maxCommitted.accumulateAndGet(
                                            w.sum(info.getMemoryUsageAfterGc(), true), Math::max);
                                },
                                null,
                                null);
            }
            return w;
        }

        private long sum(Map<String, MemoryUsage> usage, boolean committed) {
            long total = 0;
            for (String pool : heapPools) {
                MemoryUsage u = usage.get(pool);
                if (u != null) {
                    total += committed ? u.getCommitted() : u.getUsed();
                }
            }
            return total;
        }

        void report() {
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            long poolPeaks = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    poolPeaks += pool.getPeakUsage().getUsed();
                }
            }
            HandlerProbe.report(
                    "heapMaxMb",
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax() / 1048576.0);
            HandlerProbe.report("heapPeakBeforeGcMb", Math.max(maxBeforeGc.get(), used) / 1048576.0);
            HandlerProbe.report("heapMaxLiveAfterGcMb", maxAfterGc.get() / 1048576.0);
            HandlerProbe.report("heapMaxCommittedMb", maxCommitted.get() / 1048576.0);
            HandlerProbe.report("heapPoolPeaksSumMb", poolPeaks / 1048576.0);
            HandlerProbe.report("gcCount", collections.get());
        }
    }
}
