package org.messageexport.infra;

import static org.messageexport.infra.NagReasons.suppress;
import static org.messageexport.infra.NagReasons.suppressMatching;

import io.github.cdklabs.cdknag.NagSuppressions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.messageexport.config.EnvNames;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.autoscaling.AdditionalHealthCheckType;
import software.amazon.awscdk.services.autoscaling.AdditionalHealthChecksOptions;
import software.amazon.awscdk.services.autoscaling.AdjustmentTier;
import software.amazon.awscdk.services.autoscaling.AdjustmentType;
import software.amazon.awscdk.services.autoscaling.AutoScalingGroup;
import software.amazon.awscdk.services.autoscaling.GroupMetric;
import software.amazon.awscdk.services.autoscaling.GroupMetrics;
import software.amazon.awscdk.services.autoscaling.HealthChecks;
import software.amazon.awscdk.services.autoscaling.MetricAggregationType;
import software.amazon.awscdk.services.autoscaling.StepScalingAction;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.AutoScalingAction;
import software.amazon.awscdk.services.ec2.AmazonLinux2023ImageSsmParameterProps;
import software.amazon.awscdk.services.ec2.AmazonLinux2023Kernel;
import software.amazon.awscdk.services.ec2.AmazonLinuxCpuType;
import software.amazon.awscdk.services.ec2.BlockDevice;
import software.amazon.awscdk.services.ec2.BlockDeviceVolume;
import software.amazon.awscdk.services.ec2.CfnLaunchTemplate;
import software.amazon.awscdk.services.ec2.EbsDeviceOptions;
import software.amazon.awscdk.services.ec2.EbsDeviceVolumeType;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.ec2.LaunchTemplate;
import software.amazon.awscdk.services.ec2.LaunchTemplateHttpTokens;
import software.amazon.awscdk.services.ec2.MachineImage;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.S3DownloadOptions;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.UserData;
import software.amazon.awscdk.services.elasticloadbalancingv2.AddApplicationTargetsProps;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationListener;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationLoadBalancer;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationProtocol;
import software.amazon.awscdk.services.elasticloadbalancingv2.BaseApplicationListenerProps;
import software.amazon.awscdk.services.elasticloadbalancingv2.ListenerCertificate;
import software.amazon.awscdk.services.elasticloadbalancingv2.SslPolicy;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.s3.assets.Asset;
import software.constructs.Construct;

/**
 * The worker as a fleet (workerMode=fleet): an Auto Scaling group of Amazon Linux 2023 arm64 instances, each running
 * the worker service under the systemd unit of the server deployment (installed from worker-service's distribution,
 * an asset in the CDK asset bucket, by its install.sh), with the worker function's environment and grants. The fleet
 * follows the queue: it grows on the backlog per instance in service and goes back to zero once the queue has been
 * empty for a while. An internal Application Load Balancer health-checks the instances and gives operators the status
 * endpoint; it carries no work, which arrives by SQS.
 */
public final class WorkerFleet extends Construct {
    /** The worker service's health endpoint on each instance. */
    static final int HEALTH_PORT = 8080;

    static final String LOG_FILE = "/var/log/message-export/worker.log";
    /** The queue must stay empty this long before the fleet goes back to zero. */
    static final int EMPTY_MINUTES_BEFORE_ZERO = 15;
    /** Package installs, the download, the migrations' check and the JVM: when a new instance starts to count. */
    static final Duration WARMUP = Duration.minutes(5);

    public record Props(
            Path distribution,
            ExportSettings.Fleet fleet,
            int batchTimeoutSeconds,
            Map<String, String> workerEnvironment,
            FunctionAccess access,
            WorkQueue workQueue,
            FunctionNetwork network,
            int logRetentionDays) {
        public Props {
            workerEnvironment = Map.copyOf(workerEnvironment);
        }
    }

    private final AutoScalingGroup group;
    private final Map<String, String> environment;

