package org.messageexport.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.messageexport.infra.TemplateJson.asList;
import static org.messageexport.infra.TemplateJson.map;
import static org.messageexport.infra.TemplateJson.properties;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.messageexport.config.EnvNames;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;

/** The optional shapes: a KMS-encrypted bucket, an existing bucket, tracing and a disabled schedule. */
class StackVariantsTest {
    private static final String WORKER = "org.messageexport.worker.ExportBatchHandler::handleRequest";

    private static void assertNoNagErrors(TestApps.Synthesized synthesized) {
        assertThat(Annotations.fromStack(synthesized.stack()).findError("*", Match.stringLikeRegexp("AwsSolutions-.*")))
                .extracting(m -> m.getId() + " " + m.getEntry().getData())
                .isEmpty();
    }

    private static Set<Object> resourcesFor(TemplateJson json, String functionId, String action) {
        return json.statementsOf(json.roleOf(functionId)).stream()
                .filter(s -> asList(s.get("Action")).contains(action))
                .flatMap(s -> asList(s.get("Resource")).stream())
                .collect(Collectors.toSet());
    }

    @Test
    void kmsBucket_createsARotatingKey_tellsTheWorker_andGrantsItTheKey() {
        TestApps.Synthesized synthesized = TestApps.variant("kms-bucket");
        TemplateJson json = new TemplateJson(synthesized.json());
        String key = json.ofType("AWS::KMS::Key").entrySet().stream()
                .filter(e -> "Encrypts the exported messages"
                        .equals(properties(e.getValue()).get("Description")))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow();
        synthesized
                .template()
                .hasResourceProperties(
                        "AWS::KMS::Key",
                        Map.of("Description", "Encrypts the exported messages", "EnableKeyRotation", true));
        synthesized
                .template()
                .hasResourceProperties(
                        "AWS::S3::Bucket",
                        Map.of(
                                "BucketEncryption",
                                        Map.of(
                                                "ServerSideEncryptionConfiguration",
                                                List.of(Map.of(
                                                        "BucketKeyEnabled",
                                                        true,
                                                        "ServerSideEncryptionByDefault",
                                                        Map.of(
                                                                "SSEAlgorithm",
                                                                "aws:kms",
                                                                "KMSMasterKeyID",
                                                                Map.of("Fn::GetAtt", List.of(key, "Arn")))))),
                                "VersioningConfiguration", Map.of("Status", "Enabled")));

        String worker = json.functionWithHandler(WORKER);
        Map<String, Object> env =
                map(map(properties(map(json.resources().get(worker))).get("Environment"))
                        .get("Variables"));
        assertThat(env)
                .containsEntry(EnvNames.S3_SSE, "aws:kms")
                .containsEntry(EnvNames.S3_KMS_KEY_ID, Map.of("Fn::GetAtt", List.of(key, "Arn")));
        assertThat(resourcesFor(json, worker, "kms:GenerateDataKey"))
                .containsExactly(Map.of("Fn::GetAtt", List.of(key, "Arn")));
        assertThat(json.statementsOf(json.roleOf(worker)))
                .flatExtracting(st -> asList(st.get("Action")))
                .as("a PUT needs GenerateDataKey, nothing wider")
                .noneMatch(a -> ((String) a).startsWith("kms:") && !a.equals("kms:GenerateDataKey"));
        assertNoNagErrors(synthesized);
    }

    @Test
    void existingBucket_isUsedByName_withoutCreatingOne_andGrantsScopeToIt() {
        TestApps.Synthesized synthesized = TestApps.variant("existing-bucket");
        TemplateJson json = new TemplateJson(synthesized.json());
        assertThat(json.ofType("AWS::S3::Bucket")).isEmpty();
        String worker = json.functionWithHandler(WORKER);
        Map<String, Object> env =
                map(map(properties(map(json.resources().get(worker))).get("Environment"))
                        .get("Variables"));
        assertThat(env)
                .containsEntry(EnvNames.BUCKET, "corp-message-archive")
                .containsEntry(EnvNames.KEY_PREFIX, "exports/messages");
        assertThat(resourcesFor(json, worker, "s3:PutObject"))
                .containsExactly(Map.of(
                        "Fn::Join",
                        List.of(
                                "",
                                List.of(
                                        "arn:",
                                        Map.of("Ref", "AWS::Partition"),
                                        ":s3:::corp-message-archive/exports/messages/*"))));
        assertNoNagErrors(synthesized);
    }

    @Test
    void tracingAndDisabledSchedule_areHonoured() {
        TestApps.Synthesized synthesized = TestApps.variant("tracing-disabled-schedule");
        synthesized
                .template()
                .hasResourceProperties(
                        "AWS::StepFunctions::StateMachine", Map.of("TracingConfiguration", Map.of("Enabled", true)));
        synthesized
                .template()
                .hasResourceProperties(
                        "AWS::Lambda::Function", Map.of("Handler", WORKER, "TracingConfig", Map.of("Mode", "Active")));
        synthesized
                .template()
                .hasResourceProperties(
                        "AWS::Events::Rule", Map.of("ScheduleExpression", "rate(6 hours)", "State", "DISABLED"));
        assertNoNagErrors(synthesized);
    }

