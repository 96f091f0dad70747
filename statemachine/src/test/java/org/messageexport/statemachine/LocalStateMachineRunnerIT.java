package org.messageexport.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The runner and the Node driver on small definitions of their own (the export job's flow is ExportJobStateMachineIT). */
class LocalStateMachineRunnerIT {

    private static LambdaInvokeServer server;
    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void startServer() {
        server = LambdaInvokeServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void run_passesInputAndExecutionContext_andStreamsEventsInOrder() throws Exception {
        String definition = """
                {"StartAt": "Describe", "States": {"Describe": {"Type": "Pass",
                  "Parameters": {"value.$": "$.value", "id.$": "$$.Execution.Id", "name.$": "$$.Execution.Name"},
                  "End": true}}}""";
        List<ExecutionEvent> events = new CopyOnWriteArrayList<>();
        LocalStateMachineRunner runner = LocalStateMachineRunner.builder(server.endpoint())
                .stateMachineName("sample")
                .includeStateData(true)
                .eventListener(events::add)
                .build();

        ExecutionResult result = runner.run(definition, json.readTree("{\"value\": 42}"), "run-1");

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.succeeded()).isTrue();
        assertThat(result.executionArn()).isEqualTo("arn:aws:states:us-east-1:123456789012:execution:sample:run-1");
        assertThat(result.name()).isEqualTo("run-1");
        assertThat(result.output())
                .isEqualTo(json.readTree(
                        "{\"value\": 42, \"id\": \"" + result.executionArn() + "\", \"name\": \"run-1\"}"));
        assertThat(events)
                .extracting(ExecutionEvent::type)
                .containsExactly("ExecutionStarted", "StateEntered", "StateExited", "ExecutionSucceeded");
        assertThat(events.get(1).state()).isEqualTo("Describe");
        assertThat(events.get(1).stateType()).isEqualTo("Pass");
        assertThat(events.get(1).timestamp()).isNotNull();
        assertThat(events.get(2).json().at("/output/value").asInt()).isEqualTo(42);
    }

    @Test
    void run_reportsTimedOut_whenTheStateMachineTimeoutPasses() {
        String definition = """
                {"StartAt": "Linger", "TimeoutSeconds": 1,
                 "States": {"Linger": {"Type": "Wait", "Seconds": 30, "End": true}}}""";
        LocalStateMachineRunner runner =
                LocalStateMachineRunner.builder(server.endpoint()).build();

        ExecutionResult result = runner.run(definition, null);

        assertThat(result.status()).isEqualTo(ExecutionStatus.TIMED_OUT);
        assertThat(result.error()).isEqualTo("States.Timeout");
        assertThat(result.output()).isNull();
    }

    @Test
    void run_abortsTheExecution_whenTheProcessTimeoutPasses() {
        String definition = """
                {"StartAt": "Linger", "States": {"Linger": {"Type": "Wait", "Seconds": 30, "End": true}}}""";
        LocalStateMachineRunner runner = LocalStateMachineRunner.builder(server.endpoint())
                .processTimeout(Duration.ofMillis(1500))
                .build();

        ExecutionResult result = runner.run(definition, null, "run-2");

        assertThat(result.status()).isEqualTo(ExecutionStatus.ABORTED);
        assertThat(result.executionArn()).isEqualTo("arn:aws:states:us-east-1:123456789012:execution:export-job:run-2");
        assertThat(result.durationMs()).isLessThan(20_000);
    }

    @Test
    void run_skipsWaits_whenAsked() {
        String definition = """
                {"StartAt": "Linger", "States": {"Linger": {"Type": "Wait", "Seconds": 30, "End": true}}}""";
        LocalStateMachineRunner runner = LocalStateMachineRunner.builder(server.endpoint())
                .skipWaits(true)
                .processTimeout(Duration.ofMinutes(2))
                .build();

        ExecutionResult result = runner.run(definition, null);

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.durationMs()).isLessThan(10_000);
    }

    @Test
    void run_failsWithTheEnginesReason_whenValidationRefusesTheDefinition() {
        String definition = """
                {"StartAt": "Nowhere", "States": {"Somewhere": {"Type": "Succeed"}}}""";
        LocalStateMachineRunner runner = LocalStateMachineRunner.builder(server.endpoint())
                .validate(true)
                .build();

        assertThatThrownBy(() -> runner.run(definition, null))
                .isInstanceOf(LocalExecutionException.class)
                .hasMessageContaining("INVALID_DEFINITION");
    }
}
