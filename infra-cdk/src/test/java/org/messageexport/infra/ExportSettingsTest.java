package org.messageexport.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.messageexport.config.EnvNames;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;

/** Settings from the context: typed, defaulted, and failing with one line that names the key. */
class ExportSettingsTest {
    private static ExportSettings settings(Map<String, Object> overrides, Map<String, String> env) {
        Map<String, Object> context = TestApps.context(overrides);
        return ExportSettings.from(new ContextSource(context::get, env));
    }

    private static ExportSettings without(String key) {
        Map<String, Object> context = new HashMap<>(TestApps.context(Map.of()));
        context.remove(key);
        return ExportSettings.from(new ContextSource(context::get, Map.of()));
    }

    @Test
    void requiredKeys_missing_failWithOneLineNamingTheKey() {
        for (String key : TestApps.REQUIRED.keySet()) {
            assertThatThrownBy(() -> without(key))
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessageStartingWith("Missing context key '" + key + "'")
                    .hasMessageContaining(ContextSource.environmentName(key))
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void searchEngineAndDomain_areCheckedTogether_eachProblemOneLine() {
        Map<String, Object> sigv4 = Map.of(
                "searchEngine",
                "opensearch",
                "searchDomainArn",
                TestApps.OPENSEARCH_DOMAIN,
                "esSecretArn",
                TestApps.ABSENT);
        ExportSettings.Connections c = settings(sigv4, Map.of()).connections();
        assertThat(c.searchEngine()).isEqualTo(org.messageexport.config.SearchEngine.OPENSEARCH);
        assertThat(c.searchDomainRegion()).contains("eu-west-1");
        assertThat(c.esSecretArn()).isEmpty();
        assertThat(settings(Map.of("searchEngine", "opensearch"), Map.of())
                        .connections()
                        .esSecretArn())
                .as("OpenSearch with basic credentials keeps its secret")
                .isPresent();

        assertThatThrownBy(() -> settings(Map.of("searchEngine", "solr"), Map.of()))
                .hasMessage("Invalid context key 'searchEngine': must be one of elasticsearch|opensearch, got 'solr'");
        assertThatThrownBy(() -> settings(
                        Map.of("searchDomainArn", TestApps.OPENSEARCH_DOMAIN, "esSecretArn", TestApps.ABSENT),
                        Map.of()))
                .hasMessageStartingWith("Invalid context key 'searchDomainArn': signs requests for Amazon OpenSearch");
        assertThatThrownBy(() -> settings(
                        Map.of("searchEngine", "opensearch", "searchDomainArn", TestApps.OPENSEARCH_DOMAIN), Map.of()))
                .hasMessageStartingWith("Invalid context key 'esSecretArn': must be unset with searchDomainArn");
        assertThatThrownBy(() -> settings(
                        Map.of(
                                "searchEngine", "opensearch",
                                "searchDomainArn", "arn:aws:aoss:eu-west-1:123456789012:collection/abc",
                                "esSecretArn", TestApps.ABSENT),
                        Map.of()))
                .hasMessageStartingWith(
                        "Invalid context key 'searchDomainArn': expected an OpenSearch Service domain ARN")
                .hasMessageContaining("serverless collections are not deployed by this stack");
    }

    @Test
    void malformedValues_failNamingTheKeyAndTheValue() {
        assertThatThrownBy(() -> settings(Map.of("subnetIds", "subnet-0aaaaaaaaaaaaaaaa,oops"), Map.of()))
                .hasMessage(
                        "Invalid context key 'subnetIds': expected a subnet id like subnet-0123456789abcdef0, got 'oops'");
        assertThatThrownBy(() -> settings(
                        Map.of("dbSecretArn", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db"), Map.of()))
                .hasMessageStartingWith("Invalid context key 'dbSecretArn': expected a complete secret ARN");
        assertThatThrownBy(() -> settings(Map.of("workerMaxConcurrency", 1), Map.of()))
                .hasMessage("Invalid context key 'workerMaxConcurrency': expected a number from 2 to 1000, got 1");
        assertThatThrownBy(() -> settings(Map.of("workerTimeoutSeconds", "five"), Map.of()))
                .hasMessage("Invalid context key 'workerTimeoutSeconds': expected a whole number, got 'five'");
        assertThatThrownBy(() -> settings(Map.of("bucketEncryption", "rot13"), Map.of()))
                .hasMessageStartingWith("Invalid context key 'bucketEncryption': expected one of [S3_MANAGED, KMS]");
        assertThatThrownBy(() -> settings(
                        Map.of(
                                "subnetIds",
                                "subnet-0aaaaaaaaaaaaaaaa,subnet-0bbbbbbbbbbbbbbbb,subnet-0cccccccccccccccc"),
                        Map.of()))
                .hasMessageStartingWith(
                        "Invalid context key 'subnetIds': expected the same number of subnets in each of the 2 availabilityZones");
        assertThatThrownBy(() -> settings(Map.of("logRetentionDays", 31), Map.of()))
                .hasMessageStartingWith("Invalid context key 'logRetentionDays': expected one of [1, 3, 5, 7, 14, 30");
        assertThatThrownBy(() -> settings(Map.of("scheduleEnabled", "yes"), Map.of()))
                .hasMessage("Invalid context key 'scheduleEnabled': expected true or false, got 'yes'");
    }

    @Test
    void listsAndNumbers_acceptJsonValuesAndStrings() {
        ExportSettings fromJson = settings(
                Map.of(
                        "availabilityZones", List.of("eu-west-1a", "eu-west-1b"),
                        "subnetIds", List.of("subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"),
                        "workerMemoryMb", 3008),
                Map.of());
        ExportSettings fromStrings = settings(Map.of("workerMemoryMb", "3008"), Map.of());
        assertThat(fromJson.network()).isEqualTo(fromStrings.network());
        assertThat(fromJson.functions().workerMemoryMb())
                .isEqualTo(3008)
                .isEqualTo(fromStrings.functions().workerMemoryMb());
    }

    @Test
    void environmentVariables_fillKeysTheContextLacks() {
        Map<String, Object> context = new HashMap<>(TestApps.context(Map.of()));
        context.remove("esUrl");
        ExportSettings settings = ExportSettings.from(new ContextSource(
                context::get,
                Map.of("MESSAGE_EXPORT_ES_URL", "https://other:9200", "MESSAGE_EXPORT_WORKER_MAX_CONCURRENCY", "9")));
        assertThat(settings.connections().esUrl()).isEqualTo("https://other:9200");
        assertThat(settings.functions().workerMaxConcurrency()).isEqualTo(4); // cdk.json's context wins
    }

    @Test
    void optionalJobSettings_becomeEnvironmentOnlyWhenSet() {
        ExportSettings unset = settings(Map.of(), Map.of());
        assertThat(unset.jobEnvironment()).containsOnly(Map.entry(EnvNames.FIRST_START_DATE, "2026-01-01"));
        assertThat(unset.workerEnvironment()).isEmpty();

        ExportSettings set = settings(
                Map.of(
                        "exportBatchSize",
                        500,
                        "exportWindow",
                        "P1D",
                        "firstStartDate",
                        "2024-01-01",
                        "putConcurrency",
                        32,
                        "outputFormat",
                        "NDJSON-GZ",
                        "leaseDuration",
                        "PT15M",
                        "messagesIndex",
                        "messages"),
                Map.of());
        assertThat(set.jobEnvironment())
                .containsOnly(
                        Map.entry(EnvNames.BATCH_SIZE, "500"),
                        Map.entry(EnvNames.EXPORT_WINDOW, "P1D"),
                        Map.entry(EnvNames.FIRST_START_DATE, "2024-01-01"),
                        Map.entry(EnvNames.LEASE_DURATION, "PT15M"),
                        Map.entry(EnvNames.MESSAGES_INDEX, "messages"));
        assertThat(set.workerEnvironment())
                .containsOnly(
                        Map.entry(EnvNames.PUT_CONCURRENCY, "32"),
                        Map.entry(EnvNames.OUTPUT_FORMAT, "ndjson-gz"),
                        Map.entry(EnvNames.LEASE_DURATION, "PT15M"),
                        Map.entry(EnvNames.MESSAGES_INDEX, "messages"));
    }

    @Test
    void keyHashPrefix_reachesTheWorkerAndTheTasks_andRetentionTheTasks_withinTheirRanges() {
        ExportSettings set = settings(Map.of("keyHashPrefix", 2, "trackingRetentionDays", 30), Map.of());
        assertThat(set.workerEnvironment()).containsOnly(Map.entry(EnvNames.KEY_HASH_PREFIX, "2"));
        assertThat(set.jobEnvironment())
                .containsEntry(EnvNames.KEY_HASH_PREFIX, "2")
                .containsEntry(EnvNames.TRACKING_RETENTION_DAYS, "30");
        assertThatThrownBy(() -> settings(Map.of("keyHashPrefix", 9), Map.of()))
                .hasMessage("Invalid context key 'keyHashPrefix': must be from 0 to 8, got 9");
        assertThatThrownBy(() -> settings(Map.of("trackingRetentionDays", -1), Map.of()))
                .hasMessageStartingWith("Invalid context key 'trackingRetentionDays': must be from 0 to");
    }

    @Test
    void jarPaths_resolveAgainstTheRepoRoot() {
        ExportSettings settings = settings(Map.of(), Map.of());
        assertThat(settings.artifacts().extractorJar())
                .isAbsolute()
                .endsWith(java.nio.file.Path.of("extractor-lambda", "target", "extractor-lambda.jar"))
                .isRegularFile();
        assertThat(settings.artifacts().workerJar())
                .endsWith(java.nio.file.Path.of("worker-lambda", "target", "worker-lambda.jar"))
                .isRegularFile();
    }

    @Test
    void missingJar_failsTheSynthWithOneLineNamingTheKeyAndTheBuild() {
        App app = new App(AppProps.builder()
                .context(TestApps.context(Map.of("workerJar", "worker-lambda/target/nope.jar")))
                .build());
        assertThatThrownBy(() -> MessageExportApp.build(app, Map.of()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("Lambda artifact not found: ")
                .hasMessageContaining(
                        "nope.jar (context key 'workerJar'); build it first with: mvn -B -pl worker-lambda -am package")
                .hasMessageNotContaining("\n");
    }

    @Test
    void durationsAndPools_areCheckedByTheHandlersParsers() {
        assertThatThrownBy(() -> settings(Map.of("pitKeepAlive", "P0D"), Map.of()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage("Invalid context key 'pitKeepAlive': must be a positive duration such as PT15M, got 'P0D'");
        assertThatThrownBy(() -> settings(Map.of("leaseDuration", "PT"), Map.of()))
                .hasMessage(
                        "Invalid context key 'leaseDuration': must be an ISO-8601 duration such as PT15M, got 'PT'");
        assertThatThrownBy(() -> settings(Map.of("exportWindow", "PT12H"), Map.of()))
                .hasMessageStartingWith("Invalid context key 'exportWindow': must be a period of days such as P1D");
        assertThatThrownBy(() -> settings(Map.of("outputFormat", "csv"), Map.of()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage("Invalid context key 'outputFormat': must be one of object|ndjson-gz, got 'csv'");
        assertThatThrownBy(() -> settings(Map.of("dbPoolSize", 1), Map.of()))
                .hasMessage("Invalid context key 'dbPoolSize': must be from 2 to 100, got 1");
        assertThatThrownBy(() -> settings(Map.of("workerDbPoolSize", "1"), Map.of()))
                .hasMessage("Invalid context key 'workerDbPoolSize': must be from 2 to 100, got 1");
        assertThat(settings(Map.of("jobDeadline", "P1DT2H", "stateMachineTimeoutMinutes", 1600), Map.of())
                        .jobEnvironment())
                .containsEntry(EnvNames.JOB_DEADLINE, "P1DT2H");
    }

    @Test
    void failurePolicy_isCheckedByTheHandlersParser_andBecomesEnvironment() {
        assertThat(settings(Map.of("failureBudget", "0.5%", "windowRetryLimit", 5, "maxWindowDays", 7), Map.of())
                        .jobEnvironment())
                .containsEntry(EnvNames.FAILURE_BUDGET, "0.5%")
                .containsEntry(EnvNames.WINDOW_RETRY_LIMIT, "5")
                .containsEntry(EnvNames.MAX_WINDOW_DAYS, "7");
        assertThatThrownBy(() -> settings(Map.of("failureBudget", "5 percent"), Map.of()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage("Invalid context key 'failureBudget': must be a count such as 5 or a percentage such as"
                        + " 0.5%, got '5 percent'");
        assertThatThrownBy(() -> settings(Map.of("windowRetryLimit", 0), Map.of()))
                .hasMessage("Invalid context key 'windowRetryLimit': must be from 1 to 1000, got 0");
        assertThat(settings(Map.of("lagAlarmDays", 5), Map.of()).observability().lagAlarmDays())
                .isEqualTo(5);
    }

    @Test
    void stateMachineTimeout_mustOutlastTheJobDeadline() {
        assertThatThrownBy(() -> settings(Map.of("stateMachineTimeoutMinutes", 720), Map.of()))
                .hasMessageStartingWith("Invalid context key 'stateMachineTimeoutMinutes': must be longer than the job"
                        + " deadline (PT12H, context key jobDeadline)");
        assertThat(settings(Map.of("stateMachineTimeoutMinutes", 721), Map.of())
                        .schedule()
                        .stateMachineTimeoutMinutes())
                .isEqualTo(721);
    }

    @Test
    void firstStartDate_isRequired_unlessTheConfigFileGivesIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("export.properties");
        java.nio.file.Files.writeString(file, "start_date=2025-03-01\n");
        Map<String, Object> context = new HashMap<>(TestApps.context(Map.of("configFile", file.toString())));
        context.remove("firstStartDate");
        assertThat(ExportSettings.from(new ContextSource(context::get, Map.of()))
                        .jobEnvironment())
                .containsEntry(EnvNames.FIRST_START_DATE, "2025-03-01");

        java.nio.file.Files.writeString(file, "other=1\n");
        assertThatThrownBy(() -> ExportSettings.from(new ContextSource(context::get, Map.of())))
                .hasMessageStartingWith("Invalid context key 'configFile': ")
                .hasMessageContaining("has no start_date=yyyy-MM-dd");
        context.remove("configFile");
        assertThatThrownBy(() -> ExportSettings.from(new ContextSource(context::get, Map.of())))
                .hasMessageStartingWith("Missing context key 'firstStartDate'");
        assertThatThrownBy(() -> settings(Map.of("firstStartDate", "2026-02-30"), Map.of()))
                .hasMessage("Invalid context key 'firstStartDate': must be a date yyyy-MM-dd, got '2026-02-30'");
    }

    @Test
    void transport_elasticsearchOverHttpsOnly_unlessAllowed_andMySqlWithAVerifiedIdentity() {
        assertThatThrownBy(() -> settings(Map.of("esUrl", "http://search.internal:9200"), Map.of()))
                .hasMessageStartingWith("Invalid context key 'esUrl': must be an https:// URL")
                .hasMessageContaining("esAllowPlainHttp=true");
        ExportSettings plain =
                settings(Map.of("esUrl", "http://search.internal:9200", "esAllowPlainHttp", true), Map.of());
        assertThat(plain.connections().esAllowPlainHttp()).isTrue();

        assertThat(settings(Map.of(), Map.of()).connections().dbUrl())
                .isEqualTo("jdbc:mysql://db.internal:3306/export?sslMode=VERIFY_IDENTITY");
        assertThatThrownBy(
                        () -> settings(Map.of("dbUrl", "jdbc:mysql://db.internal/export?sslMode=REQUIRED"), Map.of()))
                .hasMessageStartingWith("Invalid context key 'dbUrl': must use sslMode=VERIFY_IDENTITY");
        assertThatThrownBy(() -> settings(Map.of("dbUrl", "jdbc:mysql://db.internal/export?useSSL=false"), Map.of()))
                .hasMessageStartingWith("Invalid context key 'dbUrl': must not set useSSL");
    }
}
