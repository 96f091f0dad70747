package org.messageexport.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Which deployment a command talks to (picocli mixin of every command): a local one ({@code --local FILE}, written by
 * {@code ./run-local serve}), a deployed stack ({@code --stack NAME}: its CloudFormation outputs), or the functions'
 * environment variables of this process with {@code --state-machine-arn}. Credentials: the default AWS chain.
 */
public final class TargetOptions {
    /** The environment variable that names the endpoints file when {@code --local} is not given. */
    public static final String LOCAL_ENV = "MESSAGE_EXPORT_LOCAL";

    @Option(
            names = "--local",
            paramLabel = "FILE",
            description = "A local deployment's endpoints file (./run-local serve writes local-data/endpoints.json);"
                    + " default: $" + LOCAL_ENV + ".")
    Path local;

    @Option(
            names = "--stack",
            paramLabel = "NAME",
            description = "A deployed stack: state machine, bucket and queues from its CloudFormation outputs; the"
                    + " database and Elasticsearch from this process's environment (DB_URL, DB_SECRET_ARN, ES_URL, …).")
    String stack;

    @Option(names = "--region", description = "AWS region (default: the SDK's chain, e.g. $AWS_REGION).")
    String region;

    @Option(
            names = "--state-machine-arn",
            description = "The export state machine (without --stack or --local; else $STATE_MACHINE_ARN).")
    String stateMachineArn;

    @Option(names = "--json", description = "Print the result as one JSON document (for scripts).")
    boolean json;

    @Option(names = "--verbose", description = "Log what the clients do (stderr).")
    boolean verbose;
}
