package org.messageexport.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.InvalidArnException;
import software.amazon.awssdk.services.sfn.model.StateMachineDoesNotExistException;

/** The loopback Step Functions API driven by the SDK's own client, as the operator CLI drives it. */
class StepFunctionsServerIT {
    private final ObjectMapper json = new ObjectMapper();
    private final CountDownLatch release = new CountDownLatch(1);
    private final StepFunctionsServer server = StepFunctionsServer.start(
            "message-export",
            (input, name) -> {
                if (input.path("block").asBoolean()) {
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new LocalExecutionException("interrupted", e);
                    }
                }
                if (input.path("fail").asBoolean()) {
                    return new ExecutionResult(
                            org.messageexport.statemachine.ExecutionStatus.FAILED,
                            null,
                            "ExportFailed",
                            "3 failed",
                            null,
                            name,
                            1);
                }
                return new ExecutionResult(
                        org.messageexport.statemachine.ExecutionStatus.SUCCEEDED,
                        json.createObjectNode()
                                .put("jobId", 7)
                                .put("echo", input.path("startDate").asText()),
                        null,
                        null,
                        null,
                        name,
                        1);
            },
            2);
    private final SfnClient sfn = SfnClient.builder()
            .endpointOverride(server.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y")))
            .httpClientBuilder(ApacheHttpClient.builder())
            .build();

    @AfterEach
    void close() {
        release.countDown();
        sfn.close();
        server.close();
    }

    @Test
    void startExecution_runsIt_andDescribeExecution_showsItsOutput() {
        String arn = sfn.startExecution(s -> s.stateMachineArn(server.stateMachineArn())
                        .name("manual-1")
                        .input("{\"startDate\":\"2026-01-02\"}"))
                .executionArn();

        DescribeExecutionResponse done = awaitEnd(arn);

        assertThat(arn).endsWith(":execution:message-export:manual-1");
        assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(done.output()).contains("\"jobId\":7").contains("2026-01-02");
        assertThat(done.input()).isEqualTo("{\"startDate\":\"2026-01-02\"}");
        assertThat(done.stopDate()).isAfterOrEqualTo(done.startDate());
    }

    @Test
    void aFailedExecution_carriesItsErrorAndCause() {
        String arn = sfn.startExecution(
                        s -> s.stateMachineArn(server.stateMachineArn()).input("{\"fail\":true}"))
                .executionArn();

        DescribeExecutionResponse done = awaitEnd(arn);

        assertThat(done.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(done.error()).isEqualTo("ExportFailed");
        assertThat(done.cause()).isEqualTo("3 failed");
    }

    @Test
    void startExecution_isIdempotentForTheSameRunningInput_andRefusesAnother() {
        String first = sfn.startExecution(s ->
                        s.stateMachineArn(server.stateMachineArn()).name("n1").input("{\"block\":true}"))
                .executionArn();
        String again = sfn.startExecution(s ->
                        s.stateMachineArn(server.stateMachineArn()).name("n1").input("{\"block\":true}"))
                .executionArn();

        assertThat(again).isEqualTo(first);
        assertThatThrownBy(() -> sfn.startExecution(s ->
                        s.stateMachineArn(server.stateMachineArn()).name("n1").input("{}")))
                .isInstanceOf(ExecutionAlreadyExistsException.class);
        assertThat(sfn.listExecutions(
                                l -> l.stateMachineArn(server.stateMachineArn()).statusFilter(ExecutionStatus.RUNNING))
                        .executions())
                .extracting(e -> e.name())
                .containsExactly("n1");
    }

    @Test
    void stopExecution_abortsARunningExecution() {
        String arn = sfn.startExecution(
                        s -> s.stateMachineArn(server.stateMachineArn()).input("{\"block\":true}"))
                .executionArn();

        sfn.stopExecution(s -> s.executionArn(arn).cause("operator"));

        DescribeExecutionResponse stopped = sfn.describeExecution(d -> d.executionArn(arn));
        assertThat(stopped.status()).isEqualTo(ExecutionStatus.ABORTED);
        assertThat(stopped.cause()).isEqualTo("operator");
    }

    @Test
    void badArnsAndUnknownResources_areAnsweredInAwsErrorShape() {
        assertThatThrownBy(() -> sfn.describeExecution(d -> d.executionArn("nope")))
                .isInstanceOf(InvalidArnException.class)
                .hasMessageContaining("Invalid Arn");
        assertThatThrownBy(() -> sfn.describeExecution(
                        d -> d.executionArn(server.stateMachineArn().replace("stateMachine", "execution") + ":x")))
                .isInstanceOf(ExecutionDoesNotExistException.class);
        assertThatThrownBy(() -> sfn.startExecution(s -> s.stateMachineArn(server.stateMachineArn() + "-other")))
                .isInstanceOf(StateMachineDoesNotExistException.class);
    }

    private DescribeExecutionResponse awaitEnd(String arn) {
        Instant until = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(until)) {
            DescribeExecutionResponse d = sfn.describeExecution(r -> r.executionArn(arn));
            if (d.status() != ExecutionStatus.RUNNING) {
                return d;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("execution " + arn + " did not end");
    }
}