    public WorkerFleet(Construct scope, String id, Props props) {
        super(scope, id);
        ExportSettings.Fleet fleet = props.fleet();
        Asset distribution = Asset.Builder.create(this, "Distribution")
                .path(checkedDistribution(props.distribution()).toString())
                .build();
        LogGroup logs = LogGroup.Builder.create(this, "Logs")
                .retention(LogRetention.of(props.logRetentionDays()))
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();

        Role role = Role.Builder.create(this, "InstanceRole")
                .assumedBy(new ServicePrincipal("ec2.amazonaws.com"))
                .description("Message export worker instances: the worker function's grants, the distribution, logs")
                // a shell for operators without SSH or open ports (journalctl, curl of the health endpoint)
                .managedPolicies(List.of(ManagedPolicy.fromAwsManagedPolicyName("AmazonSSMManagedInstanceCore")))
                .build();
        // the worker function's grants, and what its event source mapping holds for it: consuming the queue
        props.access().grant(role, FunctionAccess.WORKER_NEEDS);
        props.workQueue().queue().grantConsumeMessages(role);
        distribution.grantRead(role);
        logs.grantWrite(role);

        environment = environment(props);
        ISecurityGroup instances = SecurityGroup.Builder.create(this, "InstanceSecurityGroup")
                .vpc(props.network().vpc())
                .description("Message export worker instances: egress to Elasticsearch, MySQL and AWS APIs; health port"
                        + " from the status load balancer")
                .allowAllOutbound(true)
                .build();
        LaunchTemplate template = LaunchTemplate.Builder.create(this, "LaunchTemplate")
                // resolved at deployment from the public SSM parameter: no lookup at synth
                .machineImage(MachineImage.latestAmazonLinux2023(AmazonLinux2023ImageSsmParameterProps.builder()
                        .cpuType(AmazonLinuxCpuType.ARM_64)
                        .kernel(AmazonLinux2023Kernel.DEFAULT)
                        .build()))
                .instanceType(new InstanceType(fleet.instanceType()))
                .role(role)
                .securityGroup(instances)
                .userData(userData(distribution, environment, logs))
                .httpEndpoint(true)
                .httpTokens(LaunchTemplateHttpTokens.REQUIRED)
                .httpPutResponseHopLimit(1)
                .detailedMonitoring(true)
                .blockDevices(List.of(BlockDevice.builder()
                        .deviceName("/dev/xvda")
                        .volume(BlockDeviceVolume.ebs(
                                20,
                                EbsDeviceOptions.builder()
                                        .encrypted(true)
                                        .volumeType(EbsDeviceVolumeType.GP3)
                                        .deleteOnTermination(true)
                                        .build()))
                        .build()))
                .build();
        // The functions' groups too, which Elasticsearch and MySQL already allow. Set on the template's properties, not
        // joined to its connections: the load balancer's rule to the health port must not be added to a group that may
        // be the user's own (securityGroupIds).
        List<String> groupIds = new ArrayList<>(List.of(instances.getSecurityGroupId()));
        props.network().securityGroups().forEach(g -> groupIds.add(g.getSecurityGroupId()));
        ((CfnLaunchTemplate) template.getNode().getDefaultChild())
                .addPropertyOverride("LaunchTemplateData.SecurityGroupIds", groupIds);

        group = AutoScalingGroup.Builder.create(this, "Group")
                .vpc(props.network().vpc())
                .vpcSubnets(props.network().subnets())
                .launchTemplate(template)
                .minCapacity(0)
                .maxCapacity(fleet.maxInstances())
                // GroupInServiceInstances divides the backlog in the scaling expression
                .groupMetrics(List.of(new GroupMetrics(GroupMetric.IN_SERVICE_INSTANCES)))
                // a worker whose process hangs or died is replaced, not only one whose instance fails
                .healthChecks(HealthChecks.withAdditionalChecks(AdditionalHealthChecksOptions.builder()
                        .additionalTypes(List.of(AdditionalHealthCheckType.ELB))
                        .gracePeriod(Duration.minutes(10))
                        .build()))
                .build();

        ApplicationLoadBalancer loadBalancer = statusLoadBalancer(props, fleet);
        scaling(props.workQueue(), fleet);

        NagSuppressions.addResourceSuppressions(
                group,
                List.of(suppress(
                        "AwsSolutions-AS3",
                        "Scaling activities are in the group's activity history and its group metrics; the fleet grows and"
                                + " shrinks with each daily job, and the export's alarms (dead letters, oldest message) page"
                                + " on what needs an operator. Notifications per scaling event would be noise.")),
                true);
        NagSuppressions.addResourceSuppressions(
                role,
                List.of(
                        suppressMatching(
                                "AwsSolutions-IAM4",
                                "Session Manager for operators instead of SSH and an open port: the AWS managed policy is the"
                                        + " documented minimum for the SSM agent and follows the service's changes.",
                                "^Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore$"),
                        suppressMatching(
                                "AwsSolutions-IAM5",
                                "Wildcards come from CDK grants only: objects under the export prefix (and KMS"
                                        + " GenerateDataKey*/ReEncrypt* on the archive key), as for the worker function; read of"
                                        + " the CDK asset bucket's objects (s3:GetObject*/GetBucket*/List*) for the distribution; with"
                                        + " searchDomainArn, es:ESHttpGet/Post on the paths of that one domain.",
                                grantWildcards(props.access().archive().keyPrefix()))),
                true);
        NagSuppressions.addResourceSuppressions(
                loadBalancer,
                List.of(suppress(
                        "AwsSolutions-ELB2",
                        "The internal load balancer carries only health checks and operators' status reads (GET /health/*),"
                                + " no export data; the workers' JSON logs and EMF metrics record the work itself.")),
                true);

        // on the stack, so that their names carry no hash
        CfnOutput.Builder.create(Stack.of(this), "WorkerStatusUrl")
                .value((fleet.statusCertificateArn().isPresent() ? "https://" : "http://")
                        + loadBalancer.getLoadBalancerDnsName() + "/health/ready")
                .description("The worker fleet's status (an instance's counts); 503 while no instance runs")
                .build();
        CfnOutput.Builder.create(Stack.of(this), "WorkerFleetGroupName")
                .value(group.getAutoScalingGroupName())
                .build();
    }

