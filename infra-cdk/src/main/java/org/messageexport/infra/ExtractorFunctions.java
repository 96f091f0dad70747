package org.messageexport.infra;

import java.util.EnumMap;
import java.util.Map;
import org.messageexport.config.StateMachineTask;
import software.amazon.awscdk.services.lambda.Code;
import software.constructs.Construct;

/**
 * The state machine's task functions, one per row of the task table {@link StateMachineTask}, from the extractor jar.
 * Each gets the environment, secrets and grants that its row's needs map to ({@link FunctionAccess}): all use MySQL;
 * those that read Elasticsearch get its URL and secret; ExtractPage sends to the work queue; FinalizeJob writes the
 * manifest under the export prefix (and reads nothing there).
 */
public final class ExtractorFunctions extends Construct {
    public record Props(
            Code code,
            ExportSettings.Functions sizes,
            Map<String, String> jobEnvironment,
            FunctionAccess access,
            FunctionNetwork network,
            boolean tracing,
            int logRetentionDays) {}

    private final Map<StateMachineTask, JavaFunction> functions = new EnumMap<>(StateMachineTask.class);

    public ExtractorFunctions(Construct scope, String id, Props props) {
        super(scope, id);
        for (StateMachineTask task : StateMachineTask.values()) {
            JavaFunction function = new JavaFunction(
                    this,
                    task.id(),
                    new JavaFunction.Props(
                            task.lambdaHandler(),
                            task.description(),
                            props.code(),
                            props.sizes().extractorMemoryMb(),
                            task == StateMachineTask.EXTRACT_PAGE
                                    ? ExportSettings.EXTRACT_PAGE_TIMEOUT_SECONDS
                                    : props.sizes().extractorTimeoutSeconds(),
                            props.access()
                                    .environment(task.needs(), props.jobEnvironment())
                                    .build(),
                            props.network(),
                            true,
                            props.tracing(),
                            props.logRetentionDays()));
            props.access().grant(function.function(), task.needs());
            functions.put(task, function);
        }
    }

    public JavaFunction function(StateMachineTask task) {
        return functions.get(task);
    }

    public Map<StateMachineTask, JavaFunction> all() {
        return Map.copyOf(functions);
    }
}
