package org.messageexport.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where a deployment's resources are, as the operator CLI needs them: the state machine (and a Step Functions
 * endpoint other than AWS's), the dead-letter queue, and the functions' environment ({@link EnvNames}: database,
 * Elasticsearch, bucket, work queue, their endpoints). The one codec of the file a local deployment writes
 * ({@code ./run-local serve}) and the CLI reads ({@code --local FILE}).
 *
 * @param stepFunctionsEndpoint empty: AWS's
 * @param deadLetterQueueUrl empty: unknown
 */
public record OperatorEndpoints(
        String stateMachineArn,
        Optional<URI> stepFunctionsEndpoint,
        Optional<String> deadLetterQueueUrl,
        Map<String, String> environment) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public OperatorEndpoints {
        environment = Map.copyOf(environment);
    }

    /** Writes the file (readable by its owner only where the file system allows: it holds credentials). */
    public void write(Path file) {
        ObjectNode root = JSON.createObjectNode();
        root.put("stateMachineArn", stateMachineArn);
        stepFunctionsEndpoint.ifPresent(u -> root.put("stepFunctionsEndpoint", u.toString()));
        deadLetterQueueUrl.ifPresent(u -> root.put("deadLetterQueueUrl", u));
        ObjectNode env = root.putObject("environment");
        new TreeMap<>(environment).forEach(env::put);
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, ".endpoints", ".json");
            try {
                tmp.toFile().setReadable(false, false);
                tmp.toFile().setReadable(true, true);
            } catch (SecurityException ignored) {
                // best effort
            }
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
            Files.move(
                    tmp,
                    file,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a file written by {@link #write}.
     *
     * @throws ConfigException one line naming the file and what is wrong with it
     */
    public static OperatorEndpoints read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigException("cannot read the endpoints file " + file + ": " + e.getMessage());
        }
        if (root == null
                || !root.path("stateMachineArn").isTextual()
                || !root.path("environment").isObject()) {
            throw new ConfigException("the endpoints file " + file
                    + " has no stateMachineArn or environment: is it from run-local serve?");
        }
        Map<String, String> env = new TreeMap<>();
        root.get("environment")
                .properties()
                .forEach(e -> env.put(e.getKey(), e.getValue().asText()));
        return new OperatorEndpoints(
                root.get("stateMachineArn").asText(),
                Optional.ofNullable(root.path("stepFunctionsEndpoint").textValue())
                        .map(URI::create),
                Optional.ofNullable(root.path("deadLetterQueueUrl").textValue()),
                env);
    }
}
