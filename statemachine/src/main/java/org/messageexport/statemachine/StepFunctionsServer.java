package org.messageexport.statemachine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The AWS Step Functions API (AWS JSON 1.0: {@code POST /}, {@code X-Amz-Target: AWSStepFunctions.<Operation>},
 * content type {@code application/x-amz-json-1.0}) on a loopback port, for one state machine whose executions an
 * {@link ExecutionRunner} runs (the local ASL engine). Serves StartExecution, DescribeExecution, ListExecutions and
 * StopExecution, so that the SDK's {@code SfnClient} with an endpoint override drives local executions as it drives
 * AWS.
 *
 * <p>As AWS: StartExecution is idempotent for a running execution of the same name and input, and answers
 * {@code ExecutionAlreadyExists} for another input or an ended execution; a malformed ARN is {@code InvalidArn}, an
 * unknown one {@code ExecutionDoesNotExist} or {@code StateMachineDoesNotExist}; errors are HTTP 400 with
 * {@code {"__type","message"}}. Executions live as long as the server (no persistence). Thread-safe.
 */
public final class StepFunctionsServer implements AutoCloseable {

    /** Runs one execution to its end (blocking); interrupted when the execution is stopped. */
    @FunctionalInterface
    public interface ExecutionRunner {
        ExecutionResult run(JsonNode input, String executionName);
    }

