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
        TestApps.Synthesized synthesized = TestApps.synthesize(Map.of("bucketEncryption", "KMS"));
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
        assertThat(resourcesFor(json, worker, "kms:GenerateDataKey*"))
                .containsExactly(Map.of("Fn::GetAtt", List.of(key, "Arn")));
        assertNoNagErrors(synthesized);
    }

    @Test
    void existingBucket_isUsedByName_withoutCreatingOne_andGrantsScopeToIt() {
        TestApps.Synthesized synthesized =
                TestApps.synthesize(Map.of("bucketName", "corp-message-archive", "keyPrefix", "exports/messages"));
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
        TestApps.Synthesized synthesized = TestApps.synthesize(
                Map.of("tracing", true, "scheduleEnabled", false, "scheduleExpression", "rate(6 hours)"));
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
}
