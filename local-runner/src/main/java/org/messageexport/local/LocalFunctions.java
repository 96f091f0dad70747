package org.messageexport.local;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.messageexport.adapter.ResourceStack;
import org.messageexport.config.SecretLookup;
import org.messageexport.config.StateMachineTask;
import org.messageexport.domain.Deadline;
import org.messageexport.extractor.ExtractorConfig;
import org.messageexport.extractor.ExtractorRuntime;
import org.messageexport.port.ObjectStore;
import org.messageexport.service.SqsEventSource;
import org.messageexport.service.TaskFunctions;
import org.messageexport.statemachine.ExecutionEvent;
import org.messageexport.statemachine.ExecutionResult;
import org.messageexport.worker.ExportBatchHandler;
import org.messageexport.worker.WorkerComponents;
import org.messageexport.worker.WorkerConfig;

/**
 * The functions of a local deployment, in-process, as the CDK stack deploys them in AWS: the task functions behind a
 * loopback Lambda Invoke API ({@link TaskFunctions}, which the state machine's Task states call), and the worker fed by
 * the SQS event source of the worker service ({@link SqsEventSource}), as Lambda's event source mapping feeds it.
 */
public final class LocalFunctions implements AutoCloseable {
    /** The worker function's timeout (the CDK default): the deadline of each batch. */
    static final Duration WORKER_TIMEOUT = Duration.ofMinutes(5);
    /** Receives wait briefly, so that closing a deployment is quick. */
    static final Duration POLL_WAIT = Duration.ofSeconds(1);

    /**
     * Sees every function invocation of the deployment, on the invoking thread (the bench's timings).
     * Implementations must be thread-safe: task functions and worker invocations run concurrently.
     */
    public interface Instrumentation {
        Instrumentation NONE = new Instrumentation() {};

        /** A task's function returned or threw after {@code nanos}. */
        default void taskInvoked(StateMachineTask task, long nanos) {}

        /** The worker handled an event of {@code records} SQS records in {@code nanos}. */
        default void workerInvoked(int records, long nanos) {}

        /** The worker's object store wrote {@code objects} objects in one {@code putAllJson} of {@code nanos}. */
        default void objectsPut(int objects, long nanos) {}

        /** The worker is about to handle {@code event} (the fault suite deletes messages here). */
        default void beforeWorker(SQSEvent event) {}

        /** The worker's object store as the worker uses it: the fault suite wraps it to fail some PUTs. */
        default ObjectStore objectStore(ObjectStore store) {
            return store;
        }
    }

    private final TaskFunctions tasks;
    private final SqsEventSource worker;
    private final ResourceStack opened;

    private LocalFunctions(TaskFunctions tasks, SqsEventSource worker, ResourceStack opened) {
        this.tasks = tasks;
        this.worker = worker;
        this.opened = opened;
    }

    /** The task functions and the worker on {@code infrastructure}, each invocation reported to {@code instrumentation}. */
    public static LocalFunctions start(LocalInfrastructure infrastructure, Instrumentation instrumentation) {
        ResourceStack opened = new ResourceStack();
        try {
            var environment = infrastructure.environment();
            ExtractorRuntime extractor = opened.push(
                    new ExtractorRuntime(ExtractorConfig.fromEnv(environment, SecretLookup.NONE), Clock.systemUTC()));
            WorkerConfig workerConfig = WorkerConfig.fromEnv(environment, SecretLookup.NONE);
            WorkerComponents components = opened.push(
                    instrumentation == Instrumentation.NONE
                            ? WorkerComponents.create(workerConfig)
                            : WorkerComponents.create(
                                    workerConfig,
                                    http -> http,
                                    store -> instrumentation.objectStore(timed(store, instrumentation))));
            ExportBatchHandler handler = new ExportBatchHandler(components);

            TaskFunctions tasks =
                    opened.push(TaskFunctions.start(extractor, instrumentation::taskInvoked, Duration.ofHours(6)));
            LocalSettings settings = infrastructure.settings();
            SqsEventSource worker = opened.push(new SqsEventSource(
                            infrastructure.sqs(),
                            new SqsEventSource.Settings(
                                    infrastructure.queueUrl(),
                                    settings.workerConcurrency(),
                                    settings.workerBatchSize(),
                                    WORKER_TIMEOUT,
                                    settings.visibilityTimeout(),
                                    POLL_WAIT),
                            (event, deadline) -> {
                                long t0 = System.nanoTime();
                                instrumentation.beforeWorker(event);
                                try {
                                    return handler.handle(event, deadline);
                                } finally {
                                    instrumentation.workerInvoked(
                                            event.getRecords().size(), System.nanoTime() - t0);
                                }
                            },
                            Clock.systemUTC())
                    .start());
            return new LocalFunctions(tasks, worker, opened);
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    /** The worker's object store, its {@code putAllJson} calls timed. */
    private static ObjectStore timed(ObjectStore store, Instrumentation instrumentation) {
        return new ObjectStore() {
            @Override
            public void put(String key, byte[] body, String contentType) {
                store.put(key, body, contentType);
            }

            @Override
            public List<PutFailure> putAllJson(List<JsonObject> objects, Deadline deadline) {
                long t0 = System.nanoTime();
                try {
                    return store.putAllJson(objects, deadline);
                } finally {
                    instrumentation.objectsPut(objects.size(), System.nanoTime() - t0);
                }
            }
        };
    }

    /** Runs one execution of the export state machine (the ASL file, its tasks on these functions) to its end. */
    public ExecutionResult runExecution(JsonNode input, String executionName, Consumer<ExecutionEvent> events) {
        return tasks.runExecution(input, executionName, events);
    }

    public long workerInvocations() {
        return worker.stats().batches();
    }

    /** Stops the worker's event source (draining it) and the Invoke API, then closes the worker's and the task functions' clients. */
    @Override
    public void close() {
        opened.close();
    }
}