    private static final System.Logger LOG = System.getLogger(StepFunctionsServer.class.getName());
    private static final String TARGET_PREFIX = "AWSStepFunctions.";
    private static final String CONTENT_TYPE = "application/x-amz-json-1.0";
    private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9_-]{1,80}$");
    private static final int MAX_INPUT_BYTES = 256 * 1024;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService http;
    private final ExecutorService executions;
    private final ExecutionRunner runner;
    private final String stateMachineArn;
    private final String executionArnPrefix;
    private final Clock clock;
    private final Map<String, Execution> byArn = new ConcurrentHashMap<>();
    private final URI endpoint;

    private StepFunctionsServer(
            HttpServer server,
            ExecutorService http,
            ExecutorService executions,
            ExecutionRunner runner,
            String stateMachineName,
            Clock clock) {
        this.server = server;
        this.http = http;
        this.executions = executions;
        this.runner = runner;
        String account = StateMachineDefinition.LOCAL_REGION + ":" + StateMachineDefinition.LOCAL_ACCOUNT;
        this.stateMachineArn = "arn:aws:states:" + account + ":stateMachine:" + stateMachineName;
        this.executionArnPrefix = "arn:aws:states:" + account + ":execution:" + stateMachineName + ":";
        this.clock = clock;
        this.endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /**
     * Serves the state machine {@code stateMachineName} on 127.0.0.1 and a free port.
     *
     * @param concurrentExecutions executions that run at once; further ones wait in RUNNING
     */
    public static StepFunctionsServer start(String stateMachineName, ExecutionRunner runner, int concurrentExecutions) {
        Objects.requireNonNull(runner, "runner");
        if (concurrentExecutions < 1) {
            throw new IllegalArgumentException("concurrentExecutions must be >= 1, got " + concurrentExecutions);
        }
        HttpServer httpServer;
        try {
            httpServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open a loopback port for the Step Functions API", e);
        }
        ExecutorService http = Executors.newFixedThreadPool(4, daemonThreads("sfn-api-"));
        ExecutorService executions =
                Executors.newFixedThreadPool(concurrentExecutions, daemonThreads("sfn-execution-"));
        StepFunctionsServer sfn =
                new StepFunctionsServer(httpServer, http, executions, runner, stateMachineName, Clock.systemUTC());
        httpServer.createContext("/", sfn::handle);
        httpServer.setExecutor(http);
        httpServer.start();
        return sfn;
    }

    /** {@code http://127.0.0.1:<port>}: the SDK's endpoint override. */
    public URI endpoint() {
        return endpoint;
    }

    /** {@code arn:aws:states:us-east-1:123456789012:stateMachine:<name>}. */
    public String stateMachineArn() {
        return stateMachineArn;
    }

    /** Stops serving; running executions are interrupted (aborted). */
    @Override
    public void close() {
        server.stop(0);
        http.shutdownNow();
        executions.shutdownNow();
    }

    /** A client error in AWS's shape. */
    private static final class ApiException extends RuntimeException {
        private final String type;

        ApiException(String type, String message) {
            super(message);
            this.type = type;
        }
    }

    private final class Execution {
        final String arn;
        final String name;
        final String input;
        final Instant startDate;
        volatile ExecutionStatus status; // null = RUNNING
        volatile ExecutionResult result;
        volatile Instant stopDate;
        volatile String stopCause;
        volatile Future<?> future;

        Execution(String arn, String name, String input, Instant startDate) {
            this.arn = arn;
            this.name = name;
            this.input = input;
            this.startDate = startDate;
        }

        synchronized void end(ExecutionStatus s, ExecutionResult r, String cause) {
            if (status != null) {
                return; // stopped first: the stop wins
            }
            status = s;
            result = r;
            stopCause = cause;
            stopDate = clock.instant();
        }

        String statusName() {
            ExecutionStatus s = status;
            return s == null ? "RUNNING" : s.name();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            ObjectNode answer;
            try {
                if (!"POST".equals(exchange.getRequestMethod())
                        || target == null
                        || !target.startsWith(TARGET_PREFIX)) {
                    throw new ApiException(
                            "UnknownOperationException", "Expected POST with X-Amz-Target AWSStepFunctions.*");
                }
                JsonNode request = parse(body);
                answer = switch (target.substring(TARGET_PREFIX.length())) {
                    case "StartExecution" -> startExecution(request);
                    case "DescribeExecution" -> describeExecution(request);
                    case "ListExecutions" -> listExecutions(request);
                    case "StopExecution" -> stopExecution(request);
                    default -> throw new ApiException("UnknownOperationException", "Unknown operation " + target);
                };
            } catch (ApiException e) {
                ObjectNode error = json.createObjectNode();
                error.put("__type", e.type);
                error.put("message", e.getMessage());
                send(exchange, 400, error);
                return;
            }
            send(exchange, 200, answer);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "Step Functions API could not answer", e);
        }
    }

    private JsonNode parse(byte[] body) {
        try {
            JsonNode node = json.readTree(body.length == 0 ? "{}".getBytes() : body);
            if (node == null || !node.isObject()) {
                throw new ApiException("SerializationException", "The request body is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new ApiException("SerializationException", "The request body is not JSON: " + e.getMessage());
        }
    }

    private ObjectNode startExecution(JsonNode request) {
        checkStateMachine(text(request, "stateMachineArn", true));
        String name = text(request, "name", false);
        if (name == null) {
            name = UUID.randomUUID().toString();
        } else if (!NAME.matcher(name).matches()) {
            throw new ApiException("InvalidName", "Invalid execution name: " + name);
        }
        String inputText = text(request, "input", false);
        if (inputText == null) {
            inputText = "{}";
        }
        if (inputText.length() > MAX_INPUT_BYTES) {
            throw new ApiException("InvalidExecutionInput", "The input is larger than 256 KB");
        }
        JsonNode input;
        try {
            input = json.readTree(inputText);
        } catch (JsonProcessingException e) {
            throw new ApiException("InvalidExecutionInput", "The input is not JSON: " + e.getOriginalMessage());
        }
        String arn = executionArnPrefix + name;
        Execution created = new Execution(arn, name, inputText, clock.instant());
        Execution existing = byArn.putIfAbsent(arn, created);
        if (existing != null) {
            if (existing.status == null && existing.input.equals(inputText)) {
                return startAnswer(existing);
            }
            throw new ApiException("ExecutionAlreadyExists", "Execution Already Exists: '" + arn + "'");
        }
        JsonNode runInput = input;
        created.future = executions.submit(() -> run(created, runInput));
        return startAnswer(created);
    }

    private void run(Execution execution, JsonNode input) {
        if (execution.status != null) {
            return; // stopped while it waited for a slot
        }
        try {
            ExecutionResult result = runner.run(input, execution.name);
            execution.end(result.status(), result, null);
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                execution.end(ExecutionStatus.ABORTED, null, "stopped");
            } else {
                LOG.log(Level.WARNING, "execution " + execution.name + " could not run", e);
                execution.end(ExecutionStatus.FAILED, null, e.getMessage());
            }
        }
    }

    private ObjectNode startAnswer(Execution execution) {
        ObjectNode out = json.createObjectNode();
        out.put("executionArn", execution.arn);
        out.put("startDate", epochSeconds(execution.startDate));
        return out;
    }

    private ObjectNode describeExecution(JsonNode request) {
        Execution e = execution(text(request, "executionArn", true));
        ObjectNode out = json.createObjectNode();
        out.put("executionArn", e.arn);
        out.put("stateMachineArn", stateMachineArn);
        out.put("name", e.name);
        out.put("status", e.statusName());
        out.put("startDate", epochSeconds(e.startDate));
        out.put("input", e.input);
        if (e.stopDate != null) {
            out.put("stopDate", epochSeconds(e.stopDate));
        }
        ExecutionResult r = e.result;
        if (r != null && r.output() != null) {
            out.put("output", r.output().toString());
        }
        if (r != null && r.error() != null) {
            out.put("error", r.error());
        }
        if (r != null && r.cause() != null) {
            out.put("cause", r.cause());
        } else if (e.stopCause != null) {
            out.put("cause", e.stopCause);
        }
        return out;
    }

    private ObjectNode listExecutions(JsonNode request) {
        checkStateMachine(text(request, "stateMachineArn", true));
        String filter = text(request, "statusFilter", false);
        int max = request.path("maxResults").asInt(100);
        if (max <= 0 || max > 1000) {
            max = 100;
        }
        List<Execution> matching = new ArrayList<>(byArn.values());
        matching.removeIf(e -> filter != null && !filter.equals(e.statusName()));
        matching.sort(Comparator.comparing((Execution e) -> e.startDate).reversed());
        int from = 0;
        String token = text(request, "nextToken", false);
        if (token != null) {
            try {
                from = Integer.parseInt(token);
            } catch (NumberFormatException e) {
                throw new ApiException("InvalidToken", "Invalid nextToken: " + token);
            }
        }
        ObjectNode out = json.createObjectNode();
        ArrayNode list = out.putArray("executions");
        int to = Math.min(matching.size(), from + max);
        for (Execution e : matching.subList(Math.min(from, to), to)) {
            ObjectNode item = list.addObject();
            item.put("executionArn", e.arn);
            item.put("stateMachineArn", stateMachineArn);
            item.put("name", e.name);
            item.put("status", e.statusName());
            item.put("startDate", epochSeconds(e.startDate));
            if (e.stopDate != null) {
                item.put("stopDate", epochSeconds(e.stopDate));
            }
        }
        if (to < matching.size()) {
            out.put("nextToken", Integer.toString(to));
        }
        return out;
    }

    private ObjectNode stopExecution(JsonNode request) {
        Execution e = execution(text(request, "executionArn", true));
        String cause = text(request, "cause", false);
        e.end(ExecutionStatus.ABORTED, null, cause);
        Future<?> f = e.future;
        if (f != null) {
            f.cancel(true);
        }
        ObjectNode out = json.createObjectNode();
        out.put("stopDate", epochSeconds(e.stopDate == null ? clock.instant() : e.stopDate));
        return out;
    }

    private Execution execution(String arn) {
        if (!arn.startsWith("arn:aws:states:") || !arn.contains(":execution:")) {
            throw new ApiException("InvalidArn", "Invalid Arn: '" + arn + "'");
        }
        Execution e = byArn.get(arn);
        if (e == null) {
            throw new ApiException("ExecutionDoesNotExist", "Execution Does Not Exist: '" + arn + "'");
        }
        return e;
    }

    private void checkStateMachine(String arn) {
        if (!arn.startsWith("arn:aws:states:") || !arn.contains(":stateMachine:")) {
            throw new ApiException("InvalidArn", "Invalid Arn: '" + arn + "'");
        }
        if (!arn.equals(stateMachineArn)) {
            throw new ApiException("StateMachineDoesNotExist", "State Machine Does Not Exist: '" + arn + "'");
        }
    }

    private static String text(JsonNode request, String field, boolean required) {
        JsonNode v = request.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new ApiException(
                        "ValidationException", "1 validation error detected: '" + field + "' is required");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new ApiException("SerializationException", "'" + field + "' must be a string");
        }
        return v.asText();
    }

    private static double epochSeconds(Instant t) {
        return t.toEpochMilli() / 1000.0;
    }

    private void send(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
