package org.messageexport.infra;

import java.util.EnumMap;
import java.util.Map;
import software.amazon.awscdk.services.lambda.Code;
import software.constructs.Construct;

/**
 * The five state machine task functions, one per {@link ExtractorTask}, from the extractor jar.
 * Each gets the environment and grants its task needs: all read the MySQL secret; those that page
 * Elasticsearch read its secret; ExtractPage sends to the work queue; FinalizeJob writes and reads
 * the manifest under the export prefix.
 */
public final class ExtractorFunctions extends Construct {
    public record Props(
            Code code,
            ExportSettings.Functions sizes,
            ExportSettings.Connections connections,
            Map<String, String> jobEnvironment,
            ConnectionSecrets secrets,
            ArchiveBucket archive,
            WorkQueue workQueue,
            FunctionNetwork network,
            boolean tracing,
            int logRetentionDays) {}

    private final Map<ExtractorTask, JavaFunction> functions = new EnumMap<>(ExtractorTask.class);

    public ExtractorFunctions(Construct scope, String id, Props props) {
        super(scope, id);
        for (ExtractorTask task : ExtractorTask.values()) {
            FunctionEnvironment environment = new FunctionEnvironment().database(props.connections());
            if (task.elasticsearch()) {
                environment.elasticsearch(props.connections());
            }
            if (task.sendsBatches()) {
                environment.queue(props.workQueue());
            }
            if (task.writesManifest()) {
                environment.archive(props.archive());
            }
            environment.settings(props.jobEnvironment());

            JavaFunction function = new JavaFunction(
                    this,
                    task.id(),
                    new JavaFunction.Props(
                            task.handler(),
                            task.description(),
                            props.code(),
                            props.sizes().extractorMemoryMb(),
                            task == ExtractorTask.EXTRACT_PAGE
                                    ? ExportSettings.EXTRACT_PAGE_TIMEOUT_SECONDS
                                    : props.sizes().extractorTimeoutSeconds(),
                            environment.build(),
                            props.network(),
                            true,
                            props.tracing(),
                            props.logRetentionDays()));

            props.secrets().grantReadDatabase(function.function());
            if (task.elasticsearch()) {
                props.secrets().grantReadElasticsearch(function.function());
            }
            if (task.sendsBatches()) {
                props.workQueue().queue().grantSendMessages(function.function());
            }
            if (task.writesManifest()) {
                props.archive().grantPutExports(function.function());
                props.archive().grantReadExports(function.function());
            }
            functions.put(task, function);
        }
    }

    public JavaFunction function(ExtractorTask task) {
        return functions.get(task);
    }

    public Map<ExtractorTask, JavaFunction> all() {
        return Map.copyOf(functions);
    }
}
