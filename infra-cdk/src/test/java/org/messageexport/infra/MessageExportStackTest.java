package org.messageexport.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.messageexport.infra.TemplateJson.asList;
import static org.messageexport.infra.TemplateJson.list;
import static org.messageexport.infra.TemplateJson.map;
import static org.messageexport.infra.TemplateJson.properties;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.messageexport.config.EnvNames;
import org.messageexport.config.StateMachineTask;
import org.messageexport.domain.ObjectKeyScheme;
import org.messageexport.observability.Metrics;
import org.messageexport.observability.ScheduleMetrics;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The stack synthesized from cdk.json's context, as {@code cdk synth} produces it. */
class MessageExportStackTest {
    private static final String DB_SECRET = (String) TestApps.REQUIRED.get("dbSecretArn");
    private static final String ES_SECRET = (String) TestApps.REQUIRED.get("esSecretArn");
    private static final String WORKER = "org.messageexport.worker.ExportBatchHandler::handleRequest";
    private static final String MIGRATE = "org.messageexport.extractor.MigrateDatabaseHandler::handleRequest";

    private final Template template = TestApps.defaults().template();
    private final TemplateJson json = new TemplateJson(TestApps.defaults().json());

    private String onlyResource(String type) {
        Map<String, Map<String, Object>> found = json.ofType(type);
        assertThat(found).hasSize(1);
        return found.keySet().iterator().next();
    }

    private String queueId() {
        return json.ofType("AWS::SQS::Queue").entrySet().stream()
                .filter(e -> properties(e.getValue()).containsKey("RedrivePolicy"))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow();
    }

