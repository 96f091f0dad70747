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
        assertThat(unset.jobEnvironment()).isEmpty();
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
                        Map.entry(EnvNames.LEASE_DURATION, "PT15M"),
                        Map.entry(EnvNames.MESSAGES_INDEX, "messages"));
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
}
