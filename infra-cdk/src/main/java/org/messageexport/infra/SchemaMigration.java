package org.messageexport.infra;

import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.triggers.InvocationType;
import software.amazon.awscdk.triggers.Trigger;
import software.constructs.Construct;

/**
 * Flyway migrations at deploy time: a function from the extractor jar that a CDK trigger invokes
 * synchronously once the functions and their configuration are in place. The trigger runs again
 * whenever the function's code changes, which is when the migrations (shipped in the jar) can have
 * changed; a failed migration fails the deployment.
 */
public final class SchemaMigration extends Construct {
    static final String HANDLER = "org.messageexport.extractor.MigrateDatabaseHandler::handleRequest";

    public record Props(
            Code code,
            int timeoutSeconds,
            ExportSettings.Connections connections,
            ConnectionSecrets secrets,
            FunctionNetwork network,
            boolean tracing,
            int logRetentionDays,
            List<Construct> executeAfter) {
        public Props {
            executeAfter = List.copyOf(executeAfter);
        }
    }

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
                        new FunctionEnvironment().database(props.connections()).build(),
                        props.network(),
                        // one invocation per deployment: a snapshot would cost more deploy time than it saves
                        false,
                        props.tracing(),
                        props.logRetentionDays()));
        props.secrets().grantReadDatabase(function.function());

        trigger = Trigger.Builder.create(this, "Trigger")
                .handler(function.function())
                .invocationType(InvocationType.REQUEST_RESPONSE)
                .timeout(Duration.seconds(props.timeoutSeconds()))
                .executeOnHandlerChange(true)
                .executeAfter(props.executeAfter())
                .build();
    }

    public JavaFunction function() {
        return function;
    }

    public Trigger trigger() {
        return trigger;
    }
}