    /** The distribution directory (jar, install.sh, units), or one line saying how to build it. */
    static Path checkedDistribution(Path dir) {
        if (!Files.isRegularFile(dir.resolve("worker-service.jar"))
                || !Files.isRegularFile(dir.resolve("install.sh"))) {
            throw new InvalidSettingException("Worker service distribution not found: " + dir
                    + " (context key 'serviceDist'); build it first with: mvn -B -pl worker-service -am package"
                    + " -DskipTests");
        }
        return dir;
    }

    /** The worker function's environment, plus the queue and the event source's settings that Lambda would hold. */
    private static Map<String, String> environment(Props props) {
        Map<String, String> env = new TreeMap<>(props.access()
                .environment(FunctionAccess.WORKER_NEEDS, props.workerEnvironment())
                .deliveries(props.workQueue())
                .queue(props.workQueue())
                .build());
        env.put("AWS_REGION", Aws.REGION);
        env.put(EnvNames.WORKER_CONCURRENCY, Integer.toString(props.fleet().concurrency()));
        env.put(EnvNames.WORKER_BATCH_TIMEOUT, "PT" + props.batchTimeoutSeconds() + "S");
        // the load balancer's health checks come from the VPC
        env.put(EnvNames.HEALTH_ADDRESS, "0.0.0.0:" + HEALTH_PORT);
        env.put("JAVA_OPTS", "-XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError");
        return env;
    }

    /**
     * Amazon Linux 2023: Corretto 21 and the CloudWatch agent from the distribution's repositories; the worker service
     * from the asset, installed by its own install.sh (user, jar, unit) with the environment written first; its
     * stdout (JSON logs and EMF lines) to a file that the agent ships to the fleet's log group, where the EMF lines
     * become the same metrics as the function's.
     */
    private static UserData userData(Asset distribution, Map<String, String> environment, LogGroup logs) {
        UserData data = UserData.forLinux();
        data.addCommands(
                "set -euo pipefail", "dnf install -y java-21-amazon-corretto-headless amazon-cloudwatch-agent unzip");
        String zip = data.addS3DownloadCommand(S3DownloadOptions.builder()
                .bucket(distribution.getBucket())
                .bucketKey(distribution.getS3ObjectKey())
                .localFile("/tmp/message-export-dist.zip")
                .build());
        StringBuilder env = new StringBuilder();
        environment.forEach((k, v) -> env.append(k).append('=').append(v).append('\n'));
        String agentConfig = "{\"logs\":{\"logs_collected\":{\"files\":{\"collect_list\":[{\"file_path\":\"" + LOG_FILE
                + "\",\"log_group_name\":\"" + logs.getLogGroupName()
                + "\",\"log_stream_name\":\"{instance_id}\"}]}}}}";
        data.addCommands(
                "rm -rf /opt/message-export-dist && mkdir -p /opt/message-export-dist",
                "unzip -q " + zip + " -d /opt/message-export-dist",
                "install -d -m 0750 /etc/message-export",
                "cat > /etc/message-export/message-export.env <<'ENV'\n" + env + "ENV",
                "chmod 0640 /etc/message-export/message-export.env",
                "install -d -m 0755 /etc/systemd/system/message-export-worker.service.d /var/log/message-export",
                "cat > /etc/systemd/system/message-export-worker.service.d/fleet.conf <<'UNIT'\n[Service]\nStandardOutput=append:"
                        + LOG_FILE + "\nStandardError=inherit\nUNIT",
                "cat > /opt/aws/amazon-cloudwatch-agent/etc/message-export.json <<'AGENT'\n" + agentConfig + "\nAGENT",
                "/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s"
                        + " -c file:/opt/aws/amazon-cloudwatch-agent/etc/message-export.json",
                "bash /opt/message-export-dist/install.sh --worker-only --jar /opt/message-export-dist/worker-service.jar");
        return data;
    }

