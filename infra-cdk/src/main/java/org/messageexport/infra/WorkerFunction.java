package org.messageexport.infra;

import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.EventSourceMapping;
import software.amazon.awscdk.services.lambda.EventSourceMappingOptions;
import software.constructs.Construct;

/**
 * The SQS batch worker from the worker jar: reads the batch's messages from Elasticsearch, PUTs one object per message
 * under the export prefix, records the outcome in MySQL. Its event source reports item failures (only failed messages
 * return to the queue) and caps concurrency, which is what protects Elasticsearch and MySQL from a deep queue.
 */
public final class WorkerFunction extends Construct {
    static final String HANDLER = "org.messageexport.worker.ExportBatchHandler::handleRequest";

    public record Props(
            Code code,
            ExportSettings.Functions sizes,
            Map<String, String> workerEnvironment,
            FunctionAccess access,
            WorkQueue workQueue,
            FunctionNetwork network,
            boolean tracing,
            int logRetentionDays) {}

    private final JavaFunction function;
    private final EventSourceMapping eventSource;

    public WorkerFunction(Construct scope, String id, Props props) {
        super(scope, id);
        Map<String, String> environment = props.access()
                .environment(FunctionAccess.WORKER_NEEDS, props.workerEnvironment())
                .deliveries(props.workQueue())
                .build();
        function = new JavaFunction(
                this,
                "ExportBatch",
                new JavaFunction.Props(
                        HANDLER,
                        "Exports one batch of messages from Elasticsearch to S3",
                        props.code(),
                        props.sizes().workerMemoryMb(),
                        props.sizes().workerTimeoutSeconds(),
                        environment,
                        props.network(),
                        true,
                        props.tracing(),
                        props.logRetentionDays()));
        props.access().grant(function.function(), FunctionAccess.WORKER_NEEDS);

        // the mapping polls on behalf of the alias: SnapStart restores the published version
        props.workQueue().queue().grantConsumeMessages(function.alias());
        eventSource = function.alias()
                .addEventSourceMapping(
                        "WorkQueue",
                        EventSourceMappingOptions.builder()
                                .eventSourceArn(props.workQueue().queue().getQueueArn())
                                .batchSize(props.sizes().workerBatchSize())
                                .maxBatchingWindow(
                                        Duration.seconds(props.sizes().workerBatchingWindowSeconds()))
                                .reportBatchItemFailures(true)
                                .maxConcurrency(props.sizes().workerMaxConcurrency())
                                .build());
    }

    public JavaFunction function() {
        return function;
    }

    /** The SQS event source mapping: it must not be enabled before the schema is migrated. */
    public EventSourceMapping eventSource() {
        return eventSource;
    }
}
