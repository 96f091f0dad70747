package org.messageexport.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.messageexport.adapter.mysql.MySqlJobSettlement;
import org.messageexport.adapter.mysql.MySqlJobStore;
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.statemachine.ExecutionEvent;
import org.messageexport.statemachine.ExecutionResult;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The whole export on one machine, wired the way the CDK stack wires it in AWS: the {@link LocalInfrastructure}
 * (services, bucket, queues, migrated database) and on it the {@link LocalFunctions} (the task handlers behind a
 * loopback Lambda Invoke API that the same state machine definition calls, run by aws-local-stepfunctions, and the
 * worker fed by an SQS event source poller).
 */
public final class LocalDeployment implements AutoCloseable {
    private final LocalInfrastructure infrastructure;
    private final LocalFunctions functions;

    private LocalDeployment(LocalInfrastructure infrastructure, LocalFunctions functions) {
        this.infrastructure = infrastructure;
        this.functions = functions;
    }

    /** Starts services (unless external), creates bucket and queues, migrates the database, wires the functions. */
    public static LocalDeployment start(LocalSettings settings, Consumer<String> status) throws IOException {
        return start(settings, null, status);
    }

    /**
     * On already running embedded services (kept running on close), e.g. a test JVM's shared ones; the
     * deployment gets queues of its own and the settings' bucket.
     */
    public static LocalDeployment start(LocalSettings settings, EmbeddedServices shared, Consumer<String> status)
            throws IOException {
        return start(settings, shared, status, LocalFunctions.Instrumentation.NONE);
    }

    /** As {@link #start(LocalSettings, EmbeddedServices, Consumer)}, with every invocation reported to {@code instrumentation}. */
    public static LocalDeployment start(
            LocalSettings settings,
            EmbeddedServices shared,
            Consumer<String> status,
            LocalFunctions.Instrumentation instrumentation)
            throws IOException {
        LocalInfrastructure infrastructure = LocalInfrastructure.start(settings, shared, status);
        try {
            return new LocalDeployment(infrastructure, LocalFunctions.start(infrastructure, instrumentation));
        } catch (RuntimeException e) {
            infrastructure.close();
            throw e;
        }
    }

    /** Runs one execution of the export state machine to its end. */
    public ExecutionResult runExecution(JsonNode input, String executionName, Consumer<ExecutionEvent> events) {
        return functions.runExecution(input, executionName, events);
    }

    public Map<String, String> environment() {
        return infrastructure.environment();
    }

    public MySqlJobStore jobs() {
        return infrastructure.jobs();
    }

    public MySqlJobSettlement tracking() {
        return infrastructure.tracking();
    }

    public javax.sql.DataSource database() {
        return infrastructure.database();
    }

    public Optional<EmbeddedServices> embeddedServices() {
        return infrastructure.embeddedServices();
    }

    public S3Client s3() {
        return infrastructure.s3();
    }

    public SqsClient sqs() {
        return infrastructure.sqs();
    }

    public String queueUrl() {
        return infrastructure.queueUrl();
    }

    public Optional<String> deadLetterQueueUrl() {
        return infrastructure.deadLetterQueueUrl();
    }

    /** Where the bucket's objects are files (embedded S3 only). */
    public Optional<Path> bucketDirectory() {
        return infrastructure.bucketDirectory();
    }

    public LocalSettings settings() {
        return infrastructure.settings();
    }

    public long workerInvocations() {
        return functions.workerInvocations();
    }

    @Override
    public void close() {
        functions.close();
        infrastructure.close();
    }
}
