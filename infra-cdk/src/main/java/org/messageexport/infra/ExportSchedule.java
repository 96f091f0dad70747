package org.messageexport.infra;

import java.util.Map;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.SfnStateMachine;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;
import software.constructs.Construct;

/**
 * The EventBridge rule that starts a run on a schedule. It passes {@code {}}: the job then plans the
 * next window itself (a manual start may name the window instead).
 */
public final class ExportSchedule extends Construct {
    public record Props(IStateMachine stateMachine, String expression, boolean enabled) {}

    private final Rule rule;

    public ExportSchedule(Construct scope, String id, Props props) {
        super(scope, id);
        rule = Rule.Builder.create(this, "Rule")
                .description("Starts the message export")
                .schedule(Schedule.expression(props.expression()))
                .enabled(props.enabled())
                .targets(java.util.List.of(SfnStateMachine.Builder.create(props.stateMachine())
                        .input(RuleTargetInput.fromObject(Map.of()))
                        .retryAttempts(2)
                        .build()))
                .build();
    }

    public Rule rule() {
        return rule;
    }
}
