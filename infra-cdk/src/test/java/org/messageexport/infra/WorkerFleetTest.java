package org.messageexport.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.messageexport.infra.TemplateJson.asList;
import static org.messageexport.infra.TemplateJson.list;
import static org.messageexport.infra.TemplateJson.map;
import static org.messageexport.infra.TemplateJson.properties;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.messageexport.config.EnvNames;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;

/**
 * workerMode=fleet: the worker service on an Auto Scaling group that follows the queue, behind an internal status load
 * balancer, with the worker function's environment and grants; and the default mode without any of it.
 */
class WorkerFleetTest {
    private static final String WORKER = "org.messageexport.worker.ExportBatchHandler::handleRequest";
    private static final String OPERATORS = "10.20.0.0/16";

    private static TestApps.Synthesized fleet;

    private static synchronized TestApps.Synthesized fleet() {
        if (fleet == null) {
            fleet = TestApps.synthesize(Map.of("workerMode", "fleet", "fleetStatusCidrs", OPERATORS));
        }
        return fleet;
    }

    private final TemplateJson json = new TemplateJson(fleet().json());
    private final TemplateJson lambda = new TemplateJson(TestApps.defaults().json());

    private String only(TemplateJson t, String type) {
        Map<String, Map<String, Object>> found = t.ofType(type);
        assertThat(found).as(type).hasSize(1);
        return found.keySet().iterator().next();
    }

    private Map<String, Object> props(String id) {
        return properties(map(json.resources().get(id)));
    }

    /** The text of the launch template's user data, its tokens (Ref, GetAtt …) left as JSON. */
    private String userData() {
        Map<String, Object> data =
                map(map(props(only(json, "AWS::EC2::LaunchTemplate")).get("LaunchTemplateData"))
                        .get("UserData"));
        StringBuilder text = new StringBuilder();
        Object joined = map(data.get("Fn::Base64")).get("Fn::Join");
        for (Object part : list(list(joined).get(1))) {
            text.append(
                    part instanceof String s
                            ? s
                            : TestApps.JSON.valueToTree(part).toString());
        }
        return text.toString();
    }

    /** (action, resource) pairs of a role's policies. */
    private static Set<List<Object>> grants(TemplateJson t, String roleId) {
        Set<List<Object>> pairs = new HashSet<>();
        for (Map<String, Object> statement : t.statementsOf(roleId)) {
            assertThat(statement.get("Effect")).isEqualTo("Allow");
            for (Object action : asList(statement.get("Action"))) {
                for (Object resource : asList(statement.get("Resource"))) {
                    pairs.add(List.of(action, resource));
                }
            }
        }
        return pairs;
    }

