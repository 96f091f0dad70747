package org.messageexport.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.messageexport.service.SqsEventSource.State;
import org.messageexport.service.SqsEventSource.Stats;

/** The health endpoint on a loopback port: what a supervisor, the load balancer and an operator read. */
class HealthEndpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final AtomicReference<Stats> stats = new AtomicReference<>(stats(State.CREATED, 0));
    private final HealthEndpoint endpoint =
            HealthEndpoint.start(new InetSocketAddress("127.0.0.1", 0), stats::get, Clock.systemUTC());
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void close() {
        endpoint.close();
    }

    private static Stats stats(State state, int receiveErrors) {
        return new Stats(state, 4, 2, 3, 17, 20, 15, 2, 1, 5, Instant.parse("2026-03-02T10:00:00Z"), receiveErrors);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(endpoint.uri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void ready_onlyWhilePolling_andReachingTheQueue() throws Exception {
        assertThat(get("/health/ready").statusCode()).as("starting").isEqualTo(503);
        stats.set(stats(State.RUNNING, 0));
        assertThat(get("/health/ready").statusCode()).isEqualTo(200);
        stats.set(stats(State.RUNNING, HealthEndpoint.RECEIVE_ERRORS_NOT_READY));
        assertThat(get("/health/ready").statusCode()).as("queue unreachable").isEqualTo(503);
        stats.set(stats(State.DRAINING, 0));
        assertThat(get("/health/ready").statusCode()).as("draining").isEqualTo(503);
    }

    @Test
    void live_untilStopped() throws Exception {
        stats.set(stats(State.DRAINING, 5));
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        stats.set(stats(State.STOPPED, 0));
        assertThat(get("/health/live").statusCode()).isEqualTo(503);
    }

    @Test
    void theBody_isJsonWithTheCounts() throws Exception {
        stats.set(stats(State.RUNNING, 0));

        HttpResponse<String> r = get("/health/ready");

        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("status").asText()).isEqualTo("UP");
        assertThat(body.get("state").asText()).isEqualTo("RUNNING");
        assertThat(body.get("concurrency").asInt()).isEqualTo(4);
        assertThat(body.get("inFlightBatches").asInt()).isEqualTo(2);
        assertThat(body.get("inFlightRecords").asInt()).isEqualTo(3);
        assertThat(body.get("batches").asLong()).isEqualTo(17);
        assertThat(body.get("recordsReceived").asLong()).isEqualTo(20);
        assertThat(body.get("recordsDeleted").asLong()).isEqualTo(15);
        assertThat(body.get("recordsFailed").asLong()).isEqualTo(2);
        assertThat(body.get("recordsReleased").asLong()).isEqualTo(1);
        assertThat(body.get("heartbeats").asLong()).isEqualTo(5);
        assertThat(body.get("lastReceive").asText()).isEqualTo("2026-03-02T10:00:00Z");
        assertThat(body.get("uptimeSeconds").asLong()).isNotNegative();
    }

    @Test
    void onlyGetAndHead_areAnswered() throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(endpoint.uri().resolve("/health/ready"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(get("/other").statusCode()).isEqualTo(404);
    }
}
