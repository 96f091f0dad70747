package org.messageexport.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LambdaInvokeServerIT {

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final LambdaInvokeServer server = LambdaInvokeServer.start(2);

    @AfterEach
    void close() {
        server.close();
    }

    @Test
    void endpoint_isLoopback() {
        assertThat(server.endpoint().getHost()).isEqualTo("127.0.0.1");
        assertThat(server.port()).isPositive();
    }

    @Test
    void invoke_dispatchesByNameOrArn_toTheRegisteredFunction() throws Exception {
        server.register(
                "plan-job",
                payload -> ("{\"echo\":" + new String(payload, StandardCharsets.UTF_8) + "}")
                        .getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> byName = invoke("plan-job", "{\"a\":1}");
        HttpResponse<String> byArn = invoke(StateMachineDefinition.localFunctionArn("plan-job"), "{\"a\":2}");

        assertThat(byName.statusCode()).isEqualTo(200);
        assertThat(byName.headers().firstValue("X-Amz-Function-Error")).isEmpty();
        assertThat(json.readTree(byName.body()).at("/echo/a").asInt()).isEqualTo(1);
        assertThat(byArn.statusCode()).isEqualTo(200);
        assertThat(json.readTree(byArn.body()).at("/echo/a").asInt()).isEqualTo(2);
    }

    @Test
    void invoke_answersAThrownExceptionAsTheJavaRuntimeDoes() throws Exception {
        server.register("finalize-job", payload -> {
            throw new IllegalStateException("manifest not writable", new java.io.IOException("disk full"));
        });

        HttpResponse<String> response = invoke("finalize-job", "{}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Amz-Function-Error")).hasValue("Unhandled");
        JsonNode body = json.readTree(response.body());
        assertThat(body.get("errorType").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(body.get("errorMessage").asText()).isEqualTo("manifest not writable");
        assertThat(body.get("stackTrace").isArray()).isTrue();
        assertThat(body.get("stackTrace").get(0).asText()).contains("LambdaInvokeServerIT");
        assertThat(body.at("/cause/errorType").asText()).isEqualTo("java.io.IOException");
    }

    @Test
    void invoke_answersAnUnknownFunctionWith404ResourceNotFound() throws Exception {
        HttpResponse<String> response = invoke("no-such-function", "{}");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).hasValue("ResourceNotFoundException");
        assertThat(json.readTree(response.body()).get("message").asText()).contains("no-such-function");
    }

    @Test
    void invoke_answersALambdaServiceExceptionWithItsStatusAndErrorType() throws Exception {
        server.register("check-progress", payload -> {
            throw LambdaServiceException.tooManyRequests("Rate exceeded");
        });

        HttpResponse<String> response = invoke("check-progress", "{}");

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).hasValue("TooManyRequestsException");
        assertThat(response.headers().firstValue("X-Amz-Function-Error")).isEmpty();
    }

    @Test
    void invoke_answersNullAsJsonNull_andUnregisterForgetsTheFunction() throws Exception {
        server.register("mark-job-failed", payload -> null);

        HttpResponse<String> response = invoke("mark-job-failed", "{}");
        server.unregister("mark-job-failed");
        HttpResponse<String> afterUnregister = invoke("mark-job-failed", "{}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("null");
        assertThat(afterUnregister.statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> invoke(String function, String payload) throws Exception {
        URI uri = server.endpoint()
                .resolve("/2015-03-31/functions/" + URLEncoder.encode(function, StandardCharsets.UTF_8)
                        + "/invocations");
        HttpRequest request = HttpRequest.newBuilder(uri)
                .POST(HttpRequest.BodyPublishers.ofString(payload))
                .header("Content-Type", "application/json")
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