    private String instanceRole() {
        return json.ofType("AWS::IAM::Role").entrySet().stream()
                .filter(e -> props(e.getKey())
                        .get("AssumeRolePolicyDocument")
                        .toString()
                        .contains("ec2.amazonaws.com"))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void fleetMode_replacesTheWorkerFunctionAndItsEventSource() {
        assertThat(json.ofType("AWS::Lambda::Function").values())
                .noneMatch(f -> WORKER.equals(properties(f).get("Handler")));
        assertThat(json.ofType("AWS::Lambda::EventSourceMapping")).isEmpty();
        assertThat(props(only(json, "AWS::AutoScaling::AutoScalingGroup")))
                .containsEntry("MinSize", "0")
                .containsEntry("MaxSize", "2")
                .doesNotContainKey("DesiredCapacity")
                .containsEntry("HealthCheckType", "ELB");
    }

    @Test
    void lambdaMode_theDefault_hasNoFleet() {
        assertThat(lambda.ofType("AWS::AutoScaling::AutoScalingGroup")).isEmpty();
        assertThat(lambda.ofType("AWS::EC2::LaunchTemplate")).isEmpty();
        assertThat(lambda.ofType("AWS::ElasticLoadBalancingV2::LoadBalancer")).isEmpty();
        assertThat(lambda.ofType("AWS::Lambda::EventSourceMapping")).hasSize(1);
    }

    @Test
    void instances_runAmazonLinux2023OnArm64_withImdsv2AndAnEncryptedDisk() {
        Map<String, Object> data =
                map(props(only(json, "AWS::EC2::LaunchTemplate")).get("LaunchTemplateData"));
        String imageParameter = (String) map(data.get("ImageId")).get("Ref");
        assertThat(map(fleet().json().get("Parameters")).get(imageParameter))
                .extracting(p -> map(p).get("Default"))
                .asString()
                .matches("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-[0-9a-z.]+-arm64");
        assertThat(data).containsEntry("InstanceType", "c7g.large");
        assertThat(map(data.get("MetadataOptions")))
                .containsEntry("HttpTokens", "required")
                .containsEntry("HttpEndpoint", "enabled")
                .containsEntry("HttpPutResponseHopLimit", 1);
        assertThat(list(data.get("BlockDeviceMappings")))
                .singleElement()
                .satisfies(b -> assertThat(map(map(b).get("Ebs")))
                        .containsEntry("Encrypted", true)
                        .containsEntry("VolumeType", "gp3"));
    }

    @Test
    void instances_installCorretto21AndTheWorkerServiceFromTheAsset_withTheServerUnit() {
        String userData = userData();

        assertThat(userData)
                .contains("dnf install -y java-21-amazon-corretto-headless amazon-cloudwatch-agent unzip")
                .contains("aws s3 cp 's3://")
                .contains("cdk-hnb659fds-assets-")
                .contains("bash /opt/message-export-dist/install.sh --worker-only")
                .contains("cat > /etc/message-export/message-export.env <<'ENV'")
                .contains("StandardOutput=append:" + WorkerFleet.LOG_FILE);
        assertThat(userData.indexOf("message-export.env <<'ENV'"))
                .as("the environment is written before install.sh starts the worker")
                .isLessThan(userData.indexOf("install.sh --worker-only"));
    }

    @Test
    void instances_getTheWorkerFunctionsEnvironment_theQueue_andTheEventSourcesSettings() throws Exception {
        Set<String> declared = new HashSet<>(List.of("AWS_REGION", "JAVA_OPTS"));
        for (Field field : EnvNames.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                declared.add((String) field.get(null));
            }
        }
        Map<String, String> env = fleet().stack().fleet().orElseThrow().environment();
        Map<String, Object> functionEnv =
                map(map(properties(map(lambda.resources().get(lambda.functionWithHandler(WORKER))))
                                .get("Environment"))
                        .get("Variables"));

        assertThat(env.keySet()).isSubsetOf(declared).containsAll(functionEnv.keySet());
        assertThat(env)
                .containsKeys(EnvNames.QUEUE_URL, EnvNames.ES_SECRET_ARN, EnvNames.DB_SECRET_ARN, "AWS_REGION")
                .containsEntry(EnvNames.WORKER_CONCURRENCY, "2")
                .containsEntry(EnvNames.WORKER_BATCH_TIMEOUT, "PT300S")
                .containsEntry(EnvNames.HEALTH_ADDRESS, "0.0.0.0:" + WorkerFleet.HEALTH_PORT)
                .containsEntry(EnvNames.MAX_RECEIVE_COUNT, "5");
        String userData = userData();
        env.keySet().forEach(name -> assertThat(userData).contains("\n" + name + "="));
    }

    @Test
    void instanceRole_hasTheWorkerFunctionsGrants_plusTheDistributionAndItsLogs() {
        Set<List<Object>> function = grants(lambda, lambda.roleOf(lambda.functionWithHandler(WORKER)));
        Set<List<Object>> instances = grants(json, instanceRole());

        assertThat(function).isNotEmpty();
        assertThat(instances).containsAll(function);
        List<Object> extra = new ArrayList<>(instances);
        extra.removeAll(function);
        assertThat(extra)
                .extracting(pair -> (String) ((List<?>) pair).getFirst())
                .allMatch(action ->
                        action.startsWith("s3:Get") || action.startsWith("s3:List") || action.startsWith("logs:"));
        assertThat(instances).doesNotContain(List.of("sqs:SendMessage", Match.anyValue()));
        assertThat(instances).noneMatch(pair -> "*".equals(pair.get(1)));
    }

