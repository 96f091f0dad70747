package org.messageexport.infra;

import java.util.List;
import java.util.Set;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.triggers.InvocationType;
import software.amazon.awscdk.triggers.Trigger;
import software.constructs.Construct;

/**
 * Flyway migrations at deploy time: a function from the extractor jar that a CDK trigger invokes synchronously; a
 * failed migration fails (and rolls back) the deployment. The trigger runs again whenever the function's version
 * changes, which is when the migrations (shipped in the jar) can have changed.
 *
 * <p>Order: the trigger runs after the network rules that let the functions reach MySQL ({@link #runAfter}), and
 * before every SnapStart version is published and before the worker's event source mapping exists ({@link
 * #runBefore}): publishing a SnapStart version runs the handler's constructor, and the first invocations after it must
 * find the schema they were built for. CDK's {@code Trigger.executeBefore} makes each given construct's resources
 * depend on the trigger's custom resource; the functions themselves ({@code $LATEST}, never invoked) may be created or
 * updated before it.
 */
public final class SchemaMigration extends Construct {
    static final String HANDLER = "org.messageexport.extractor.MigrateDatabaseHandler::handleRequest";

    public record Props(
            Code code,
            int timeoutSeconds,
            FunctionAccess access,
            FunctionNetwork network,
            boolean tracing,
            int logRetentionDays) {}

    private final JavaFunction function;
    private final Trigger trigger;

    public SchemaMigration(Construct scope, String id, Props props) {
        super(scope, id);
        function = new JavaFunction(
                this,
                "MigrateDatabase",
                new JavaFunction.Props(
                        HANDLER,
                        "Applies the Flyway migrations to the tracking database",
                        props.code(),
                        512,
                        props.timeoutSeconds(),
                        props.access().environment(Set.of(), java.util.Map.of()).build(),
                        props.network(),
                        // once per deployment, and it must not need the schema it creates
                        false,
                        props.tracing(),
                        props.logRetentionDays()));
        props.access().grant(function.function(), Set.of());

        trigger = Trigger.Builder.create(this, "Trigger")
                .handler(function.function())
                .invocationType(InvocationType.REQUEST_RESPONSE)
                .timeout(Duration.seconds(props.timeoutSeconds()))
                .executeOnHandlerChange(true)
                .build();
    }

    /** The migrations run once these exist (e.g. the rule that admits the functions to MySQL). */
    public void runAfter(List<? extends Construct> scopes) {
        trigger.executeAfter(scopes.toArray(Construct[]::new));
    }

    /** These are created (or replaced) only after the migrations ran: SnapStart versions, the event source mapping. */
    public void runBefore(List<? extends Construct> scopes) {
        trigger.executeBefore(scopes.toArray(Construct[]::new));
    }

    public JavaFunction function() {
        return function;
    }

    public Trigger trigger() {
        return trigger;
    }
}
