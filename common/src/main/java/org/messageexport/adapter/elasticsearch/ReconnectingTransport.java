package org.messageexport.adapter.elasticsearch;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.json.JsonpMapper;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.ElasticsearchTransport;
import co.elastic.clients.transport.Endpoint;
import co.elastic.clients.transport.TransportException;
import co.elastic.clients.transport.TransportOptions;
import co.elastic.clients.transport.rest_client.RestClientOptions;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RequestOptions;
import org.elasticsearch.client.RestClient;
import org.messageexport.adapter.LazyClient;
import org.messageexport.adapter.search.CredentialRetry;
import org.messageexport.adapter.search.SearchConnection;
import org.messageexport.config.CredentialSource;
import org.messageexport.config.Credentials;
import org.messageexport.config.ElasticsearchConfig;

/**
 * The transport under the process's one Elasticsearch client. Its REST client (an I/O reactor with its threads and
 * sockets) is built on the first request, so that building a function does no network I/O (Lambda SnapStart runs the
 * constructor when it publishes a version); {@link #disconnect()} closes it before a snapshot and the next request
 * builds a new one. Credentials are sent with each request ({@code Authorization}) as the {@link CredentialSource}
 * holds them now; when Elasticsearch answers 401, the secret is read again once and, if it changed, the request is
 * sent again. Thread-safe.
 */
public final class ReconnectingTransport implements ElasticsearchTransport, SearchConnection {
    static final int UNAUTHORIZED = 401;

    private final CredentialRetry retry;
    private final JsonpMapper mapper = new JacksonJsonpMapper();
    private final RestClientOptions options = new RestClientOptions(RequestOptions.DEFAULT, false);
    private final LazyClient<RestClientTransport> transport;

    ReconnectingTransport(Supplier<RestClient> restClients, CredentialSource credentials) {
        this.transport = new LazyClient<>(() -> new RestClientTransport(restClients.get(), mapper, options));
        this.retry = new CredentialRetry(credentials, ReconnectingTransport::isUnauthorized);
    }

    /** The transport for {@code config}: timeouts, a pool of 32 connections, its credentials. */
    public static ReconnectingTransport of(ElasticsearchConfig config) {
        return new ReconnectingTransport(
                () -> RestClient.builder(HttpHost.create(config.url().toString()))
                        .setRequestConfigCallback(
                                rc -> rc.setConnectTimeout(5_000).setSocketTimeout(60_000))
                        .setHttpClientConfigCallback(
                                http -> http.setMaxConnTotal(32).setMaxConnPerRoute(32))
                        .build(),
                config.credentials());
    }

    private RestClientTransport transport() {
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
        return (e instanceof ElasticsearchException ee && ee.status() == UNAUTHORIZED)
                || (e instanceof TransportException te && te.statusCode() == UNAUTHORIZED);
    }

    private TransportOptions withCredentials(TransportOptions requestOptions, Credentials c) {
        TransportOptions base = requestOptions == null ? options : requestOptions;
        String authorization = c.authorizationHeader();
        return authorization == null ? base : base.with(b -> b.setHeader("Authorization", authorization));
    }

    @Override
    public JsonpMapper jsonpMapper() {
        return mapper;
    }

    @Override
    public TransportOptions options() {
        return options;
    }

    @Override
    public boolean connected() {
        return transport.connected();
    }

    /** How many REST clients were built so far (one per connect after a {@link #disconnect()}). */
    public int connects() {
        return transport.builds();
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
