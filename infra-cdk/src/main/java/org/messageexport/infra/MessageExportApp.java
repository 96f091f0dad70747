package org.messageexport.infra;

import static org.messageexport.infra.NagReasons.suppressMatching;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import java.util.Map;
import org.messageexport.statemachine.StateMachineDefinition;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;

/**
 * The CDK app: {@code cdk synth}/{@code cdk deploy} run {@link #main}. Settings come from the
 * context (cdk.json, -c) or MESSAGE_EXPORT_* variables; account and region from the CLI's profile.
 */
public final class MessageExportApp {
    private MessageExportApp() {}

    public static void main(String[] args) {
        App app = new App();
        try {
            build(app, System.getenv());
        } catch (InvalidSettingException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
        app.synth();
    }

    /** Builds the stack into {@code app} exactly as {@code cdk synth} does; the tests use this too. */
    public static MessageExportStack build(App app, Map<String, String> environment) {
        ExportSettings settings = ExportSettings.from(new ContextSource(app.getNode()::tryGetContext, environment));
        StackProps.Builder props = StackProps.builder()
                .description("Message Export: Elasticsearch to S3, driven by Step Functions")
                .tags(Map.of("application", "message-export"));
        String account = environment.get("CDK_DEFAULT_ACCOUNT");
        String region = environment.get("CDK_DEFAULT_REGION");
        if (account != null && region != null) {
            props.env(Environment.builder().account(account).region(region).build());
        }
        MessageExportStack stack = new MessageExportStack(
                app, settings.stackName(), props.build(), settings, StateMachineDefinition.load());
        suppressFrameworkFindings(stack);
        Aspects.of(app).add(new AwsSolutionsChecks());
        return stack;
    }

    /** Resources CDK itself adds (the trigger's provider function), which this app does not shape. */
    private static void suppressFrameworkFindings(MessageExportStack stack) {
        NagSuppressions.addResourceSuppressionsByPath(
                stack,
                "/" + stack.getStackName() + "/AWSCDK.TriggerCustomResourceProviderCustomResourceProvider",
                List.of(
                        suppressMatching(
                                "AwsSolutions-IAM4",
                                "CDK's trigger provider (deploy-time only) uses the basic execution role for its own logs.",
                                "^Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole$"),
                        NagReasons.suppress(
                                "AwsSolutions-L1",
                                "CDK's trigger provider runtime is chosen and updated by aws-cdk-lib, not by this app.")),
                true);
    }
}
