package org.messageexport.statemachine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs a state machine definition on aws-local-stepfunctions: starts {@code node run-state-machine.mjs} from this
 * module's Node package, which sends every Lambda Task to a loopback Lambda Invoke API (usually a
 * {@link LambdaInvokeServer}). The engine's events reach the {@linkplain Builder#eventListener listener} while the
 * execution runs; {@link #run} returns when it has ended.
 *
 * <p>The Node package directory is, in this order: {@link Builder#nodeDirectory}, the system property
 * {@value #NODE_DIR_PROPERTY}, the environment variable {@value #NODE_DIR_ENV}, else the directory this module was built
 * from (written into {@code local-node.properties} by the build). It needs {@code npm ci} once (the build does it).
 * The {@code node} executable is {@link Builder#nodeExecutable}, {@value #NODE_EXECUTABLE_PROPERTY},
 * {@value #NODE_EXECUTABLE_ENV}, else {@code node} from the PATH (Node.js 20 or later).
 *
 * <p>Immutable and thread-safe: executions may run at once, each in its own Node process.
 */
public final class LocalStateMachineRunner {

    public static final String NODE_DIR_PROPERTY = "messageexport.node.dir";
    public static final String NODE_DIR_ENV = "MESSAGE_EXPORT_NODE_DIR";
    public static final String NODE_EXECUTABLE_PROPERTY = "messageexport.node.executable";
    public static final String NODE_EXECUTABLE_ENV = "MESSAGE_EXPORT_NODE";

    static final String DRIVER = "run-state-machine.mjs";
    static final String ENGINE_PACKAGE = "aws-local-stepfunctions";
    private static final String BUILD_PROPERTIES = "/org/messageexport/statemachine/local-node.properties";
    private static final Duration TERMINATION_GRACE = Duration.ofSeconds(5);
    private static final int DIAGNOSTIC_LINES = 40;
    private static final System.Logger LOG = System.getLogger(LocalStateMachineRunner.class.getName());

    private final ObjectMapper json = new ObjectMapper();
    private final URI lambdaEndpoint;
    private final Path nodeDirectory;
    private final String nodeExecutable;
    private final String stateMachineName;
    private final boolean skipWaits;
    private final Duration retryInterval;
    private final boolean includeStateData;
    private final boolean validate;
    private final Duration processTimeout;
    private final Consumer<ExecutionEvent> eventListener;

    private LocalStateMachineRunner(Builder builder) {
        this.lambdaEndpoint = builder.lambdaEndpoint;
        this.nodeDirectory = checkedNodeDirectory(
                builder.nodeDirectory != null ? builder.nodeDirectory : configuredNodeDirectory(System.getenv()));
        this.nodeExecutable = builder.nodeExecutable != null ? builder.nodeExecutable : configuredNodeExecutable();
        this.stateMachineName = builder.stateMachineName;
        this.skipWaits = builder.skipWaits;
        this.retryInterval = builder.retryInterval;
        this.includeStateData = builder.includeStateData;
        this.validate = builder.validate;
        this.processTimeout = builder.processTimeout;
        this.eventListener = builder.eventListener;
    }

    /**
     * @param lambdaEndpoint the loopback Lambda Invoke API that every Lambda Task goes to, e.g.
     *     {@link LambdaInvokeServer#endpoint()}
     */
    public static Builder builder(URI lambdaEndpoint) {
        return new Builder(lambdaEndpoint);
    }

    /** The Node package directory in use (holding the driver and {@code node_modules}). */
    public Path nodeDirectory() {
        return nodeDirectory;
    }

    /** Runs {@code definition} with {@code input} under a random execution name. */
    public ExecutionResult run(String definition, JsonNode input) {
        return run(definition, input, UUID.randomUUID().toString());
    }

    /**
     * Runs a definition once and waits for the end of the execution (or the {@linkplain Builder#processTimeout process
     * timeout}, which aborts it).
     *
     * @param definition ASL JSON whose placeholders are substituted (e.g. {@link StateMachineDefinition#substitute})
     * @param input the execution input; {@code null} means {@code {}}
     * @param executionName sets {@code $$.Execution.Name} and the end of {@code $$.Execution.Id}
     * @throws LocalExecutionException if Node cannot start, refuses the definition, or ends without a result
     */
    public ExecutionResult run(String definition, JsonNode input, String executionName) {
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(executionName, "executionName");
        if (!StateMachineDefinition.of(definition).placeholders().isEmpty()) {
            throw new IllegalArgumentException("The definition still has placeholders "
                    + StateMachineDefinition.of(definition).placeholders() + ": substitute them first");
        }
        Path workDirectory = null;
        try {
            workDirectory = Files.createTempDirectory("local-sfn-");
            Path definitionFile = Files.writeString(workDirectory.resolve("definition.asl.json"), definition);
            Path inputFile = workDirectory.resolve("input.json");
            json.writeValue(inputFile.toFile(), input == null ? json.createObjectNode() : input);
            return execute(command(definitionFile, inputFile, executionName), executionName);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the local execution: " + e.getMessage(), e);
        } finally {
            deleteQuietly(workDirectory);
        }
    }

    private List<String> command(Path definitionFile, Path inputFile, String executionName) {
        List<String> command = new ArrayList<>(List.of(
                nodeExecutable,
                nodeDirectory.resolve(DRIVER).toString(),
                definitionFile.toString(),
                inputFile.toString(),
                "--endpoint",
                lambdaEndpoint.toString(),
                "--name",
                executionName,
                "--state-machine",
                stateMachineName));
        if (skipWaits) {
            command.add("--no-waits");
        }
        if (retryInterval != null) {
            command.add("--retry-interval-ms");
            command.add(Long.toString(retryInterval.toMillis()));
        }
        if (includeStateData) {
            command.add("--events-io");
        }
        if (validate) {
            command.add("--validate");
        }
        return command;
    }

    private ExecutionResult execute(List<String> command, String executionName) {
        long started = System.nanoTime();
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .directory(nodeDirectory.toFile())
                    .start();
        } catch (IOException e) {
            throw new LocalExecutionException(
                    "Cannot start Node.js '" + nodeExecutable + "' (" + e.getMessage()
                            + "): install Node.js 20 or later on the PATH, or set -D" + NODE_EXECUTABLE_PROPERTY
                            + " or " + NODE_EXECUTABLE_ENV + " to its path",
                    e);
        }
        closeStdin(process);
        try {
            Deque<String> diagnostics = new ArrayDeque<>();
            CompletableFuture<Void> events = CompletableFuture.runAsync(
                    () -> readEvents(process.getErrorStream(), diagnostics),
                    runnable -> daemon(runnable, "sfn-events"));
            CompletableFuture<String> stdout = CompletableFuture.supplyAsync(
                    () -> readAll(process.getInputStream()), runnable -> daemon(runnable, "sfn-result"));
            boolean ended = waitFor(process, processTimeout);
            if (!ended) {
                // SIGTERM makes the driver abort the execution and still print its result line (ABORTED).
                // Through the handle: Process.destroy() would also close the pipes before that line is read.
                process.toHandle().destroy();
                if (!waitFor(process, TERMINATION_GRACE)) {
                    process.destroyForcibly();
                    waitFor(process, TERMINATION_GRACE);
                }
            }
            String output;
            try {
                output = stdout.get(TERMINATION_GRACE.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (ended) {
                    throw e;
                }
                output = ""; // killed: destroyForcibly() closed the pipe
            }
            events.get(TERMINATION_GRACE.toSeconds(), TimeUnit.SECONDS);
            if (!ended && lastJsonLine(output) == null) {
                // stopped before the driver could report (e.g. still starting up): the execution was aborted all the
                // same
                return new ExecutionResult(
                        ExecutionStatus.ABORTED,
                        null,
                        null,
                        "Stopped by the process timeout of " + processTimeout,
                        executionArn(executionName),
                        executionName,
                        Duration.ofNanos(System.nanoTime() - started).toMillis());
            }
            return result(output, process.exitValue(), diagnostics);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new LocalExecutionException("Interrupted while the local execution ran", e);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new LocalExecutionException("Lost the output of the local execution: " + e.getMessage(), e);
        }
    }

    private ExecutionResult result(String stdout, int exitCode, Deque<String> diagnostics) {
        JsonNode line = lastJsonLine(stdout);
        if (line == null) {
            throw new LocalExecutionException("The local state machine driver ended (exit code " + exitCode
                    + ") without a result line; its last stderr lines: " + String.join(" | ", snapshot(diagnostics)));
        }
        String status = line.path("status").asText();
        String error = textOrNull(line, "error");
        String cause = textOrNull(line, "cause");
        ExecutionStatus executionStatus;
        try {
            executionStatus = ExecutionStatus.valueOf(status);
        } catch (IllegalArgumentException e) {
            throw new LocalExecutionException(
                    "The local engine did not run the execution: " + status + " " + error + ": " + cause);
        }
        JsonNode output = executionStatus == ExecutionStatus.SUCCEEDED ? line.get("output") : null;
        return new ExecutionResult(
                executionStatus,
                output,
                error,
                cause,
                textOrNull(line, "executionArn"),
                textOrNull(line, "name"),
                line.path("durationMs").asLong());
    }

    private String executionArn(String executionName) {
        return "arn:aws:states:" + StateMachineDefinition.LOCAL_REGION + ":" + StateMachineDefinition.LOCAL_ACCOUNT
                + ":execution:" + stateMachineName + ":" + executionName;
    }

    private void readEvents(InputStream stderr, Deque<String> diagnostics) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stderr, StandardCharsets.UTF_8))) {
            boolean listenerFailed = false;
            for (String line; (line = reader.readLine()) != null; ) {
                JsonNode event = line.startsWith("{") ? parseOrNull(line) : null;
                if (event == null || !event.hasNonNull("event")) {
                    // Node's own warnings or a crash's stack trace: kept for the error message, logged for a person
                    LOG.log(Level.DEBUG, "node: {0}", line);
                    synchronized (diagnostics) {
                        diagnostics.addLast(line);
                        if (diagnostics.size() > DIAGNOSTIC_LINES) {
                            diagnostics.removeFirst();
                        }
                    }
                    continue;
                }
                if (eventListener != null && !listenerFailed) {
                    try {
                        eventListener.accept(ExecutionEvent.fromLine(event));
                    } catch (RuntimeException e) {
                        // keep draining stderr, or the Node process blocks on a full pipe
                        listenerFailed = true;
                        LOG.log(Level.WARNING, "Execution event listener failed; it gets no more events", e);
                    }
                }
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "Stopped reading the driver's events", e);
        }
    }

    private JsonNode lastJsonLine(String text) {
        String[] lines = text.strip().split("\\R");
        for (int i = lines.length - 1; i >= 0; i--) {
            JsonNode node = lines[i].startsWith("{") ? parseOrNull(lines[i]) : null;
            if (node != null && node.has("status")) {
                return node;
            }
        }
        return null;
    }

    private JsonNode parseOrNull(String line) {
        try {
            return json.readTree(line);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String textOrNull(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static List<String> snapshot(Deque<String> diagnostics) {
        synchronized (diagnostics) {
            return List.copyOf(diagnostics);
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void closeStdin(Process process) {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // the driver reads its input from a file; a process that died already shows in its result
            LOG.log(Level.DEBUG, "Could not close the driver's stdin", e);
        }
    }

    private static boolean waitFor(Process process, Duration timeout) throws InterruptedException {
        if (timeout == null) {
            process.waitFor();
            return true;
        }
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void deleteQuietly(Path directory) {
        if (directory == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "Could not delete " + directory, e);
        }
    }

    static Path configuredNodeDirectory(Map<String, String> environment) {
        String property = System.getProperty(NODE_DIR_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String variable = environment.get(NODE_DIR_ENV);
        if (variable != null && !variable.isBlank()) {
            return Path.of(variable);
        }
        Properties built = new Properties();
        try (InputStream in = LocalStateMachineRunner.class.getResourceAsStream(BUILD_PROPERTIES)) {
            if (in != null) {
                built.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + BUILD_PROPERTIES, e);
        }
        String builtDirectory = built.getProperty("node.dir");
        if (builtDirectory == null || builtDirectory.isBlank() || builtDirectory.contains("${")) {
            throw new LocalExecutionException("No Node package directory for the local state machine: set -D"
                    + NODE_DIR_PROPERTY + " or " + NODE_DIR_ENV + " to statemachine/src/main/node");
        }
        return Path.of(builtDirectory);
    }

    static Path checkedNodeDirectory(Path directory) {
        Path absolute = directory.toAbsolutePath().normalize();
        if (!Files.isRegularFile(absolute.resolve(DRIVER))) {
            throw new LocalExecutionException("No " + DRIVER + " in " + absolute + ": point -D" + NODE_DIR_PROPERTY
                    + " or " + NODE_DIR_ENV + " at statemachine/src/main/node");
        }
        if (!Files.isRegularFile(
                absolute.resolve("node_modules").resolve(ENGINE_PACKAGE).resolve("package.json"))) {
            throw new LocalExecutionException(
                    ENGINE_PACKAGE + " is not installed in " + absolute + ": run `npm ci` in that directory");
        }
        return absolute;
    }

    private static String configuredNodeExecutable() {
        String property = System.getProperty(NODE_EXECUTABLE_PROPERTY);
        if (property != null && !property.isBlank()) {
            return property;
        }
        String variable = System.getenv(NODE_EXECUTABLE_ENV);
        return variable != null && !variable.isBlank() ? variable : "node";
    }

    /** Options of a {@link LocalStateMachineRunner}; the defaults run as on AWS (real waits and retry intervals). */
    public static final class Builder {
        private final URI lambdaEndpoint;
        private Path nodeDirectory;
        private String nodeExecutable;
        private String stateMachineName = StateMachineDefinition.STATE_MACHINE_NAME;
        private boolean skipWaits;
        private Duration retryInterval;
        private boolean includeStateData;
        private boolean validate;
        private Duration processTimeout;
        private Consumer<ExecutionEvent> eventListener;

        private Builder(URI lambdaEndpoint) {
            this.lambdaEndpoint = Objects.requireNonNull(lambdaEndpoint, "lambdaEndpoint");
        }

        /** The directory holding {@code run-state-machine.mjs} and {@code node_modules}. */
        public Builder nodeDirectory(Path directory) {
            this.nodeDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** The {@code node} executable: a path, or a name looked up on the PATH. */
        public Builder nodeExecutable(String executable) {
            this.nodeExecutable = Objects.requireNonNull(executable, "executable");
            return this;
        }

        /** The state machine name in the ARNs; default {@value StateMachineDefinition#STATE_MACHINE_NAME}. */
        public Builder stateMachineName(String name) {
            this.stateMachineName = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Every Wait state takes no time (tests, fast demos). */
        public Builder skipWaits(boolean skip) {
            this.skipWaits = skip;
            return this;
        }

        /** Every retry waits this long instead of its retrier's interval and backoff; {@code null}: as defined. */
        public Builder retryInterval(Duration interval) {
            if (interval != null && interval.isNegative()) {
                throw new IllegalArgumentException("retryInterval must not be negative, got " + interval);
            }
            this.retryInterval = interval;
            return this;
        }

        /** Events carry each state's input and output in {@link ExecutionEvent#json()}. */
        public Builder includeStateData(boolean include) {
            this.includeStateData = include;
            return this;
        }

        /** Validate the definition with asl-validator before each run (about 0.2 s; the build validates already). */
        public Builder validate(boolean validate) {
            this.validate = validate;
            return this;
        }

        /** Abort the execution when it runs longer than this; {@code null} (default): only its own TimeoutSeconds. */
        public Builder processTimeout(Duration timeout) {
            if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
                throw new IllegalArgumentException("processTimeout must be positive, got " + timeout);
            }
            this.processTimeout = timeout;
            return this;
        }

        /** Receives the engine's events, in order, on a single thread, while the execution runs. */
        public Builder eventListener(Consumer<ExecutionEvent> listener) {
            this.eventListener = listener;
            return this;
        }

        /**
         * @throws LocalExecutionException if the Node package directory is unknown or lacks {@code node_modules}
         */
        public LocalStateMachineRunner build() {
            return new LocalStateMachineRunner(this);
        }
    }
}