    @Test
    void scaling_growsOnTheBacklogPerInstance_evenFromZero_andReturnsToZeroWhenTheQueueIsEmpty() {
        String group = only(json, "AWS::AutoScaling::AutoScalingGroup");
        assertThat(list(props(group).get("MetricsCollection")))
                .singleElement()
                .satisfies(m -> assertThat(list(map(m).get("Metrics"))).containsExactly("GroupInServiceInstances"));

        Map<String, Object> high = alarmWith("GreaterThanOrEqualToThreshold");
        assertThat(high).containsEntry("Threshold", 60).containsEntry("EvaluationPeriods", 1);
        assertThat(expressions(high))
                .contains("IF(FILL(instances, 0) > 0, (FILL(visible, 0) + FILL(inflight, 0)) / FILL(instances, 0),"
                        + " (FILL(visible, 0) + FILL(inflight, 0)) * 60)");
        Map<String, Object> out = policyOf(high);
        assertThat(out).containsEntry("AdjustmentType", "ChangeInCapacity").containsEntry("PolicyType", "StepScaling");
        assertThat(list(out.get("StepAdjustments")))
                .extracting(a -> map(a).get("ScalingAdjustment"))
                .containsExactlyInAnyOrder(1, 2, 4);

        Map<String, Object> empty = alarmWith("LessThanOrEqualToThreshold");
        assertThat(empty)
                .containsEntry("Threshold", 0)
                .containsEntry("EvaluationPeriods", WorkerFleet.EMPTY_MINUTES_BEFORE_ZERO)
                .containsEntry("TreatMissingData", "breaching");
        assertThat(expressions(empty)).contains("(FILL(visible, 0) + FILL(inflight, 0))");
        Map<String, Object> toZero = policyOf(empty);
        assertThat(toZero).containsEntry("AdjustmentType", "ExactCapacity");
        assertThat(list(toZero.get("StepAdjustments")))
                .singleElement()
                .satisfies(a -> assertThat(map(a))
                        .containsEntry("ScalingAdjustment", 0)
                        .containsEntry("MetricIntervalUpperBound", 0));
    }

    private Map<String, Object> alarmWith(String comparison) {
        return json.ofType("AWS::CloudWatch::Alarm").values().stream()
                .map(TemplateJson::properties)
                .filter(p -> comparison.equals(p.get("ComparisonOperator")) && p.containsKey("Metrics"))
                .filter(p -> expressions(p).stream().anyMatch(e -> e.contains("FILL(visible")))
                .findFirst()
                .orElseThrow();
    }

    private static List<String> expressions(Map<String, Object> alarm) {
        return list(alarm.get("Metrics")).stream()
                .map(m -> (String) map(m).get("Expression"))
                .filter(e -> e != null)
                .toList();
    }

    private Map<String, Object> policyOf(Map<String, Object> alarm) {
        String policy = (String) map(list(alarm.get("AlarmActions")).getFirst()).get("Ref");
        assertThat(props(policy).get("AutoScalingGroupName"))
                .isEqualTo(Map.of("Ref", only(json, "AWS::AutoScaling::AutoScalingGroup")));
        return props(policy);
    }

    @Test
    void statusLoadBalancer_isInternal_checksTheLiveEndpoint_andOpensOnlyToTheConfiguredNetworks() {
        assertThat(props(only(json, "AWS::ElasticLoadBalancingV2::LoadBalancer")))
                .containsEntry("Scheme", "internal");
        assertThat(props(only(json, "AWS::ElasticLoadBalancingV2::TargetGroup")))
                .containsEntry("Port", WorkerFleet.HEALTH_PORT)
                .containsEntry("HealthCheckPath", "/health/live")
                .containsEntry("TargetType", "instance");
        assertThat(props(only(json, "AWS::ElasticLoadBalancingV2::Listener")))
                .containsEntry("Port", 80)
                .containsEntry("Protocol", "HTTP");
        List<Map<String, Object>> ingress = new ArrayList<>();
        json.ofType("AWS::EC2::SecurityGroup").values().forEach(g -> {
            Object rules = properties(g).get("SecurityGroupIngress");
            if (rules != null) {
                list(rules).forEach(r -> ingress.add(map(r)));
            }
        });
        json.ofType("AWS::EC2::SecurityGroupIngress").values().forEach(r -> ingress.add(properties(r)));
        assertThat(ingress).noneMatch(r -> "0.0.0.0/0".equals(r.get("CidrIp")));
        assertThat(ingress)
                .filteredOn(r -> r.containsKey("CidrIp"))
                .singleElement()
                .satisfies(r -> assertThat(r).containsEntry("CidrIp", OPERATORS).containsEntry("FromPort", 80));
        assertThat(ingress)
                .filteredOn(r -> r.containsKey("SourceSecurityGroupId"))
                .singleElement()
                .satisfies(r -> assertThat(r).containsEntry("FromPort", WorkerFleet.HEALTH_PORT));
    }

    @Test
    void instances_joinTheFunctionsGroups_withoutAnyRuleAddedToThem() {
        TestApps.Synthesized given = TestApps.synthesize(
                Map.of("workerMode", "fleet", "securityGroupIds", "sg-0123456789abcdef0,sg-0fedcba9876543210"));
        TemplateJson t = new TemplateJson(given.json());
        Map<String, Object> data = map(properties(
                        t.ofType("AWS::EC2::LaunchTemplate").values().iterator().next())
                .get("LaunchTemplateData"));

        assertThat(list(data.get("SecurityGroupIds")))
                .hasSize(3)
                .contains("sg-0123456789abcdef0", "sg-0fedcba9876543210");
        assertThat(t.ofType("AWS::EC2::SecurityGroupIngress").values())
                .noneMatch(r -> properties(r).get("GroupId").toString().startsWith("sg-"));
        assertThat(t.ofType("AWS::EC2::SecurityGroupEgress").values())
                .noneMatch(r -> properties(r).get("GroupId").toString().startsWith("sg-"));
    }