    @Test
    void serviceSecurityGroups_admitEveryFunctionGroup_beforeTheMigrationRuns_andPlainHttpIsOptIn() {
        TestApps.Synthesized synthesized = TestApps.variant("service-groups-plain-http");
        TemplateJson json = new TemplateJson(synthesized.json());
        Map<String, Map<String, Object>> ingress = json.ofType("AWS::EC2::SecurityGroupIngress");
        Set<List<Object>> rules = ingress.values().stream()
                .map(TemplateJson::properties)
                .map(p -> List.of(p.get("GroupId"), p.get("SourceSecurityGroupId"), p.get("FromPort"), p.get("ToPort")))
                .collect(Collectors.toSet());
        assertThat(rules)
                .containsExactlyInAnyOrder(
                        List.of("sg-0aaaaaaaaaaaaaaa1", "sg-0123456789abcdef0", 3307, 3307),
                        List.of("sg-0aaaaaaaaaaaaaaa1", "sg-0fedcba9876543210", 3307, 3307),
                        List.of("sg-0bbbbbbbbbbbbbbb2", "sg-0123456789abcdef0", 9200, 9200),
                        List.of("sg-0bbbbbbbbbbbbbbb2", "sg-0fedcba9876543210", 9200, 9200));
        assertThat(ingress.values())
                .allSatisfy(rule -> assertThat(properties(rule)).containsEntry("IpProtocol", "tcp"));
        String trigger = json.ofType("Custom::Trigger").keySet().iterator().next();
        assertThat(new DependencyGraph(synthesized.json()).prerequisites(trigger))
                .as("the migration reaches MySQL through the new rules")
                .containsAll(ingress.keySet());
        assertThat(json.ofType("AWS::EC2::SecurityGroup"))
                .as("the given function groups are used")
                .isEmpty();

        json.ofType("AWS::Lambda::Function").forEach((id, function) -> {
            if (id.startsWith("AWSCDKTrigger")) {
                return;
            }
            Map<String, Object> env =
                    map(map(properties(function).get("Environment")).get("Variables"));
            if (env.containsKey(EnvNames.ES_URL)) {
                assertThat(env).as(id).containsEntry(EnvNames.ES_ALLOW_PLAIN_HTTP, "true");
            } else {
                assertThat(env).as(id).doesNotContainKey(EnvNames.ES_ALLOW_PLAIN_HTTP);
            }
        });
        assertNoNagErrors(synthesized);
    }

    @Test
    void openSearchDomain_signsWithTheRole_readOnlyOnThatDomain_andNoSecret() {
        TestApps.Synthesized synthesized = TestApps.variant("opensearch-sigv4");
        TemplateJson json = new TemplateJson(synthesized.json());
        String domain = TestApps.OPENSEARCH_DOMAIN;
        int readers = 0;
        for (var e : json.ofType("AWS::Lambda::Function").entrySet()) {
            Object environment = properties(e.getValue()).get("Environment");
            Map<String, Object> env =
                    environment == null ? Map.of() : map(map(environment).get("Variables"));
            if (!env.containsKey(EnvNames.ES_URL)) {
                assertThat(json.statementsOf(json.roleOf(e.getKey())))
                        .as("%s uses no search cluster and gets no es: action", e.getKey())
                        .noneMatch(st -> asList(st.get("Action")).stream()
                                .anyMatch(a -> a.toString().startsWith("es:")));
                continue;
            }
            readers++;
            assertThat(env)
                    .as(e.getKey())
                    .containsEntry(EnvNames.SEARCH_ENGINE, "opensearch")
                    .containsEntry(EnvNames.SEARCH_AUTH, "sigv4")
                    .containsEntry(EnvNames.SEARCH_SIGV4_SERVICE, "es")
                    .containsEntry(EnvNames.SEARCH_REGION, "eu-west-1")
                    .doesNotContainKey(EnvNames.ES_SECRET_ARN);
            assertThat(resourcesFor(json, e.getKey(), "es:ESHttpGet")).containsExactlyInAnyOrder(domain, domain + "/*");
            assertThat(resourcesFor(json, e.getKey(), "es:ESHttpPost"))
                    .containsExactlyInAnyOrder(domain, domain + "/*");
            assertThat(resourcesFor(json, e.getKey(), "es:ESHttpDelete"))
                    .as("closing a point in time, nothing else")
                    .containsExactly(domain + "/_search/point_in_time");
            assertThat(json.statementsOf(json.roleOf(e.getKey())))
                    .as("no other es: action, no wildcard action, no secret read")
                    .allSatisfy(st -> {
                        assertThat(asList(st.get("Action")))
                                .noneMatch(a -> a.toString().equals("es:*")
                                        || a.toString().equals("*"))
                                .doesNotContain("es:ESHttpPut", "es:ESHttpPatch");
                        assertThat(asList(st.get("Resource"))).doesNotContain("*");
                    });
        }
        assertThat(readers)
                .as("the extract task and the worker read the domain")
                .isGreaterThanOrEqualTo(2);
        assertNoNagErrors(synthesized);
    }
}
