package org.messageexport.service;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.function.Consumer;
import org.messageexport.config.StateMachineTask;
import org.messageexport.extractor.ExtractorRuntime;
import org.messageexport.statemachine.ExecutionEvent;
import org.messageexport.statemachine.ExecutionResult;
import org.messageexport.statemachine.LambdaInvokeServer;
import org.messageexport.statemachine.LocalFunction;
import org.messageexport.statemachine.LocalStateMachineRunner;
import org.messageexport.statemachine.StateMachineDefinition;

/**
 * The state machine without Step Functions: one in-process function per row of the task table, built on one
 * {@link ExtractorRuntime}, behind a loopback Lambda Invoke API, and the definition (the ASL file, its placeholders set
 * to those functions) run by aws-local-stepfunctions. The scheduled run on a server and the local runner both use it;
 * in AWS the CDK stack deploys a Lambda function per row instead.
 */
public final class TaskFunctions implements AutoCloseable {
    /** Lambda's ceiling, which ExtractPage's time budget is cut to fit. */
    public static final Duration TASK_TIMEOUT = Duration.ofMinutes(15);

    /** Sees every task invocation on the invoking thread (the bench's timings); must be thread-safe. */
    @FunctionalInterface
    public interface TaskTimer {
        TaskTimer NONE = (task, nanos) -> {};

        void invoked(StateMachineTask task, long nanos);
    }

    private final LambdaInvokeServer lambdas;
    private final Duration executionTimeout;
    /** The definition with these functions' ARNs: read and filled once, run by every execution. */
    private final String definition =
            StateMachineDefinition.load().withLocalFunctionArns(StateMachineTask.functionNamesByPlaceholder());

    private TaskFunctions(LambdaInvokeServer lambdas, Duration executionTimeout) {
        this.lambdas = lambdas;
        this.executionTimeout = executionTimeout;
    }

    /**
     * Serves the task functions on a loopback port.
     *
     * @param executionTimeout the longest an execution may run before it is aborted
     */
    public static TaskFunctions start(ExtractorRuntime runtime, TaskTimer timer, Duration executionTimeout) {
        LambdaInvokeServer lambdas = LambdaInvokeServer.start(4);
        try {
            for (StateMachineTask task : StateMachineTask.values()) {
                lambdas.register(task.functionName(), function(task, runtime.handler(task), timer));
            }
        } catch (RuntimeException e) {
            lambdas.close();
            throw e;
        }
        return new TaskFunctions(lambdas, executionTimeout);
    }

    /** A task handler behind the loopback Invoke API, with a Lambda-like context and timeout. */
    private static LocalFunction function(StateMachineTask task, RequestStreamHandler handler, TaskTimer timer) {
        return payload -> {
            long t0 = System.nanoTime();
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                handler.handleRequest(
                        new ByteArrayInputStream(payload),
                        out,
                        new InvocationContext(task.functionName(), TASK_TIMEOUT));
                return out.toByteArray();
            } finally {
                timer.invoked(task, System.nanoTime() - t0);
            }
        };
    }

    /** Runs one execution of the export state machine to its end. */
    public ExecutionResult runExecution(JsonNode input, String executionName, Consumer<ExecutionEvent> events) {
        LocalStateMachineRunner runner = LocalStateMachineRunner.builder(lambdas.endpoint())
                .eventListener(events)
                .processTimeout(executionTimeout)
                .build();
        return runner.run(definition, input, executionName);
    }

    @Override
    public void close() {
        lambdas.close();
    }
}
