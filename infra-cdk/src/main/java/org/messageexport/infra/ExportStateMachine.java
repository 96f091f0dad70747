package org.messageexport.infra;

import static org.messageexport.infra.NagReasons.suppress;
import static org.messageexport.infra.NagReasons.suppressMatching;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.messageexport.config.StateMachineTask;
import org.messageexport.statemachine.StateMachineDefinition;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;
import software.constructs.Construct;

/**
 * The export job's state machine, from the {@code statemachine} module's ASL file: each
 * placeholder becomes the ARN of a task function's alias (the published, SnapStart version), and
 * the state machine may invoke exactly those aliases. The execution timeout is the definition's own
 * {@code TimeoutSeconds} (the stack sets it from {@code stateMachineTimeoutMinutes}): CDK's
 * {@code timeout} property does not reach a definition given as text.
 */
public final class ExportStateMachine extends Construct {
    public record Props(
            StateMachineDefinition definition, ExtractorFunctions functions, boolean tracing, int logRetentionDays) {}

    private final StateMachine stateMachine;

    public ExportStateMachine(Construct scope, String id, Props props) {
        super(scope, id);
        Map<String, String> substitutions = new LinkedHashMap<>();
        for (StateMachineTask task : StateMachineTask.values()) {
            substitutions.put(
                    task.placeholder(), props.functions().function(task).alias().getFunctionArn());
        }
        Set<String> expected = new TreeSet<>(props.definition().placeholders());
        if (!expected.equals(new TreeSet<>(substitutions.keySet()))) {
            throw new IllegalStateException("The ASL's placeholders " + expected
                    + " differ from the functions the stack provides " + new TreeSet<>(substitutions.keySet()));
        }

        LogGroup logs = LogGroup.Builder.create(this, "Logs")
                .retention(LogRetention.of(props.logRetentionDays()))
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        stateMachine = StateMachine.Builder.create(this, "StateMachine")
                .stateMachineType(StateMachineType.STANDARD)
                .definitionBody(DefinitionBody.fromString(props.definition().text()))
                .definitionSubstitutions(substitutions)
                .tracingEnabled(props.tracing())
                .logs(LogOptions.builder()
                        .destination(logs)
                        .level(LogLevel.ALL)
                        .includeExecutionData(true)
                        .build())
                .build();
        for (StateMachineTask task : StateMachineTask.values()) {
            props.functions().function(task).alias().grantInvoke(stateMachine);
        }

        List<NagPackSuppression> suppressions = new ArrayList<>();
        suppressions.add(suppressMatching(
                "AwsSolutions-IAM5",
                "CloudWatch Logs vended-log delivery (logs:CreateLogDelivery, PutResourcePolicy, ...) and X-Ray trace"
                        + " writes do not support resource-level permissions; this is the policy CDK generates for them.",
                "^Resource::\\*$"));
        if (!props.tracing()) {
            suppressions.add(suppress(
                    "AwsSolutions-SF2",
                    "X-Ray tracing is off by configuration (context key tracing=false); execution history and the ALL-level"
                            + " CloudWatch log cover troubleshooting. Set tracing=true to enable it."));
        }
        NagSuppressions.addResourceSuppressions(stateMachine, suppressions, true);
    }

    public StateMachine stateMachine() {
        return stateMachine;
    }
}