    /** Internal, in the functions' subnets: health checks of the instances, and their status for operators. */
    private ApplicationLoadBalancer statusLoadBalancer(Props props, ExportSettings.Fleet fleet) {
        ISecurityGroup group = SecurityGroup.Builder.create(this, "StatusSecurityGroup")
                .vpc(props.network().vpc())
                .description(
                        "Message export worker status load balancer: operators in, health port of the instances out")
                .allowAllOutbound(false)
                .build();
        ApplicationLoadBalancer alb = ApplicationLoadBalancer.Builder.create(this, "Status")
                .vpc(props.network().vpc())
                .vpcSubnets(props.network().subnets())
                .internetFacing(false)
                .securityGroup(group)
                .dropInvalidHeaderFields(true)
                .build();
        boolean https = fleet.statusCertificateArn().isPresent();
        BaseApplicationListenerProps.Builder listener = BaseApplicationListenerProps.builder()
                .port(https ? 443 : 80)
                .protocol(https ? ApplicationProtocol.HTTPS : ApplicationProtocol.HTTP)
                // no 0.0.0.0/0: only the configured networks (fleetStatusCidrs)
                .open(false);
        fleet.statusCertificateArn()
                .ifPresent(arn -> listener.certificates(List.of(ListenerCertificate.fromArn(arn)))
                        .sslPolicy(SslPolicy.RECOMMENDED_TLS));
        ApplicationListener status = alb.addListener("Listener", listener.build());
        for (String cidr : fleet.statusCidrs()) {
            alb.getConnections().allowFrom(Peer.ipv4(cidr), Port.tcp(https ? 443 : 80), "Operators' status reads");
        }
        status.addTargets(
                "Workers",
                AddApplicationTargetsProps.builder()
                        .port(HEALTH_PORT)
                        .protocol(ApplicationProtocol.HTTP)
                        .targets(List.of(this.group))
                        .deregistrationDelay(Duration.seconds(10))
                        .healthCheck(software.amazon.awscdk.services.elasticloadbalancingv2.HealthCheck.builder()
                                // live, not ready: a draining or queue-less worker is not broken
                                .path("/health/live")
                                .healthyHttpCodes("200")
                                .interval(Duration.seconds(30))
                                .build())
                        .build());
        return alb;
    }

