package org.messageexport.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.messageexport.service.SqsEventSource.State;
import org.messageexport.service.SqsEventSource.Stats;

/**
 * The worker service's status over HTTP (JSON, GET only), for systemd operators, the fleet's load balancer and its
 * operators:
 *
 * <ul>
 *   <li>{@code /health/live}: 200 while the process polls or drains, 503 once stopped. What a supervisor restarts on.
 *   <li>{@code /health/ready}: 200 while it takes work (polling, and its last receive succeeded), 503 while it starts,
 *       drains, stops, or cannot reach the queue; with the counts of {@link Stats}.
 * </ul>
 */
final class HealthEndpoint implements AutoCloseable {
    /** A process whose receives fail this many times in a row is not ready (the queue is unreachable). */
    static final int RECEIVE_ERRORS_NOT_READY = 3;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final Supplier<Stats> stats;
    private final Clock clock;
    private final Instant started;

    private HealthEndpoint(HttpServer server, ExecutorService executor, Supplier<Stats> stats, Clock clock) {
        this.server = server;
        this.executor = executor;
        this.stats = stats;
        this.clock = clock;
        this.started = clock.instant();
    }

    static HealthEndpoint start(InetSocketAddress address, Supplier<Stats> stats, Clock clock) {
        HttpServer server;
        try {
            server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve the health endpoint on " + address + ": " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "health-endpoint");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        HealthEndpoint endpoint = new HealthEndpoint(server, executor, stats, clock);
        server.createContext("/health/live", exchange -> endpoint.answer(exchange, false));
        server.createContext("/health/ready", exchange -> endpoint.answer(exchange, true));
        server.start();
        return endpoint;
    }

    URI uri() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().isAnyLocalAddress()
                ? "127.0.0.1"
                : a.getAddress().getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort());
    }

    static boolean live(Stats s) {
        return s.state() != State.STOPPED;
    }

    static boolean ready(Stats s) {
        return s.state() == State.RUNNING && s.consecutiveReceiveErrors() < RECEIVE_ERRORS_NOT_READY;
    }

    private void answer(HttpExchange exchange, boolean readiness) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            Stats s = stats.get();
            boolean ok = readiness ? ready(s) : live(s);
            byte[] body = body(s, ok).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            if ("HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(ok ? 200 : 503, -1);
                return;
            }
            exchange.sendResponseHeaders(ok ? 200 : 503, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    String body(Stats s, boolean ok) {
        ObjectNode n = JSON.createObjectNode();
        n.put("status", ok ? "UP" : "DOWN");
        n.put("state", s.state().name());
        n.put("uptimeSeconds", Duration.between(started, clock.instant()).toSeconds());
        n.put("concurrency", s.concurrency());
        n.put("inFlightBatches", s.inFlightBatches());
        n.put("inFlightRecords", s.inFlightRecords());
        n.put("batches", s.batches());
        n.put("recordsReceived", s.recordsReceived());
        n.put("recordsDeleted", s.recordsDeleted());
        n.put("recordsFailed", s.recordsFailed());
        n.put("recordsReleased", s.recordsReleased());
        n.put("heartbeats", s.heartbeats());
        n.put("consecutiveReceiveErrors", s.consecutiveReceiveErrors());
        if (s.lastReceive() != null) {
            n.put("lastReceive", s.lastReceive().toString());
        }
        return n.toString();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
