package org.messageexport.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.messageexport.config.EnvNames;
import org.messageexport.config.OperatorEndpoints;

/** Which deployment the options name, and the one line when they name none or a wrong one. */
class OperatorTargetTest {
    private final TargetOptions options = new TargetOptions();

    @Test
    void stack_givesStateMachineBucketAndQueues_overTheEnvironment() {
        options.stack = "message-export-prod";
        Map<String, String> outputs = Map.of(
                "StateMachineArn", "arn:aws:states:eu-west-1:1:stateMachine:x",
                "BucketName", "archive",
                "WorkQueueUrl", "https://sqs/work",
                "DeadLetterQueueUrl", "https://sqs/dlq");

        OperatorEndpoints e = OperatorTarget.resolve(
                options, Map.of(EnvNames.DB_URL, "jdbc:mysql://db/x", EnvNames.BUCKET, "stale"), name -> {
                    assertThat(name).isEqualTo("message-export-prod");
                    return outputs;
                });

        assertThat(e.stateMachineArn()).isEqualTo("arn:aws:states:eu-west-1:1:stateMachine:x");
        assertThat(e.environment())
                .containsEntry(EnvNames.BUCKET, "archive")
                .containsEntry(EnvNames.QUEUE_URL, "https://sqs/work")
                .containsEntry(EnvNames.DB_URL, "jdbc:mysql://db/x");
        assertThat(e.deadLetterQueueUrl()).contains("https://sqs/dlq");
        assertThat(e.stepFunctionsEndpoint()).isEmpty();
    }

    @Test
    void aStackWithoutTheOutputs_isNamed() {
        options.stack = "other";
        assertThatThrownBy(() -> OperatorTarget.resolve(options, Map.of(), name -> Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stack other has no output StateMachineArn: is it a Message Export stack?");
    }

    @Test
    void nothingGiven_isOneLineSayingWhatToGive() {
        assertThatThrownBy(() -> OperatorTarget.resolve(options, Map.of(), name -> Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("no deployment given: use --local FILE, --stack NAME");
    }

    @Test
    void localFile_fromTheOptionOrTheEnvironment(@TempDir Path dir) {
        Path file = dir.resolve("endpoints.json");
        new OperatorEndpoints(
                        "arn:aws:states:us-east-1:123456789012:stateMachine:export-job",
                        Optional.of(URI.create("http://127.0.0.1:4567")),
                        Optional.of("http://127.0.0.1:9324/q/dlq"),
                        Map.of(EnvNames.BUCKET, "b"))
                .write(file);

        OperatorEndpoints e = OperatorTarget.resolve(options, Map.of(TargetOptions.LOCAL_ENV, file.toString()), n -> {
            throw new AssertionError("no stack lookup");
        });

        assertThat(e.stepFunctionsEndpoint()).contains(URI.create("http://127.0.0.1:4567"));
        assertThat(e.deadLetterQueueUrl()).contains("http://127.0.0.1:9324/q/dlq");
        assertThat(e.environment()).containsEntry(EnvNames.BUCKET, "b");
    }

    @Test
    void localAndStack_excludeEachOther() {
        options.local = Path.of("x.json");
        options.stack = "s";
        assertThatThrownBy(() -> OperatorTarget.resolve(options, Map.of(), n -> Map.of()))
                .hasMessage("--local and --stack exclude each other");
    }
}
