package org.messageexport.adapter.opensearch;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.messageexport.adapter.LazyClient;
import org.messageexport.adapter.search.CredentialRetry;
import org.messageexport.adapter.search.SearchConnection;
import org.messageexport.config.CredentialSource;
import org.messageexport.config.Credentials;
import org.messageexport.config.ElasticsearchConfig;
import org.opensearch.client.json.JsonpMapper;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.transport.Endpoint;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.TransportOptions;
import org.opensearch.client.transport.aws.AwsSdk2Transport;
import org.opensearch.client.transport.aws.AwsSdk2TransportOptions;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * The transport under the process's one OpenSearch client, as {@code ReconnectingTransport} is for Elasticsearch: the
 * underlying transport is built on the first request and dropped by {@link #disconnect()}. One kind,
 * {@link AwsSdk2Transport} on the JDK's HTTP client ({@link JdkSdkHttpClient}), two ways to authenticate: SigV4 by the
 * SDK's signer with credentials from the SDK's default chain (the function's role), resolved per request; or basic /
 * API-key credentials (or none), the request left unsigned (anonymous) and the credentials sent in the
 * {@code Authorization} header as the {@link CredentialSource} holds them now (a 401 reads the secret again once and,
 * if it changed, sends again).
 */
public final class ReconnectingOpenSearchTransport implements OpenSearchTransport, SearchConnection {
    static final int UNAUTHORIZED = 401;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);
    private static final JsonpMapper MAPPER = new JacksonJsonpMapper();

    private final CredentialRetry retry;
    private final LazyClient<OpenSearchTransport> transport;

    private ReconnectingOpenSearchTransport(Supplier<OpenSearchTransport> transports, CredentialSource credentials) {
        this.transport = new LazyClient<>(transports);
        this.retry = new CredentialRetry(credentials, ReconnectingOpenSearchTransport::isUnauthorized);
    }

    /** The transport for {@code config}: SigV4 when its access says so, else its credentials. */
    public static ReconnectingOpenSearchTransport of(ElasticsearchConfig config) {
        Supplier<SdkHttpClient> http =
                () -> new JdkSdkHttpClient(config.url().getScheme(), CONNECT_TIMEOUT, RESPONSE_TIMEOUT);
        if (config.access().sigv4()) {
            return sigv4(config, http, DefaultCredentialsProvider.builder().build());
        }
        // anonymous: the SDK's signer leaves the request unsigned; the credentials go in the Authorization header
        return new ReconnectingOpenSearchTransport(
                transports(config, http, AnonymousCredentialsProvider.create(), "es", "us-east-1"),
                config.credentials());
    }

    /**
     * SigV4 on {@code httpClients} with {@code signingCredentials}: the signing name and region of the config's access,
     * the host (and port) of its URL. Tests pass fixed credentials.
     */
    static ReconnectingOpenSearchTransport sigv4(
            ElasticsearchConfig config,
            Supplier<SdkHttpClient> httpClients,
            AwsCredentialsProvider signingCredentials) {
        return new ReconnectingOpenSearchTransport(
                transports(
                        config,
                        httpClients,
                        signingCredentials,
                        config.access().signingService(),
                        config.access().region()),
                CredentialSource.fixed(Credentials.NONE));
    }

    private static Supplier<OpenSearchTransport> transports(
            ElasticsearchConfig config,
            Supplier<SdkHttpClient> httpClients,
            AwsCredentialsProvider signing,
            String service,
            String region) {
        URI url = config.url();
        String host = url.getPort() < 0 ? url.getHost() : url.getHost() + ":" + url.getPort();
        return () -> new AwsSdk2Transport(
                httpClients.get(),
                host,
                service,
                Region.of(region),
                AwsSdk2TransportOptions.builder()
                        .setCredentials(signing)
                        .setMapper(MAPPER)
                        .build());
    }

    private OpenSearchTransport transport() {
        return transport.get();
    }

    @Override
    public <RequestT, ResponseT, ErrorT> ResponseT performRequest(
            RequestT request, Endpoint<RequestT, ResponseT, ErrorT> endpoint, TransportOptions requestOptions)
            throws IOException {
        return retry.send(c -> transport().performRequest(request, endpoint, withCredentials(requestOptions, c)));
    }

    @Override
    public <RequestT, ResponseT, ErrorT> CompletableFuture<ResponseT> performRequestAsync(
            RequestT request, Endpoint<RequestT, ResponseT, ErrorT> endpoint, TransportOptions requestOptions) {
        return retry.sendAsync(
                c -> transport().performRequestAsync(request, endpoint, withCredentials(requestOptions, c)));
    }

    static boolean isUnauthorized(Throwable e) {
        return e instanceof OpenSearchException ose && ose.status() == UNAUTHORIZED;
    }

    private TransportOptions withCredentials(TransportOptions requestOptions, Credentials c) {
        String authorization = c.authorizationHeader();
        if (authorization == null) {
            return requestOptions;
        }
        TransportOptions base = requestOptions == null ? transport().options() : requestOptions;
        return base.with(b -> b.addHeader("Authorization", authorization));
    }

    @Override
    public JsonpMapper jsonpMapper() {
        return MAPPER;
    }

    @Override
    public TransportOptions options() {
        return transport().options();
    }

    @Override
    public boolean connected() {
        return transport.connected();
    }

    @Override
    public void disconnect() {
        transport.disconnect();
    }

    @Override
    public void restored() {
        retry.forget();
    }

    @Override
    public void close() {
        disconnect();
    }
}
