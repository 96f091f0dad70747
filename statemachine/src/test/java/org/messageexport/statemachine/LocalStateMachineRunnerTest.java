package org.messageexport.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStateMachineRunnerTest {

    private static final URI ENDPOINT = URI.create("http://127.0.0.1:1");

    @Test
    void build_failsNamingNpmCi_whenNodeModulesAreMissing(@TempDir Path directory) throws Exception {
        Files.writeString(directory.resolve(LocalStateMachineRunner.DRIVER), "// driver");

        assertThatThrownBy(() -> LocalStateMachineRunner.builder(ENDPOINT)
                        .nodeDirectory(directory)
                        .build())
                .isInstanceOf(LocalExecutionException.class)
                .hasMessageContaining("aws-local-stepfunctions is not installed in " + directory.toRealPath())
                .hasMessageContaining("run `npm ci` in that directory");
    }

    @Test
    void build_failsNamingTheDirectory_whenItHoldsNoDriver(@TempDir Path directory) {
        assertThatThrownBy(() -> LocalStateMachineRunner.builder(ENDPOINT)
                        .nodeDirectory(directory)
                        .build())
                .isInstanceOf(LocalExecutionException.class)
                .hasMessageContaining("No run-state-machine.mjs in " + directory)
                .hasMessageContaining(LocalStateMachineRunner.NODE_DIR_PROPERTY);
    }

    @Test
    void nodeDirectory_defaultsToTheDirectoryTheBuildRecorded() {
        Path directory = LocalStateMachineRunner.configuredNodeDirectory(Map.of());

        assertThat(directory.toString())
                .endsWith(Path.of("statemachine", "src", "main", "node").toString());
        assertThat(directory.resolve(LocalStateMachineRunner.DRIVER)).isRegularFile();
    }

    @Test
    void nodeDirectory_comesFromTheEnvironment_whenSet(@TempDir Path directory) {
        assertThat(LocalStateMachineRunner.configuredNodeDirectory(
                        Map.of(LocalStateMachineRunner.NODE_DIR_ENV, directory.toString())))
                .isEqualTo(directory);
    }

    @Test
    void run_failsNamingNode_whenTheExecutableCannotStart() {
        LocalStateMachineRunner runner = LocalStateMachineRunner.builder(ENDPOINT)
                .nodeExecutable("/nonexistent/bin/node")
                .build();

        assertThatThrownBy(() -> runner.run("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Succeed\"}}}", null))
                .isInstanceOf(LocalExecutionException.class)
                .hasMessageContaining("Cannot start Node.js '/nonexistent/bin/node'")
                .hasMessageContaining(LocalStateMachineRunner.NODE_EXECUTABLE_PROPERTY);
    }

    @Test
    void run_refusesADefinitionWithPlaceholdersLeft() {
        LocalStateMachineRunner runner =
                LocalStateMachineRunner.builder(ENDPOINT).build();

        assertThatThrownBy(() -> runner.run(StateMachineDefinition.load().text(), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PlanJobFunctionArn")
                .hasMessageContaining("substitute them first");
    }

    @Test
    void builder_rejectsNegativeIntervalsAndTimeouts() {
        LocalStateMachineRunner.Builder builder = LocalStateMachineRunner.builder(ENDPOINT);

        assertThatThrownBy(() -> builder.retryInterval(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.processTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
