package org.messageexport.local;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.messageexport.config.OperatorEndpoints;
import org.messageexport.statemachine.StateMachineDefinition;
import org.messageexport.statemachine.StepFunctionsServer;

/**
 * A long-lived local deployment for the operator CLI: a {@link LocalDeployment} with its state machine behind a
 * loopback Step Functions API (StartExecution, DescribeExecution, ListExecutions, StopExecution), so that the CLI's
 * SDK client starts and watches local executions as it does in AWS. {@link #endpoints()} is what the CLI reads.
 */
public final class ServedDeployment implements AutoCloseable {
    /** Executions at once: the state machine serializes jobs itself (one running job; BUSY for the others). */
    static final int CONCURRENT_EXECUTIONS = 2;

    private final LocalDeployment deployment;
    private final StepFunctionsServer stepFunctions;

    private ServedDeployment(LocalDeployment deployment, StepFunctionsServer stepFunctions) {
        this.deployment = deployment;
        this.stepFunctions = stepFunctions;
    }

    /** Serves {@code deployment}'s state machine; closing this closes the deployment too. */
    public static ServedDeployment serve(LocalDeployment deployment) {
        StepFunctionsServer sfn = StepFunctionsServer.start(
                StateMachineDefinition.STATE_MACHINE_NAME,
                (input, name) -> deployment.runExecution(input, name, e -> {}),
                CONCURRENT_EXECUTIONS);
        return new ServedDeployment(deployment, sfn);
    }

    public LocalDeployment deployment() {
        return deployment;
    }

    public URI stepFunctionsEndpoint() {
        return stepFunctions.endpoint();
    }

    public String stateMachineArn() {
        return stepFunctions.stateMachineArn();
    }

    /** The state machine, the DLQ and the functions' environment (with the S3/SQS credentials of the stand-ins). */
    public OperatorEndpoints endpoints() {
        Map<String, String> env = new HashMap<>(deployment.environment());
        return new OperatorEndpoints(
                stateMachineArn(), Optional.of(stepFunctionsEndpoint()), deployment.deadLetterQueueUrl(), env);
    }

    /** Writes {@link #endpoints()} to {@code file} and returns it. */
    public Path writeEndpoints(Path file) {
        endpoints().write(file);
        return file;
    }

    @Override
    public void close() {
        stepFunctions.close();
        deployment.close();
    }
}
