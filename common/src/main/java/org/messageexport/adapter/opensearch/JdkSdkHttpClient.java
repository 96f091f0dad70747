package org.messageexport.adapter.opensearch;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * The SDK's HTTP client interface on the JDK's {@link HttpClient}, for the OpenSearch transport: any method may carry a
 * body (closing a point in time is a DELETE with one, which the SDK's Apache client drops), and the scheme is the
 * cluster URL's ({@code AwsSdk2Transport} builds https URLs; a local cluster speaks http). No library beyond the JDK,
 * so the Lambda artifacts carry no second HTTP client.
 */
final class JdkSdkHttpClient implements SdkHttpClient {
    /** Set by the JDK client itself (from the URI and the body); the signature covers the same values. */
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

    private final HttpClient http;
    private final String scheme;
    private final Duration timeout;

    JdkSdkHttpClient(String scheme, Duration connectTimeout, Duration responseTimeout) {
        this.http = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.scheme = scheme;
        this.timeout = responseTimeout;
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        SdkHttpRequest r = request.httpRequest();
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(r)).timeout(timeout);
        r.forEachHeader((name, values) -> {
            if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> builder.header(name, v));
            }
        });
        byte[] body = request.contentStreamProvider()
                .map(p -> {
                    try (InputStream in = p.newStream()) {
                        return in.readAllBytes();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .orElse(null);
        builder.method(
                r.method().name(),
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        HttpRequest jdkRequest = builder.build();
        return new ExecutableHttpRequest() {
            private volatile Thread caller;

            @Override
            public HttpExecuteResponse call() throws IOException {
                caller = Thread.currentThread();
                HttpResponse<InputStream> response;
                try {
                    response = http.send(jdkRequest, HttpResponse.BodyHandlers.ofInputStream());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted: " + jdkRequest.method() + " " + jdkRequest.uri(), e);
                }
                Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                headers.putAll(response.headers().map());
                return HttpExecuteResponse.builder()
                        .response(SdkHttpResponse.builder()
                                .statusCode(response.statusCode())
                                .headers(headers)
                                .build())
                        .responseBody(AbortableInputStream.create(
                                Optional.ofNullable(response.body()).orElse(new ByteArrayInputStream(new byte[0]))))
                        .build();
            }

            @Override
            public void abort() {
                Thread t = caller;
                if (t != null) {
                    t.interrupt();
                }
            }
        };
    }

    /** The request's URI as the transport encoded it, with the cluster's scheme. */
    private URI uri(SdkHttpRequest r) {
        URI u = r.getUri();
        return URI.create(scheme + "://" + u.getRawAuthority() + u.getRawPath()
                + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery()));
    }

    @Override
    public String clientName() {
        return "JdkHttpClient";
    }

    @Override
    public void close() {
        http.close();
    }
}