    @Test
    void outputs_theStatusUrlAndTheGroup() {
        Map<String, Object> outputs = map(fleet().json().get("Outputs"));
        assertThat(outputs).containsKeys("WorkerStatusUrl", "WorkerFleetGroupName");
        assertThat(TestApps.JSON.valueToTree(outputs.get("WorkerStatusUrl")).toString())
                .contains("http://")
                .contains("/health/ready");
    }

    @Test
    void theMigrations_runBeforeTheFleetStarts() {
        String trigger = only(json, "Custom::Trigger");
        assertThat(list(map(json.resources().get(only(json, "AWS::AutoScaling::AutoScalingGroup")))
                        .get("DependsOn")))
                .contains(trigger);
    }

    @Test
    void fleetMode_isCdkNagClean_withOnlyTheExplainedSuppressions() {
        assertThat(Annotations.fromStack(fleet().stack()).findError("*", Match.stringLikeRegexp("AwsSolutions-.*")))
                .extracting(m -> m.getId() + " " + m.getEntry().getData())
                .isEmpty();
        List<String> ids = new ArrayList<>();
        json.resources().values().forEach(resource -> {
            Object metadata = map(resource).get("Metadata");
            if (metadata != null && map(metadata).get("cdk_nag") != null) {
                list(map(map(metadata).get("cdk_nag")).get("rules_to_suppress"))
                        .forEach(rule -> ids.add((String) map(rule).get("id")));
            }
        });
        assertThat(ids)
                .contains("AwsSolutions-AS3", "AwsSolutions-ELB2")
                .containsOnly(
                        "AwsSolutions-IAM4",
                        "AwsSolutions-IAM5",
                        "AwsSolutions-L1",
                        "AwsSolutions-S1",
                        "AwsSolutions-SF2",
                        "AwsSolutions-AS3",
                        "AwsSolutions-ELB2");
    }

    @Test
    void anHttpsListener_withACertificate() {
        TestApps.Synthesized https = TestApps.synthesize(Map.of(
                "workerMode",
                "fleet",
                "fleetStatusCertificateArn",
                "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-0000-1111-2222-333344445555"));
        https.template()
                .hasResourceProperties(
                        "AWS::ElasticLoadBalancingV2::Listener",
                        Map.of(
                                "Port",
                                443,
                                "Protocol",
                                "HTTPS",
                                "Certificates",
                                List.of(
                                        Map.of(
                                                "CertificateArn",
                                                "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-0000-1111-2222-333344445555"))));
    }

    @Test
    void settings_failWithOneLineNamingTheKey() {
        assertThatThrownBy(() -> build(Map.of("fleetMaxInstances", 3)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage(
                        "Invalid context key 'fleetMaxInstances': only used with workerMode=fleet (workerMode is lambda)");
        assertThatThrownBy(() -> build(Map.of("workerMode", "fleet", "fleetInstanceType", "c7i.large")))
                .hasMessageStartingWith(
                        "Invalid context key 'fleetInstanceType': expected an arm64 (Graviton) instance type");
        assertThatThrownBy(() -> build(Map.of("workerMode", "fleet", "fleetStatusCidrs", "10.0.0.0")))
                .hasMessage(
                        "Invalid context key 'fleetStatusCidrs': expected IPv4 CIDR blocks like 10.0.0.0/16, got '10.0.0.0'");
        assertThatThrownBy(() -> build(Map.of("workerMode", "ec2")))
                .hasMessage("Invalid context key 'workerMode': expected one of [LAMBDA, FLEET], got 'ec2'");
        assertThatThrownBy(() -> build(Map.of("workerMode", "fleet", "serviceDist", "worker-service/target/nope")))
                .hasMessageStartingWith("Worker service distribution not found: ")
                .hasMessageContaining(
                        "(context key 'serviceDist'); build it first with: mvn -B -pl worker-service -am package")
                .hasMessageNotContaining("\n");
    }

    private static void build(Map<String, Object> overrides) {
        MessageExportApp.build(
                new App(AppProps.builder().context(TestApps.context(overrides)).build()), Map.of());
    }
}
