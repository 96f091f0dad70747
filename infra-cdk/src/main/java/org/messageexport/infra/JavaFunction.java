package org.messageexport.infra;

import static org.messageexport.infra.NagReasons.suppress;
import static org.messageexport.infra.NagReasons.suppressMatching;

import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.lambda.Version;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * One Java 21 arm64 function in the VPC with its own log group and a {@code live} alias on the
 * version published from the current code. With SnapStart the snapshot belongs to that version, so
 * callers invoke the alias, never {@code $LATEST}.
 */
public final class JavaFunction extends Construct {
    public static final String ALIAS_NAME = "live";

    /**
     * @param handler {@code com.example.Handler::handleRequest}
     * @param environment no null values (jsii would drop them)
     */
    public record Props(
            String handler,
            String description,
            Code code,
            int memoryMb,
            int timeoutSeconds,
            Map<String, String> environment,
            FunctionNetwork network,
            boolean snapStart,
            boolean tracing,
            int logRetentionDays) {
        public Props {
            environment = Map.copyOf(environment);
        }
    }

    private final Function function;
    private final Alias alias;
    private final boolean tracing;
    private final boolean snapStart;

    public JavaFunction(Construct scope, String id, Props props) {
        super(scope, id);
        LogGroup logGroup = LogGroup.Builder.create(this, "Logs")
                .retention(LogRetention.of(props.logRetentionDays()))
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        Function.Builder builder = Function.Builder.create(this, "Function")
                .runtime(Runtime.JAVA_21)
                .architecture(Architecture.ARM_64)
                .handler(props.handler())
                .description(props.description())
                .code(props.code())
                .memorySize(props.memoryMb())
                .timeout(Duration.seconds(props.timeoutSeconds()))
                .environment(props.environment())
                .vpc(props.network().vpc())
                .vpcSubnets(props.network().subnets())
                .securityGroups(props.network().securityGroups())
                .logGroup(logGroup)
                .tracing(props.tracing() ? Tracing.ACTIVE : Tracing.DISABLED);
        if (props.snapStart()) {
            builder.snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS);
        }
        function = builder.build();
        alias = function.addAlias(ALIAS_NAME);

        this.tracing = props.tracing();
        this.snapStart = props.snapStart();
        NagSuppressions.addResourceSuppressions(
                function,
                List.of(
                        suppressMatching(
                                "AwsSolutions-IAM4",
                                "AWS managed policies for a VPC function: CloudWatch Logs writes and the ENI actions Lambda needs"
                                        + " in a VPC; both are the documented minimum and track service changes.",
                                "^Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambda(BasicExecutionRole|VPCAccessExecutionRole)$"),
                        suppress(
                                "AwsSolutions-L1",
                                "java21 is the project's Lambda runtime by design (Java 21 code, SnapStart-tested); moving to a newer"
                                        + " Java runtime is a deliberate upgrade, not a synth-time default.")),
                true);
    }

    /**
     * Suppresses the wildcard findings that CDK grants produce on the role's default policy. Call it
     * once all grants are made: a suppression only reaches the constructs that exist when it is added.
     */
    void suppressGrantWildcards(String keyPrefix) {
        List<String> wildcardPatterns =
                new ArrayList<>(List.of(grantedObjectsPattern(keyPrefix), FunctionAccess.SEARCH_DOMAIN_PATHS));
        if (tracing) {
            wildcardPatterns.add("^Resource::\\*$");
        }
        NagSuppressions.addResourceSuppressions(
                function,
                List.of(suppressMatching(
                        "AwsSolutions-IAM5",
                        "The only wildcards: s3:PutObject on the object keys under the export prefix of the archive"
                                + " bucket (the keys are the messages' ids, unknown at deploy time); with searchDomainArn,"
                                + " es:ESHttpGet/Post on the paths of that one domain (index and API paths); with tracing the"
                                + " X-Ray trace writes, which have no resource-level permissions. No wildcard action is"
                                + " pre-approved.",
                        wildcardPatterns.toArray(String[]::new))),
                true);
    }

    /**
     * The IAM5 finding of the put grant: objects under {@code <bucket>/<keyPrefix>/*} of the archive bucket (created:
     * {@code <Id.Arn>}; existing: by name), nothing wider.
     */
    static String grantedObjectsPattern(String keyPrefix) {
        String prefix = keyPrefix.replaceAll("[.*()/]", "\\\\$0");
        return "^Resource::(<[A-Za-z0-9]+\\.Arn>|arn:<AWS::Partition>:s3:::[a-z0-9.-]+)/" + prefix + "/\\*$";
    }

    public Function function() {
        return function;
    }

    /** True when its versions are published with a SnapStart snapshot (the constructor runs at publish time). */
    public boolean snapStart() {
        return snapStart;
    }

    /**
     * The version published from the current code and configuration, which the alias points at: with SnapStart,
     * publishing it runs the handler's constructor and takes the snapshot.
     */
    public Version version() {
        return function.getCurrentVersion();
    }

    /** What the state machine, the event source and the trigger invoke. */
    public Alias alias() {
        return alias;
    }
}
