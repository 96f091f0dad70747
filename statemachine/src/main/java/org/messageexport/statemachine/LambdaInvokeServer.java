package org.messageexport.statemachine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The AWS Lambda Invoke API ({@code POST /2015-03-31/functions/{name}/invocations}, RequestResponse) on a loopback port,
 * dispatching to {@link LocalFunction}s by function name. The local state machine engine sends every Lambda Task here.
 *
 * <p>Answers as AWS does: the function's result with HTTP 200; an exception thrown by the function with HTTP 200,
 * {@code X-Amz-Function-Error: Unhandled} and the Java runtime's error body
 * ({@code errorType} = the exception's full class name, {@code errorMessage}, {@code stackTrace}); a
 * {@link LambdaServiceException} with its status and {@code x-amzn-ErrorType}; an unknown function with 404
 * {@code ResourceNotFoundException}. Thread-safe: functions may be registered while it serves.
 */
public final class LambdaInvokeServer implements AutoCloseable {

    public static final int DEFAULT_THREADS = 4;

    private static final System.Logger LOG = System.getLogger(LambdaInvokeServer.class.getName());
    private static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";
    private static final String CONTEXT = "/2015-03-31/functions/";
    private static final Pattern INVOCATION_PATH = Pattern.compile("^" + CONTEXT + "([^/]+)/invocations/?$");
    // arn:aws:lambda:us-east-1:123456789012:function:name[:qualifier], 123456789012:function:name[:qualifier],
    // name[:qualifier]
    private static final Pattern FUNCTION_REFERENCE = Pattern.compile(
            "^(?:arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\\d{12}:function:|\\d{12}:function:)?([A-Za-z0-9_-]+)(?::[A-Za-z0-9$_-]+)?$");
    private static final int MAX_CAUSE_DEPTH = 5;

    static {
        // Without TCP_NODELAY every response waits for the peer's delayed ACK (about 24 ms per Task on JDK 17).
        // The JDK reads the property once, when its first HttpServer is created.
        if (System.getProperty(NODELAY_PROPERTY) == null) {
            System.setProperty(NODELAY_PROPERTY, "true");
        }
    }

    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, LocalFunction> functions = new ConcurrentHashMap<>();
    private final HttpServer server;
    private final ExecutorService executor;
    private final URI endpoint;

    private LambdaInvokeServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
        this.endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Starts a server on 127.0.0.1 and a free port with {@value #DEFAULT_THREADS} threads. */
    public static LambdaInvokeServer start() {
        return start(DEFAULT_THREADS);
    }

    /** Starts a server on 127.0.0.1 and a free port; {@code threads} bounds the invocations served at once. */
    public static LambdaInvokeServer start(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        HttpServer httpServer;
        try {
            httpServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open a loopback port for the Lambda Invoke API", e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(threads, daemonThreads());
        LambdaInvokeServer invokeServer = new LambdaInvokeServer(httpServer, executor);
        httpServer.createContext("/", invokeServer::handle);
        httpServer.setExecutor(executor);
        httpServer.start();
        return invokeServer;
    }

    /**
     * Serves {@code function} under its name, replacing any function registered under it.
     *
     * @param functionName a bare name ({@code plan-job}) or a function ARN, whose name is used
     */
    public LambdaInvokeServer register(String functionName, LocalFunction function) {
        Objects.requireNonNull(function, "function");
        functions.put(nameOf(functionName), function);
        return this;
    }

    /** Stops serving the function; an invocation then gets 404 ResourceNotFoundException. */
    public LambdaInvokeServer unregister(String functionName) {
        functions.remove(nameOf(functionName));
        return this;
    }

    /** {@code http://127.0.0.1:<port>}: the value for the driver's {@code --endpoint} or an SDK's endpoint override. */
    public URI endpoint() {
        return endpoint;
    }

    public int port() {
        return endpoint.getPort();
    }

    /** Stops accepting calls; calls being answered are given up to a second. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }

    /**
     * The bare function name of a reference as the Invoke API accepts it: a name, a partial ARN or a function ARN, each
     * with an optional version or alias (ignored here: every qualifier reaches the same function).
     *
     * @throws IllegalArgumentException if it is none of these
     */
    static String nameOf(String functionReference) {
        Matcher matcher = FUNCTION_REFERENCE.matcher(functionReference == null ? "" : functionReference);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("Not a Lambda function name or ARN: " + functionReference);
        }
        return matcher.group(1);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            // the request body is read in full before answering, whatever the answer
            byte[] payload = readAll(exchange.getRequestBody());
            Matcher path = INVOCATION_PATH.matcher(exchange.getRequestURI().getPath());
            if (!path.matches()) {
                sendServiceError(
                        exchange,
                        404,
                        "UnknownOperationException",
                        "Unknown operation " + exchange.getRequestMethod() + " "
                                + exchange.getRequestURI().getPath());
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod())) {
                sendServiceError(exchange, 405, "MethodNotAllowedException", "Invoke takes POST");
                return;
            }
            String reference = path.group(1);
            LocalFunction function;
            try {
                function = functions.get(nameOf(reference));
            } catch (IllegalArgumentException e) {
                sendServiceError(exchange, 400, "InvalidParameterValueException", e.getMessage());
                return;
            }
            if (function == null) {
                sendServiceError(exchange, 404, "ResourceNotFoundException", "Function not found: " + reference);
                return;
            }
            invoke(exchange, function, payload);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "Lambda Invoke API could not answer " + exchange.getRequestURI(), e);
        }
    }

    private void invoke(HttpExchange exchange, LocalFunction function, byte[] payload) throws IOException {
        byte[] result;
        try {
            result = function.invoke(payload);
        } catch (LambdaServiceException e) {
            sendServiceError(exchange, e.statusCode(), e.errorType(), e.getMessage());
            return;
        } catch (Exception | AssertionError | LinkageError | StackOverflowError e) {
            // what the Java runtime reports as a function error; other VM errors end the server thread as they would
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            exchange.getResponseHeaders().set("X-Amz-Function-Error", "Unhandled");
            send(exchange, 200, json.writeValueAsBytes(errorPayload(e, 0)));
            return;
        }
        send(exchange, 200, result == null ? "null".getBytes(StandardCharsets.UTF_8) : result);
    }

    /** The body the AWS Lambda Java runtime sends for an unhandled exception. */
    private ObjectNode errorPayload(Throwable error, int depth) {
        ObjectNode body = json.createObjectNode();
        body.put("errorMessage", error.getMessage());
        body.put("errorType", error.getClass().getName());
        ArrayNode stackTrace = body.putArray("stackTrace");
        for (StackTraceElement frame : error.getStackTrace()) {
            stackTrace.add(frame.toString());
        }
        Throwable cause = error.getCause();
        if (cause != null && cause != error && depth < MAX_CAUSE_DEPTH) {
            body.set("cause", errorPayload(cause, depth + 1));
        }
        return body;
    }

    private void sendServiceError(HttpExchange exchange, int status, String errorType, String message)
            throws IOException {
        exchange.getResponseHeaders().set("x-amzn-ErrorType", errorType);
        ObjectNode body = json.createObjectNode();
        body.put("Type", status >= 500 ? "Service" : "User");
        body.put("message", message);
        send(exchange, status, json.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("X-Amz-Executed-Version", "$LATEST");
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "lambda-invoke-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
