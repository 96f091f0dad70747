package org.messageexport.infra;

import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.constructs.Construct;

/**
 * The SQS batch worker from the worker jar: reads the batch's messages from Elasticsearch, PUTs one
 * object per message under the export prefix, records the outcome in MySQL. Its event source
 * reports item failures (only failed messages return to the queue) and caps concurrency, which is
 * what protects Elasticsearch and MySQL from a deep queue.
 */
public final class WorkerFunction extends Construct {
    static final String HANDLER = "org.messageexport.worker.ExportBatchHandler::handleRequest";

    public record Props(
            Code code,
            ExportSettings.Functions sizes,
            ExportSettings.Connections connections,
            Map<String, String> workerEnvironment,
            ConnectionSecrets secrets,
            ArchiveBucket archive,
            WorkQueue workQueue,
            FunctionNetwork network,
            boolean tracing,
            int logRetentionDays) {}

    private final JavaFunction function;

    public WorkerFunction(Construct scope, String id, Props props) {
        super(scope, id);
        Map<String, String> environment = new FunctionEnvironment()
                .elasticsearch(props.connections())
                .database(props.connections())
                .archive(props.archive())
                .deliveries(props.workQueue())
                .settings(props.workerEnvironment())
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

        props.secrets().grantReadElasticsearch(function.function());
        props.secrets().grantReadDatabase(function.function());
        props.archive().grantPutExports(function.function());
        // the mapping polls on behalf of the alias: SnapStart restores the published version
        function.alias()
                .addEventSource(SqsEventSource.Builder.create(props.workQueue().queue())
                        .batchSize(props.sizes().workerBatchSize())
                        .maxBatchingWindow(Duration.seconds(props.sizes().workerBatchingWindowSeconds()))
                        .reportBatchItemFailures(true)
                        .maxConcurrency(props.sizes().workerMaxConcurrency())
                        .build());
    }

    public JavaFunction function() {
        return function;
    }
}
