package org.messageexport.cli;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.messageexport.config.EnvNames;
import org.messageexport.config.OperatorEndpoints;

/**
 * Resolves {@link TargetOptions} into the deployment's {@link OperatorEndpoints}: the local endpoints file, the
 * stack's outputs over this process's environment, or the environment alone. Bad or missing options: an
 * {@link IllegalArgumentException} whose message is the one line the operator sees (exit code 2).
 */
final class OperatorTarget {
    /** The stack outputs the CLI reads (infra-cdk's MessageExportStack declares them). */
    static final String OUTPUT_STATE_MACHINE = "StateMachineArn";

    static final String OUTPUT_BUCKET = "BucketName";
    static final String OUTPUT_QUEUE = "WorkQueueUrl";
    static final String OUTPUT_DLQ = "DeadLetterQueueUrl";
    /** The environment variable of {@code --state-machine-arn}. */
    static final String STATE_MACHINE_ENV = "STATE_MACHINE_ARN";

    static final String DLQ_ENV = "DEAD_LETTER_QUEUE_URL";
    /** A Step Functions endpoint other than AWS's (e.g. a local deployment's loopback API). */
    static final String SFN_ENDPOINT_ENV = "SFN_ENDPOINT";

    private OperatorTarget() {}

    /**
     * @param env this process's environment
     * @param stackOutputs a stack's outputs by key (CloudFormation), called only with {@code --stack}
     */
    static OperatorEndpoints resolve(
            TargetOptions options, Map<String, String> env, Function<String, Map<String, String>> stackOutputs) {
        Path local = options.local != null
                ? options.local
                : (options.stack == null && env.get(TargetOptions.LOCAL_ENV) != null
                        ? Path.of(env.get(TargetOptions.LOCAL_ENV))
                        : null);
        if (local != null && options.stack != null) {
            throw new IllegalArgumentException("--local and --stack exclude each other");
        }
        if (local != null) {
            if (!Files.isRegularFile(local)) {
                throw new IllegalArgumentException("--local " + local
                        + ": no such file (start a local deployment with ./run-local serve; it writes the file)");
            }
            return OperatorEndpoints.read(local);
        }
        Map<String, String> functions = new HashMap<>(env);
        if (options.region != null) {
            functions.put("AWS_REGION", options.region);
        }
        String stateMachine = options.stateMachineArn != null ? options.stateMachineArn : env.get(STATE_MACHINE_ENV);
        Optional<String> dlq = Optional.ofNullable(env.get(DLQ_ENV));
        if (options.stack != null) {
            Map<String, String> outputs = stackOutputs.apply(options.stack);
            stateMachine = options.stateMachineArn != null
                    ? options.stateMachineArn
                    : required(outputs, options.stack, OUTPUT_STATE_MACHINE);
            functions.put(EnvNames.BUCKET, required(outputs, options.stack, OUTPUT_BUCKET));
            functions.put(EnvNames.QUEUE_URL, required(outputs, options.stack, OUTPUT_QUEUE));
            dlq = Optional.ofNullable(outputs.get(OUTPUT_DLQ)).or(() -> Optional.ofNullable(env.get(DLQ_ENV)));
        }
        if (stateMachine == null) {
            throw new IllegalArgumentException("no deployment given: use --local FILE, --stack NAME, or"
                    + " --state-machine-arn with the functions' environment (DB_URL, ES_URL, BUCKET, QUEUE_URL)");
        }
        Optional<URI> endpoint = Optional.ofNullable(env.get(SFN_ENDPOINT_ENV)).map(URI::create);
        return new OperatorEndpoints(stateMachine, endpoint, dlq, functions);
    }

    private static String required(Map<String, String> outputs, String stack, String key) {
        String v = outputs.get(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(
                    "stack " + stack + " has no output " + key + ": is it a Message Export stack?");
        }
        return v;
    }
}