    /**
     * Scale-out: step scaling on the backlog per instance in service, (visible + in-flight batches) ÷ instances. With
     * no instance in service the division means nothing, so the expression counts each waiting batch as a whole
     * instance's share (backlog × target): the first batch on an empty fleet crosses the threshold and starts an
     * instance. Scale-in: to zero, once the queue has held no batch, visible or in flight, for {@value
     * #EMPTY_MINUTES_BEFORE_ZERO} minutes; never while a batch is in flight, so no instance is stopped mid-job.
     */
    private void scaling(WorkQueue queue, ExportSettings.Fleet fleet) {
        MetricOptions perMinute = MetricOptions.builder()
                .period(Duration.minutes(1))
                .statistic("Maximum")
                .build();
        Map<String, IMetric> metrics = Map.of(
                "visible", queue.queue().metricApproximateNumberOfMessagesVisible(perMinute),
                "inflight", queue.queue().metricApproximateNumberOfMessagesNotVisible(perMinute),
                "instances",
                        Metric.Builder.create()
                                .namespace("AWS/AutoScaling")
                                .metricName("GroupInServiceInstances")
                                .dimensionsMap(Map.of("AutoScalingGroupName", group.getAutoScalingGroupName()))
                                .statistic("Maximum")
                                .period(Duration.minutes(1))
                                .build());
        String backlog = "(FILL(visible, 0) + FILL(inflight, 0))";
        int target = fleet.backlogPerInstance();
        MathExpression perInstance = MathExpression.Builder.create()
                .expression("IF(FILL(instances, 0) > 0, " + backlog + " / FILL(instances, 0), " + backlog + " * "
                        + target + ")")
                .usingMetrics(metrics)
                .label("Batches waiting or in flight per instance in service")
                .period(Duration.minutes(1))
                .build();
        StepScalingAction out = StepScalingAction.Builder.create(this, "ScaleOut")
                .autoScalingGroup(group)
                .adjustmentType(AdjustmentType.CHANGE_IN_CAPACITY)
                .metricAggregationType(MetricAggregationType.MAXIMUM)
                .estimatedInstanceWarmup(WARMUP)
                .build();
        // bounds are relative to the threshold (the target): [1x, 2x) +1, [2x, 4x) +2, 4x and more +4
        out.addAdjustment(adjustment(0.0, (double) target, 1));
        out.addAdjustment(adjustment((double) target, 3.0 * target, 2));
        out.addAdjustment(adjustment(3.0 * target, null, 4));
        Alarm.Builder.create(this, "BacklogPerInstanceHigh")
                .alarmDescription("The worker fleet has more than " + target
                        + " batches per instance in service (or a batch and no instance): add instances")
                .metric(perInstance)
                .threshold(target)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .evaluationPeriods(1)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build()
                .addAlarmAction(new AutoScalingAction(out));

        StepScalingAction toZero = StepScalingAction.Builder.create(this, "ScaleToZero")
                .autoScalingGroup(group)
                .adjustmentType(AdjustmentType.EXACT_CAPACITY)
                .build();
        toZero.addAdjustment(adjustment(null, 0.0, 0));
        Alarm.Builder.create(this, "QueueEmpty")
                .alarmDescription("No batch waiting or in flight for " + EMPTY_MINUTES_BEFORE_ZERO
                        + " minutes: the worker fleet goes back to zero")
                .metric(MathExpression.Builder.create()
                        .expression(backlog)
                        .usingMetrics(Map.of("visible", metrics.get("visible"), "inflight", metrics.get("inflight")))
                        .label("Batches waiting or in flight")
                        .period(Duration.minutes(1))
                        .build())
                .threshold(0)
                .comparisonOperator(ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD)
                .evaluationPeriods(EMPTY_MINUTES_BEFORE_ZERO)
                // an idle queue may stop reporting: no data is an empty queue
                .treatMissingData(TreatMissingData.BREACHING)
                .build()
                .addAlarmAction(new AutoScalingAction(toZero));
    }

    private static AdjustmentTier adjustment(Double lower, Double upper, int change) {
        AdjustmentTier.Builder tier = AdjustmentTier.builder().adjustment(change);
        if (lower != null) {
            tier.lowerBound(lower);
        }
        if (upper != null) {
            tier.upperBound(upper);
        }
        return tier.build();
    }

    private static String[] grantWildcards(String keyPrefix) {
        List<String> patterns = new ArrayList<>(List.of(
                JavaFunction.grantedObjectsPattern(keyPrefix),
                "^Action::s3:(Abort|GetObject|GetBucket|List)\\*$",
                "^Action::kms:(GenerateDataKey|ReEncrypt)\\*$",
                "^Resource::arn:<AWS::Partition>:s3:::cdk-[a-z0-9]+-assets-<AWS::AccountId>-<AWS::Region>/\\*$",
                FunctionAccess.SEARCH_DOMAIN_PATHS));
        return patterns.toArray(String[]::new);
    }

    /** What the instances' environment file holds (tokens resolve at deployment). */
    public Map<String, String> environment() {
        return environment;
    }
}
