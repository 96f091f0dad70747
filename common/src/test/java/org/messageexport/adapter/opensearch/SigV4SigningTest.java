package org.messageexport.adapter.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.messageexport.config.CredentialSource;
import org.messageexport.config.Credentials;
import org.messageexport.config.ElasticsearchConfig;
import org.messageexport.config.SearchAccess;
import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.ExtractionCursor;
import org.messageexport.domain.IdPage;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * SigV4 as the OpenSearch adapter sends it, checked by a loopback endpoint that recomputes each request's signature
 * from the known credentials (AWS's published algorithm, written out here, not the SDK's): the request the extractor
 * sends really is signed for the domain's region and service, over the exact bytes that arrive.
 */
class SigV4SigningTest {
    private static final String ACCESS_KEY = "AKIDEXAMPLE";
    private static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final String REGION = "eu-west-1";
    private static final Pattern AUTHORIZATION =
            Pattern.compile("AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, "
                    + "SignedHeaders=([^,]+), Signature=([0-9a-f]{64})");

    private record Received(String method, String path, String query, Map<String, String> headers, byte[] body) {}

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        Map<String, String> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
        byte[] body = exchange.getRequestBody().readAllBytes();
        URI uri = exchange.getRequestURI();
        received.add(new Received(exchange.getRequestMethod(), uri.getRawPath(), uri.getRawQuery(), headers, body));
        String shards = "\"_shards\":{\"total\":1,\"successful\":1,\"skipped\":0,\"failed\":0}";
        String answer = uri.getPath().endsWith("/_search/point_in_time")
                ? "{\"pit_id\":\"pit-1\"," + shards + ",\"creation_time\":1}"
                : "{\"took\":1,\"timed_out\":false," + shards + ",\"pit_id\":\"pit-1\",\"hits\":{\"hits\":["
                        + "{\"_index\":\"messages\",\"_id\":\"m-1\",\"_score\":null,\"sort\":[1762000000000,0]}]}}";
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"es", "aoss"})
    void extractorRequests_areSignedForTheRegionAndService_overTheBytesSent(String service) throws Exception {
        int port = server.getAddress().getPort();
        ElasticsearchConfig config = new ElasticsearchConfig(
                URI.create("https://127.0.0.1:" + port),
                CredentialSource.fixed(Credentials.NONE),
                "messages",
                "timestamp",
                "_id",
                SearchAccess.sigv4(service, REGION));
        ReconnectingOpenSearchTransport transport = ReconnectingOpenSearchTransport.sigv4(
                config,
                () -> new JdkSdkHttpClient("http", Duration.ofSeconds(5), Duration.ofSeconds(30)),
                StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)));
        assertThat(transport.connected()).as("building connects nothing").isFalse();
        try (transport) {
            var index = new OpenSearchMessageIndex(
                    new org.opensearch.client.opensearch.OpenSearchClient(transport), config, Duration.ofMinutes(1));
            IdPage page = index.nextPage(
                    new ExportWindow(java.time.LocalDate.parse("2026-11-01"), java.time.LocalDate.parse("2026-11-02")),
                    ExtractionCursor.START,
                    100);
            assertThat(page.ids()).containsExactly("m-1");
        }

        assertThat(received).hasSize(2);
        // (the endpoint is plain http: the test's JDK client speaks http, the scheme being no part of the signature)
        assertThat(received.get(0).path()).isEqualTo("/messages/_search/point_in_time");
        assertThat(received.get(1).path()).isEqualTo("/_search");
        assertThat(new String(received.get(1).body(), StandardCharsets.UTF_8))
                .contains("\"pit\"")
                .contains("\"range\"");
        for (Received r : received) {
            Matcher auth = AUTHORIZATION.matcher(r.headers().getOrDefault("authorization", ""));
            assertThat(auth.matches())
                    .as("Authorization of %s %s: %s", r.method(), r.path(), r.headers())
                    .isTrue();
            assertThat(auth.group(1)).isEqualTo(ACCESS_KEY);
            assertThat(auth.group(3)).isEqualTo(REGION);
            assertThat(auth.group(4)).isEqualTo(service);
            assertThat(r.headers().get("x-amz-date")).startsWith(auth.group(2));
            assertThat(auth.group(5).split(";")).contains("host", "x-amz-date");
            assertThat(auth.group(6))
                    .as("signature of %s %s recomputed with the known secret", r.method(), r.path())
                    .isEqualTo(signature(r, auth, SECRET_KEY));
            assertThat(auth.group(6))
                    .as("the check tells a wrong secret apart")
                    .isNotEqualTo(signature(r, auth, SECRET_KEY + "x"));
        }
    }

    /** AWS Signature Version 4 over what arrived: canonical request, string to sign, derived key, HMAC. */
    private static String signature(Received r, Matcher auth, String secret) throws Exception {
        List<String> signed = Arrays.asList(auth.group(5).split(";"));
        String payloadHash = hex(sha256(r.body()));
        if (r.headers().containsKey("x-amz-content-sha256")) {
            assertThat(r.headers().get("x-amz-content-sha256")).isEqualTo(payloadHash);
        }
        String canonicalHeaders = signed.stream()
                .map(h -> h + ":" + r.headers().get(h).trim().replaceAll(" +", " ") + "\n")
                .collect(Collectors.joining());
        String canonicalRequest = String.join(
                "\n",
                r.method(),
                r.path(),
                canonicalQuery(r.query()),
                canonicalHeaders,
                String.join(";", signed),
                payloadHash);
        String scope = auth.group(2) + "/" + auth.group(3) + "/" + auth.group(4) + "/aws4_request";
        String stringToSign = String.join(
                "\n",
                "AWS4-HMAC-SHA256",
                r.headers().get("x-amz-date"),
                scope,
                hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8))));
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), auth.group(2));
        key = hmac(key, auth.group(3));
        key = hmac(key, auth.group(4));
        key = hmac(key, "aws4_request");
        return hex(hmac(key, stringToSign));
    }

    private static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String> pairs = new ArrayList<>(Arrays.asList(rawQuery.split("&")));
        pairs.replaceAll(p -> p.contains("=") ? p : p + "=");
        pairs.sort(null);
        return String.join("&", pairs);
    }

    private static byte[] sha256(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }

    private static byte[] hmac(byte[] key, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
