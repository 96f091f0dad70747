package org.messageexport.worker;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.messageexport.domain.Deadline;
import org.messageexport.domain.MessageBatch;
import org.messageexport.job.BatchExporter;
import org.messageexport.job.BatchOutcome;
import org.messageexport.observability.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The SQS-triggered worker (event source mapping with {@code ReportBatchItemFailures}): each record is
 * one batch {@code {"jobId":…,"batchId":…,"messageIds":[…]}}, exported by {@link BatchExporter}.
 * A record that is malformed, or whose batch is not settled, is reported in {@code batchItemFailures}
 * (SQS delivers it again, up to the DLQ); the others are acknowledged. One record never fails another.
 */
public final class ExportBatchHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    static final String FUNCTION = "worker";

    private static final Logger log = LoggerFactory.getLogger(ExportBatchHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BatchExporter exporter;
    private final Supplier<Metrics> metrics;
    private final Clock clock;

    public ExportBatchHandler() {
        this(
                WorkerComponents.create(WorkerConfig.fromEnv(System.getenv())).exporter(),
                () -> Metrics.toStdout(FUNCTION),
                Clock.systemUTC());
    }

    /** For a process that builds the worker's components itself (the local runner). */
    public ExportBatchHandler(WorkerComponents components) {
        this(components.exporter(), () -> Metrics.toStdout(FUNCTION), Clock.systemUTC());
    }

    /** A handler whose EMF lines go to {@code metricsSink} instead of stdout (benchmarks). */
    public static ExportBatchHandler withMetricsSink(
            BatchExporter exporter, java.util.function.Consumer<String> metricsSink) {
        return new ExportBatchHandler(
                exporter, () -> new Metrics(FUNCTION, metricsSink, Clock.systemUTC()), Clock.systemUTC());
    }

    ExportBatchHandler(BatchExporter exporter, Supplier<Metrics> metrics, Clock clock) {
        this.exporter = exporter;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        Deadline deadline = deadline(context);
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        List<SQSMessage> records = event.getRecords() == null ? List.of() : event.getRecords();
        for (SQSMessage record : records) {
            MDC.put("sqsMessageId", record.getMessageId());
            try {
                if (!export(record, deadline)) {
                    failures.add(SQSBatchResponse.BatchItemFailure.builder()
                            .withItemIdentifier(record.getMessageId())
                            .build());
                }
            } finally {
                MDC.clear();
            }
        }
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }

    /** True when the record may be deleted. */
    private boolean export(SQSMessage record, Deadline deadline) {
        MessageBatch batch;
        try {
            batch = parse(record.getBody());
        } catch (IllegalArgumentException e) {
            // it will reach the DLQ after maxReceiveCount deliveries, where an operator can look at it
            log.error("malformed batch message {}: {}", record.getMessageId(), e.getMessage());
            return false;
        }
        MDC.put("jobId", Long.toString(batch.jobId()));
        MDC.put("batchId", Long.toString(batch.batchId()));
        int receiveCount = receiveCount(record);
        if (deadline.expired()) {
            log.warn("no time left for batch {} (receive {}): left for a redelivery", batch.batchId(), receiveCount);
            return false;
        }
        BatchOutcome outcome;
        try {
            outcome = exporter.export(batch, receiveCount, deadline);
        } catch (RuntimeException e) {
            log.error("export of batch {} failed", batch.batchId(), e);
            return false;
        }
        MDC.put("claimed", Integer.toString(outcome.claimed()));
        MDC.put("exported", Integer.toString(outcome.exported()));
        MDC.put("failed", Integer.toString(outcome.failed()));
        MDC.put("released", Integer.toString(outcome.released()));
        if (outcome.acknowledged()) {
            log.info(
                    "batch {} settled in {} ms: {} exported, {} failed; {}",
                    batch.batchId(),
                    outcome.durationMillis(),
                    outcome.exported(),
                    outcome.failed(),
                    outcome.phases());
        } else {
            log.warn("batch {} not settled (receive {}): {}", batch.batchId(), receiveCount, outcome.reason());
        }
        metrics.get()
                .put("MessagesExported", outcome.exported(), Metrics.Unit.Count)
                .put("MessagesFailed", outcome.failed(), Metrics.Unit.Count)
                .put("MessagesReleased", outcome.released(), Metrics.Unit.Count)
                .put("BytesExported", outcome.bytes(), Metrics.Unit.Bytes)
                .put("BatchDuration", outcome.durationMillis(), Metrics.Unit.Milliseconds)
                .put("BatchesNotSettled", outcome.acknowledged() ? 0 : 1, Metrics.Unit.Count)
                .put("ClaimDuration", outcome.phases().claimMillis(), Metrics.Unit.Milliseconds)
                .put("ReadDuration", outcome.phases().readMillis(), Metrics.Unit.Milliseconds)
                .put("BuildDuration", outcome.phases().buildMillis(), Metrics.Unit.Milliseconds)
                .put("WriteDuration", outcome.phases().writeMillis(), Metrics.Unit.Milliseconds)
                .put("RecordDuration", outcome.phases().recordMillis(), Metrics.Unit.Milliseconds)
                .property("jobId", batch.jobId())
                .property("batchId", batch.batchId())
                .emit();
        return outcome.acknowledged();
    }

    static MessageBatch parse(String body) {
        JsonNode root;
        try {
            root = body == null ? null : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("body is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("body is not a JSON object");
        }
        JsonNode jobId = root.get("jobId");
        JsonNode batchId = root.get("batchId");
        JsonNode ids = root.get("messageIds");
        if (jobId == null || !jobId.canConvertToLong() || !jobId.isIntegralNumber()) {
            throw new IllegalArgumentException("jobId must be a whole number");
        }
        if (batchId == null || !batchId.canConvertToLong() || !batchId.isIntegralNumber()) {
            throw new IllegalArgumentException("batchId must be a whole number");
        }
        if (ids == null || !ids.isArray() || ids.isEmpty()) {
            throw new IllegalArgumentException("messageIds must be a non-empty array of strings");
        }
        List<String> messageIds = new ArrayList<>(ids.size());
        for (JsonNode id : ids) {
            if (!id.isTextual() || id.asText().isEmpty()) {
                throw new IllegalArgumentException("messageIds must be a non-empty array of non-empty strings");
            }
            messageIds.add(id.asText());
        }
        return new MessageBatch(jobId.asLong(), batchId.asLong(), messageIds);
    }

    private static int receiveCount(SQSMessage record) {
        String v =
                record.getAttributes() == null ? null : record.getAttributes().get("ApproximateReceiveCount");
        try {
            return v == null ? 1 : Math.max(1, Integer.parseInt(v.trim()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** The invocation's end, less a margin to answer before Lambda stops the function. */
    private Deadline deadline(Context context) {
        Duration remaining = Duration.ofMillis(context.getRemainingTimeInMillis());
        Duration margin = remaining.dividedBy(10);
        margin = margin.compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : margin;
        return Deadline.after(remaining.minus(margin), clock);
    }
}