    private String deadLetterQueueId() {
        return json.ofType("AWS::SQS::Queue").keySet().stream()
                .filter(id -> !id.equals(queueId()))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void workQueue_redrivesToTheDeadLetterQueue_andHidesBatchesForSixWorkerTimeouts() {
        template.hasResourceProperties(
                "AWS::SQS::Queue",
                Map.of(
                        "RedrivePolicy",
                        Map.of(
                                "deadLetterTargetArn",
                                Map.of("Fn::GetAtt", List.of(deadLetterQueueId(), "Arn")),
                                "maxReceiveCount",
                                5),
                        // 6 x workerTimeoutSeconds (300) + workerBatchingWindowSeconds (5)
                        "VisibilityTimeout",
                        1805,
                        "SqsManagedSseEnabled",
                        true));
        template.hasResource(
                "AWS::SQS::Queue",
                Map.of("Properties", Map.of("MessageRetentionPeriod", 14 * 24 * 3600, "SqsManagedSseEnabled", true)));
    }

    @Test
    void queues_refusePlainHttp() {
        Map<String, Map<String, Object>> policies = json.ofType("AWS::SQS::QueuePolicy");
        assertThat(policies).hasSize(2);
        for (Map<String, Object> policy : policies.values()) {
            List<Object> statements =
                    list(map(properties(policy).get("PolicyDocument")).get("Statement"));
            assertThat(statements)
                    .anySatisfy(statement -> assertThat(map(statement))
                            .containsEntry("Effect", "Deny")
                            .containsEntry("Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false"))));
        }
    }

    @Test
    void workerEventSource_reportsItemFailures_capsConcurrency_andInvokesTheAlias() {
        String worker = json.functionWithHandler(WORKER);
        template.hasResourceProperties(
                "AWS::Lambda::EventSourceMapping",
                Map.of(
                        "EventSourceArn", Map.of("Fn::GetAtt", List.of(queueId(), "Arn")),
                        "FunctionResponseTypes", List.of("ReportBatchItemFailures"),
                        "ScalingConfig", Map.of("MaximumConcurrency", 4),
                        "BatchSize", 2,
                        "MaximumBatchingWindowInSeconds", 5,
                        "FunctionName",
                                Map.of(
                                        "Fn::Join",
                                        List.of(
                                                "",
                                                List.of(
                                                        Map.of(
                                                                "Fn::Select",
                                                                List.of(
                                                                        6,
                                                                        Map.of(
                                                                                "Fn::Split",
                                                                                List.of(
                                                                                        ":",
                                                                                        Map.of(
                                                                                                "Ref",
                                                                                                json.aliasOf(
                                                                                                        worker)))))),
                                                        ":" + JavaFunction.ALIAS_NAME)))));
    }

    @Test
    void everyFunction_isJava21OnArm64_inTheConfiguredSubnets() {
        String securityGroup = onlyResource("AWS::EC2::SecurityGroup");
        Set<String> handlers = new HashSet<>();
        json.ofType("AWS::Lambda::Function").forEach((id, function) -> {
            Map<String, Object> props = properties(function);
            if (id.startsWith("AWSCDKTrigger")) {
                return; // CDK's own trigger provider
            }
            handlers.add((String) props.get("Handler"));
            assertThat(props).containsEntry("Runtime", "java21").containsEntry("Architectures", List.of("arm64"));
            assertThat(props.get("VpcConfig"))
                    .isEqualTo(Map.of(
                            "SubnetIds", List.of("subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"),
                            "SecurityGroupIds", List.of(Map.of("Fn::GetAtt", List.of(securityGroup, "GroupId")))));
        });
        assertThat(handlers)
                .containsExactlyInAnyOrder(
                        "org.messageexport.extractor.PlanJobHandler::handleRequest",
                        "org.messageexport.extractor.ExtractPageHandler::handleRequest",
                        "org.messageexport.extractor.CheckProgressHandler::handleRequest",
                        "org.messageexport.extractor.FinalizeJobHandler::handleRequest",
                        "org.messageexport.extractor.MarkJobFailedHandler::handleRequest",
                        MIGRATE,
                        WORKER);
        template.hasResourceProperties(
                "AWS::EC2::SecurityGroup",
                Map.of(
                        "VpcId",
                        "vpc-0123456789abcdef0",
                        "SecurityGroupEgress",
                        List.of(Map.of("CidrIp", "0.0.0.0/0", "IpProtocol", "-1", "Description", Match.anyValue()))));
    }

    @Test
    void jobFunctions_useSnapStart_throughAnAliasOnAPublishedVersion() {
        for (StateMachineTask task : StateMachineTask.values()) {
            assertSnapStartAlias(json.functionWithHandler(task.lambdaHandler()));
        }
        assertSnapStartAlias(json.functionWithHandler(WORKER));
        assertThat(properties(map(json.resources().get(json.functionWithHandler(MIGRATE)))))
                .doesNotContainKey("SnapStart");
    }

    private void assertSnapStartAlias(String functionId) {
        assertThat(properties(map(json.resources().get(functionId))))
                .containsEntry("SnapStart", Map.of("ApplyOn", "PublishedVersions"));
        Map<String, Object> alias = properties(map(json.resources().get(json.aliasOf(functionId))));
        assertThat(alias).containsEntry("Name", "live");
        String versionId = (String)
                list(map(alias.get("FunctionVersion")).get("Fn::GetAtt")).get(0);
        Map<String, Object> version = map(json.resources().get(versionId));
        assertThat(version.get("Type")).isEqualTo("AWS::Lambda::Version");
        assertThat(properties(version).get("FunctionName")).isEqualTo(Map.of("Ref", functionId));
    }

    @Test
    void timeoutsAndMemory_comeFromTheContext_andExtractPageGetsFifteenMinutes() {
        assertThat(properties(map(
                        json.resources().get(json.functionWithHandler(StateMachineTask.EXTRACT_PAGE.lambdaHandler())))))
                .containsEntry("Timeout", 900)
                .containsEntry("MemorySize", 1024);
        assertThat(properties(
                        map(json.resources().get(json.functionWithHandler(StateMachineTask.PLAN_JOB.lambdaHandler())))))
                .containsEntry("Timeout", 120)
                .containsEntry("MemorySize", 1024);
        assertThat(properties(map(json.resources().get(json.functionWithHandler(WORKER)))))
                .containsEntry("Timeout", 300)
                .containsEntry("MemorySize", 2048);
    }

    @Test
    void environments_useOnlyDeclaredNames_andGiveEachFunctionWhatItNeeds() throws IllegalAccessException {
        Set<String> declared = new HashSet<>();
        for (Field field : EnvNames.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                declared.add((String) field.get(null));
            }
        }
        json.ofType("AWS::Lambda::Function").forEach((id, function) -> {
            if (!id.startsWith("AWSCDKTrigger")) {
                assertThat(environment(id).keySet()).isSubsetOf(declared);
            }
        });

        Map<String, Object> worker = environment(json.functionWithHandler(WORKER));
        assertThat(worker)
                .containsOnlyKeys(
                        EnvNames.ES_URL,
                        EnvNames.ES_SECRET_ARN,
                        EnvNames.DB_URL,
                        EnvNames.DB_SECRET_ARN,
                        EnvNames.REQUIRE_TLS,
                        EnvNames.BUCKET,
                        EnvNames.KEY_PREFIX,
                        EnvNames.S3_SSE,
                        EnvNames.MAX_RECEIVE_COUNT,
                        EnvNames.SEARCH_ENGINE);
        assertThat(worker)
                .containsEntry(EnvNames.BUCKET, Map.of("Ref", archiveBucketId()))
                .containsEntry(EnvNames.MAX_RECEIVE_COUNT, String.valueOf(redriveMaxReceiveCount()))
                .containsEntry(EnvNames.KEY_PREFIX, ObjectKeyScheme.DEFAULT_PREFIX)
                .containsEntry(EnvNames.S3_SSE, "AES256")
                .containsEntry(EnvNames.ES_URL, "https://search.internal:9200")
                .containsEntry(EnvNames.DB_SECRET_ARN, DB_SECRET);

        assertThat(environment(json.functionWithHandler(StateMachineTask.EXTRACT_PAGE.lambdaHandler())))
                .containsEntry(EnvNames.QUEUE_URL, Map.of("Ref", queueId()))
                .containsEntry(
                        EnvNames.QUEUE_VISIBILITY_TIMEOUT,
                        java.time.Duration.ofSeconds(queueVisibilitySeconds()).toString())
                .containsKeys(EnvNames.ES_URL, EnvNames.ES_SECRET_ARN, EnvNames.DB_URL, EnvNames.DB_SECRET_ARN)
                .doesNotContainKey(EnvNames.BUCKET);
        // the completeness proof counts the window in the index
        assertThat(environment(json.functionWithHandler(StateMachineTask.FINALIZE_JOB.lambdaHandler())))
                .containsKeys(EnvNames.BUCKET, EnvNames.KEY_PREFIX, EnvNames.S3_SSE, EnvNames.DB_URL, EnvNames.ES_URL)
                .doesNotContainKeys(EnvNames.QUEUE_URL);
        // stalled batches are sent again once they stayed so for the queue's visibility timeout
        assertThat(environment(json.functionWithHandler(StateMachineTask.CHECK_PROGRESS.lambdaHandler())))
                .containsEntry(EnvNames.QUEUE_URL, Map.of("Ref", queueId()))
                .containsEntry(
                        EnvNames.QUEUE_VISIBILITY_TIMEOUT,
                        java.time.Duration.ofSeconds(queueVisibilitySeconds()).toString())
                .doesNotContainKeys(EnvNames.BUCKET, EnvNames.ES_URL);
        assertThat(environment(json.functionWithHandler(MIGRATE)))
                .containsOnlyKeys(EnvNames.DB_URL, EnvNames.DB_SECRET_ARN, EnvNames.REQUIRE_TLS);
        assertThat(environment(json.functionWithHandler(StateMachineTask.PLAN_JOB.lambdaHandler())))
                .as("PlanJob counts recent windows again for late arrivals and reads the indices' mappings for its"
                        + " preflight")
                .containsKeys(EnvNames.ES_URL, EnvNames.ES_SECRET_ARN)
                .doesNotContainKeys(EnvNames.QUEUE_URL, EnvNames.BUCKET)
                .containsEntry(EnvNames.FIRST_START_DATE, "2026-01-01");
    }

    @Test
    void everyFunction_requiresTls_andConnectsToMySqlWithAVerifiedIdentity() {
        json.ofType("AWS::Lambda::Function").forEach((id, function) -> {
            if (!id.startsWith("AWSCDKTrigger")) {
                assertThat(environment(id))
                        .as(id)
                        .containsEntry(EnvNames.REQUIRE_TLS, "true")
                        .containsEntry(EnvNames.DB_URL, "jdbc:mysql://db.internal:3306/export?sslMode=VERIFY_IDENTITY")
                        .doesNotContainKey(EnvNames.ES_ALLOW_PLAIN_HTTP);
            }
        });
    }

    /** The work queue's visibility timeout (the queue with a redrive policy). */
    private int queueVisibilitySeconds() {
        return json.ofType("AWS::SQS::Queue").values().stream()
                .map(q -> map(map(q).get("Properties")))
                .filter(p -> p.get("RedrivePolicy") != null)
                .map(p -> ((Number) p.get("VisibilityTimeout")).intValue())
                .findFirst()
                .orElseThrow();
    }

    /** The work queue's redrive policy, which the worker must know to give up on a batch's last delivery. */
    private int redriveMaxReceiveCount() {
        Object count = json.ofType("AWS::SQS::Queue").values().stream()
                .map(q -> map(map(q).get("Properties")).get("RedrivePolicy"))
                .filter(java.util.Objects::nonNull)
                .map(p -> map(p).get("maxReceiveCount"))
                .findFirst()
                .orElseThrow();
        return ((Number) count).intValue();
    }

    private Map<String, Object> environment(String functionId) {
        Object env = properties(map(json.resources().get(functionId))).get("Environment");
        return env == null ? Map.of() : map(map(env).get("Variables"));
    }

    private String archiveBucketId() {
        return json.ofType("AWS::S3::Bucket").entrySet().stream()
                .filter(e -> properties(e.getValue()).containsKey("VersioningConfiguration"))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow();
    }

    /** Every resource granted to the function's role, by action. */
    private Map<String, Set<Object>> grants(String functionId) {
        Map<String, Set<Object>> byAction = new java.util.TreeMap<>();
        for (Map<String, Object> statement : json.statementsOf(json.roleOf(functionId))) {
            assertThat(statement.get("Effect")).isEqualTo("Allow");
            for (Object action : asList(statement.get("Action"))) {
                byAction.computeIfAbsent((String) action, a -> new HashSet<>())
                        .addAll(asList(statement.get("Resource")));
            }
        }
        return byAction;
    }

    private Object prefixObjects() {
        return Map.of(
                "Fn::Join",
                List.of(
                        "",
                        List.of(
                                Map.of("Fn::GetAtt", List.of(archiveBucketId(), "Arn")),
                                "/" + ObjectKeyScheme.DEFAULT_PREFIX + "/*")));
    }

    @Test
    void worker_readsBothSecrets_putsUnderThePrefix_andConsumesTheQueue() {
        Map<String, Set<Object>> grants = grants(json.functionWithHandler(WORKER));
        assertThat(grants.get("secretsmanager:GetSecretValue")).containsExactlyInAnyOrder(DB_SECRET, ES_SECRET);
        assertThat(grants.get("s3:PutObject")).containsExactly(prefixObjects());
        assertThat(grants.get("sqs:ReceiveMessage")).containsExactly(Map.of("Fn::GetAtt", List.of(queueId(), "Arn")));
        assertThat(grants.get("sqs:DeleteMessage")).containsExactly(Map.of("Fn::GetAtt", List.of(queueId(), "Arn")));
        assertThat(grants).doesNotContainKeys("s3:DeleteObject*", "sqs:SendMessage");
    }

    @Test
    void putGrant_isPutObjectAlone_withoutRetentionLegalHoldTaggingOrAbort() {
        for (String function : List.of(
                json.functionWithHandler(WORKER),
                json.functionWithHandler(StateMachineTask.FINALIZE_JOB.lambdaHandler()))) {
            assertThat(grants(function).keySet())
                    .as(function)
                    .filteredOn(action -> action.startsWith("s3:"))
                    .containsExactly("s3:PutObject");
        }
        json.ofType("AWS::IAM::Policy")
                .forEach((id, policy) -> assertThat(TemplateJson.list(
                                map(properties(policy).get("PolicyDocument")).get("Statement")))
                        .flatExtracting(st -> asList(map(st).get("Action")))
                        .as(id)
                        .doesNotContain(
                                "s3:PutObjectRetention", "s3:PutObjectLegalHold", "s3:DeleteObject*", "s3:Abort*"));
    }

    @Test
    void iam5Suppressions_preApproveNoWildcardAction_andOnlyObjectsUnderThePrefix() {
        List<String> regexes = new java.util.ArrayList<>();
        json.resources().values().forEach(resource -> {
            Object metadata = map(resource).get("Metadata");
            if (metadata == null || map(metadata).get("cdk_nag") == null) {
                return;
            }
            for (Object rule : list(map(map(metadata).get("cdk_nag")).get("rules_to_suppress"))) {
                if ("AwsSolutions-IAM5".equals(map(rule).get("id")) && map(rule).get("applies_to") != null) {
                    for (Object applies : list(map(rule).get("applies_to"))) {
                        String regex = (String) map(applies).get("regex");
                        regexes.add(regex.substring(1, regex.lastIndexOf('/')));
                    }
                }
            }
        });
        assertThat(regexes).isNotEmpty();
        for (String finding : List.of(
                "Action::s3:DeleteObject*",
                "Action::s3:Abort*",
                "Action::s3:GetObject*",
                "Action::s3:List*",
                "Action::kms:GenerateDataKey*",
                "Action::kms:ReEncrypt*",
                "Resource::<ArchiveBucket0123ABCD.Arn>/*",
                "Resource::<ArchiveBucket0123ABCD.Arn>/other/*")) {
            assertThat(regexes)
                    .as(finding)
                    .noneMatch(regex -> java.util.regex.Pattern.compile(regex)
                            .matcher(finding)
                            .find());
        }
        assertThat(regexes)
                .anyMatch(regex -> java.util.regex.Pattern.compile(regex)
                        .matcher("Resource::<ArchiveBucket0123ABCD.Arn>/exports/*")
                        .find());
    }

    @Test
    void alarmKey_letsCloudWatchUseIt_onlyForThisAccountsAlarms() {
        Map<String, Object> key = map(json.resources().get(onlyResource("AWS::KMS::Key")));
        List<Object> statements = list(map(properties(key).get("KeyPolicy")).get("Statement"));
        List<Map<String, Object>> cloudWatch = statements.stream()
                .map(TemplateJson::map)
                .filter(st -> Map.of("Service", "cloudwatch.amazonaws.com").equals(st.get("Principal")))
                .toList();
        assertThat(cloudWatch).hasSize(1);
        assertThat(cloudWatch.get(0).get("Condition"))
                .isEqualTo(Map.of(
                        "StringEquals",
                        Map.of("aws:SourceAccount", Map.of("Ref", "AWS::AccountId")),
                        "ArnLike",
                        Map.of(
                                "aws:SourceArn",
                                Map.of(
                                        "Fn::Join",
                                        List.of(
                                                "",
                                                List.of(
                                                        "arn:",
                                                        Map.of("Ref", "AWS::Partition"),
                                                        ":cloudwatch:",
                                                        Map.of("Ref", "AWS::Region"),
                                                        ":",
                                                        Map.of("Ref", "AWS::AccountId"),
                                                        ":alarm:*"))))));
    }

    @Test
    void stateMachineTimeout_isTheDefinitionsTimeoutSeconds() throws Exception {
        String stateMachine = onlyResource("AWS::StepFunctions::StateMachine");
        String text =
                (String) properties(map(json.resources().get(stateMachine))).get("DefinitionString");
        assertThat(TestApps.JSON.readTree(text).get("TimeoutSeconds").asLong())
                .isEqualTo(1440L * 60); // cdk.json's stateMachineTimeoutMinutes
    }

    @Test
    void extractorFunctions_getOnlyTheirTasksGrants() {
        Map<String, Set<Object>> extract =
                grants(json.functionWithHandler(StateMachineTask.EXTRACT_PAGE.lambdaHandler()));
        assertThat(extract.get("sqs:SendMessage")).containsExactly(Map.of("Fn::GetAtt", List.of(queueId(), "Arn")));
        assertThat(extract.get("secretsmanager:GetSecretValue")).containsExactlyInAnyOrder(DB_SECRET, ES_SECRET);
        assertThat(extract.keySet()).noneMatch(action -> action.startsWith("s3:"));

        Map<String, Set<Object>> finalize =
                grants(json.functionWithHandler(StateMachineTask.FINALIZE_JOB.lambdaHandler()));
        assertThat(finalize.get("s3:PutObject")).containsExactly(prefixObjects());
        assertThat(finalize.keySet())
                .as("FinalizeJob only writes the manifest: no read of the archive")
                .filteredOn(action -> action.startsWith("s3:"))
                .containsExactly("s3:PutObject");
        // the completeness proof counts the window in the index
        assertThat(finalize.get("secretsmanager:GetSecretValue")).containsExactlyInAnyOrder(DB_SECRET, ES_SECRET);
        assertThat(finalize.keySet()).noneMatch(action -> action.startsWith("sqs:"));

        assertThat(grants(json.functionWithHandler(StateMachineTask.MARK_JOB_FAILED.lambdaHandler())))
                .containsOnlyKeys("secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue")
                .allSatisfy((action, resources) -> assertThat(resources).containsExactly(DB_SECRET));
        // PlanJob counts recent windows again for late arrivals and reads the indices' mappings (preflight): the
        // index's secret, nothing of the queue or bucket
        Map<String, Set<Object>> plan = grants(json.functionWithHandler(StateMachineTask.PLAN_JOB.lambdaHandler()));
        assertThat(plan.get("secretsmanager:GetSecretValue")).containsExactlyInAnyOrder(DB_SECRET, ES_SECRET);
        assertThat(plan.keySet()).noneMatch(action -> action.startsWith("s3:") || action.startsWith("sqs:"));
        // CheckProgress sends stalled batches again: the queue, no index, no bucket
        Map<String, Set<Object>> check =
                grants(json.functionWithHandler(StateMachineTask.CHECK_PROGRESS.lambdaHandler()));
        assertThat(check.get("sqs:SendMessage")).containsExactly(Map.of("Fn::GetAtt", List.of(queueId(), "Arn")));
        assertThat(check.get("secretsmanager:GetSecretValue")).containsExactly(DB_SECRET);
        assertThat(check.keySet()).noneMatch(action -> action.startsWith("s3:"));
        assertThat(grants(json.functionWithHandler(MIGRATE)).get("secretsmanager:GetSecretValue"))
                .containsExactly(DB_SECRET);
    }

    @Test
    void noFunctionOrStateMachinePolicy_grantsOnEveryResource() {
        json.ofType("AWS::IAM::Policy").forEach((id, policy) -> {
            for (Object statement :
                    list(map(properties(policy).get("PolicyDocument")).get("Statement"))) {
                boolean logDelivery =
                        asList(map(statement).get("Action")).stream().allMatch(a -> ((String) a).startsWith("logs:"));
                if (!logDelivery) { // CloudWatch Logs delivery actions have no resource-level permissions
                    assertThat(asList(map(statement).get("Resource"))).as(id).doesNotContain("*");
                }
            }
        });
    }

    @Test
    void stateMachine_mayInvokeExactlyTheTaskAliases_andLogsEverything() {
        String stateMachine = onlyResource("AWS::StepFunctions::StateMachine");
        String role = (String)
                list(map(properties(map(json.resources().get(stateMachine))).get("RoleArn"))
                                .get("Fn::GetAtt"))
                        .get(0);
        Set<Object> invokable = json.statementsOf(role).stream()
                .filter(s -> asList(s.get("Action")).contains("lambda:InvokeFunction"))
                .flatMap(s -> asList(s.get("Resource")).stream())
                .collect(Collectors.toSet());
        Set<Object> aliases = Arrays.stream(StateMachineTask.values())
                .map(task -> (Object) Map.of("Ref", json.aliasOf(json.functionWithHandler(task.lambdaHandler()))))
                .collect(Collectors.toSet());
        assertThat(invokable).isEqualTo(aliases);

        template.hasResourceProperties(
                "AWS::StepFunctions::StateMachine",
                Map.of(
                        "LoggingConfiguration",
                                Map.of(
                                        "Level",
                                        "ALL",
                                        "IncludeExecutionData",
                                        true,
                                        "Destinations",
                                        List.of(Map.of(
                                                "CloudWatchLogsLogGroup",
                                                Map.of(
                                                        "LogGroupArn",
                                                        Map.of(
                                                                "Fn::GetAtt",
                                                                List.of(
                                                                        Match.stringLikeRegexp("ExportJobLogs.*"),
                                                                        "Arn")))))),
                        "TracingConfiguration", Map.of("Enabled", false)));
    }

    @Test
    void schedule_startsTheStateMachineWithAnEmptyInput() {
        template.hasResourceProperties(
                "AWS::Events::Rule",
                Map.of(
                        "ScheduleExpression", "cron(0 2 * * ? *)",
                        "State", "ENABLED",
                        "Targets",
                                List.of(Match.objectLike(Map.of(
                                        "Arn",
                                        Map.of("Ref", onlyResource("AWS::StepFunctions::StateMachine")),
                                        "Input",
                                        "{}")))));
    }

    @Test
    void archiveBucket_isEncryptedPrivateVersionedTlsOnly_withLifecycle() {
        template.hasResourceProperties(
                "AWS::S3::Bucket",
                Map.of(
                        "BucketEncryption",
                                Map.of(
                                        "ServerSideEncryptionConfiguration",
                                        List.of(Map.of(
                                                "ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "AES256")))),
                        "PublicAccessBlockConfiguration",
                                Map.of(
                                        "BlockPublicAcls",
                                        true,
                                        "BlockPublicPolicy",
                                        true,
                                        "IgnorePublicAcls",
                                        true,
                                        "RestrictPublicBuckets",
                                        true),
                        "VersioningConfiguration", Map.of("Status", "Enabled"),
                        "LoggingConfiguration", Match.objectLike(Map.of("LogFilePrefix", "archive/")),
                        "LifecycleConfiguration",
                                Map.of(
                                        "Rules",
                                        List.of(Map.of(
                                                "Id", "archive-lifecycle",
                                                "Status", "Enabled",
                                                "AbortIncompleteMultipartUpload", Map.of("DaysAfterInitiation", 7),
                                                "Transitions",
                                                        List.of(Map.of(
                                                                "StorageClass", "GLACIER_IR", "TransitionInDays", 90)),
                                                "NoncurrentVersionExpiration", Map.of("NoncurrentDays", 30))))));
        template.hasResource(
                "AWS::S3::Bucket",
                Map.of(
                        "DeletionPolicy",
                        "Retain",
                        "Properties",
                        Match.objectLike(Map.of("VersioningConfiguration", Map.of("Status", "Enabled")))));
        template.hasResourceProperties(
                "AWS::S3::BucketPolicy",
                Map.of(
                        "Bucket", Map.of("Ref", archiveBucketId()),
                        "PolicyDocument",
                                Match.objectLike(Map.of(
                                        "Statement",
                                        Match.arrayWith(List.of(Match.objectLike(Map.of(
                                                "Effect",
                                                "Deny",
                                                "Condition",
                                                Map.of("Bool", Map.of("aws:SecureTransport", "false"))))))))));
    }

    @Test
    void alarms_watchTheDeadLetterQueue_theOldestMessage_andFailedOrTimedOutExecutions() {
        String topic = onlyResource("AWS::SNS::Topic");
        String stateMachine = onlyResource("AWS::StepFunctions::StateMachine");
        template.hasResourceProperties(
                "AWS::CloudWatch::Alarm",
                Map.of(
                        "Namespace",
                        "AWS/SQS",
                        "MetricName",
                        "ApproximateNumberOfMessagesVisible",
                        "Dimensions",
                        List.of(Map.of(
                                "Name",
                                "QueueName",
                                "Value",
                                Map.of("Fn::GetAtt", List.of(deadLetterQueueId(), "QueueName")))),
                        "ComparisonOperator",
                        "GreaterThanThreshold",
                        "Threshold",
                        0,
                        "AlarmActions",
                        List.of(Map.of("Ref", topic))));
        template.hasResourceProperties(
                "AWS::CloudWatch::Alarm",
                Map.of(
                        "Namespace",
                        "AWS/SQS",
                        "MetricName",
                        "ApproximateAgeOfOldestMessage",
                        "Dimensions",
                        List.of(Map.of(
                                "Name", "QueueName", "Value", Map.of("Fn::GetAtt", List.of(queueId(), "QueueName")))),
                        "ComparisonOperator",
                        "GreaterThanThreshold",
                        "Threshold",
                        3600,
                        "AlarmActions",
                        List.of(Map.of("Ref", topic))));
        for (String metric : List.of("ExecutionsFailed", "ExecutionsTimedOut")) {
            template.hasResourceProperties(
                    "AWS::CloudWatch::Alarm",
                    Map.of(
                            "Namespace",
                            "AWS/States",
                            "MetricName",
                            metric,
                            "Dimensions",
                            List.of(Map.of("Name", "StateMachineArn", "Value", Map.of("Ref", stateMachine))),
                            "ComparisonOperator",
                            "GreaterThanThreshold",
                            "Threshold",
                            0,
                            "AlarmActions",
                            List.of(Map.of("Ref", topic))));
        }
        // the schedule's health, as Plan job reports it
        for (var metric : Map.of(ScheduleMetrics.EXPORT_LAG_DAYS, 2, ScheduleMetrics.WINDOWS_AWAITING_OPERATOR, 0)
                .entrySet()) {
            template.hasResourceProperties(
                    "AWS::CloudWatch::Alarm",
                    Map.of(
                            "Namespace",
                            Metrics.NAMESPACE,
                            "MetricName",
                            metric.getKey(),
                            "Dimensions",
                            List.of(Map.of("Name", "Function", "Value", StateMachineTask.PLAN_JOB.functionName())),
                            "ComparisonOperator",
                            "GreaterThanThreshold",
                            "Threshold",
                            metric.getValue(),
                            "TreatMissingData",
                            "ignore",
                            "AlarmActions",
                            List.of(Map.of("Ref", topic))));
        }
        template.hasResourceProperties(
                "AWS::SNS::Topic",
                Map.of("KmsMasterKeyId", Map.of("Fn::GetAtt", List.of(onlyResource("AWS::KMS::Key"), "Arn"))));
    }
}
