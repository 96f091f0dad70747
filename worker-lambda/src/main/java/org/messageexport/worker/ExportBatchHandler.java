package org.messageexport.worker;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.messageexport.adapter.sqs.BatchMessageCodec;
import org.messageexport.domain.Deadline;
import org.messageexport.domain.MessageBatch;
import org.messageexport.job.BatchExporter;
import org.messageexport.job.BatchOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQS-triggered worker (event source mapping with {@code ReportBatchItemFailures}): each record is
 * one batch ({@link BatchMessageCodec}), exported by {@link BatchExporter}. A record that is malformed, or
 * whose batch is not settled, is reported in {@code batchItemFailures} (SQS delivers it again, up to the
 * DLQ); the others are acknowledged. One record never fails another.
 */
public final class ExportBatchHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    static final String FUNCTION = "worker";

    private static final Logger log = LoggerFactory.getLogger(ExportBatchHandler.class);

    /** One batch's export: {@link BatchExporter#export} (unit tests pass a stand-in). */
    @FunctionalInterface
    interface BatchExport {
        BatchOutcome export(MessageBatch batch, int receiveCount, Deadline deadline);
    }

    private final BatchExport exporter;
    private final BatchOutcomeMetrics metrics;
    private final Clock clock;

    public ExportBatchHandler() {
        this(WorkerComponents.create(WorkerConfig.fromEnv(System.getenv())));
    }

    /** For a process that builds the worker's components itself (the local runner). */
    public ExportBatchHandler(WorkerComponents components) {
        this(components.exporter()::export, BatchOutcomeMetrics.toStdout(FUNCTION), Clock.systemUTC());
    }

    /** A handler whose EMF lines go to {@code metricsSink} instead of stdout (benchmarks). */
    public static ExportBatchHandler withMetricsSink(BatchExporter exporter, Consumer<String> metricsSink) {
        return new ExportBatchHandler(
                exporter::export, BatchOutcomeMetrics.to(FUNCTION, metricsSink, Clock.systemUTC()), Clock.systemUTC());
    }

    ExportBatchHandler(BatchExport exporter, BatchOutcomeMetrics metrics, Clock clock) {
        this.exporter = exporter;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return handle(event, deadline(context));
    }

    /**
     * The records of {@code event}, each exported by {@code deadline}: what Lambda's invocation does, for a process
     * that polls the queue itself (the worker service) and sets the deadline from its own batch timeout.
     */
    public SQSBatchResponse handle(SQSEvent event, Deadline deadline) {
        List<BatchItemFailure> failures = new ArrayList<>();
        for (SQSMessage record : event.getRecords() == null ? List.<SQSMessage>of() : event.getRecords()) {
            try (BatchLogContext logContext = BatchLogContext.forRecord(record.getMessageId())) {
                if (!export(record, deadline, logContext)) {
                    failures.add(BatchItemFailure.builder()
                            .withItemIdentifier(record.getMessageId())
                            .build());
                }
            }
        }
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }

    /** True when the record may be deleted. */
    private boolean export(SQSMessage record, Deadline deadline, BatchLogContext logContext) {
        MessageBatch batch;
        try {
            batch = BatchMessageCodec.decode(record.getBody());
        } catch (IllegalArgumentException e) {
            // it will reach the DLQ after maxReceiveCount deliveries, where an operator can look at it
            log.error("malformed batch message {}: {}", record.getMessageId(), e.getMessage());
            return false;
        }
        logContext.batch(batch);
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
        logContext.outcome(outcome);
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
        metrics.emit(outcome);
        return outcome.acknowledged();
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
