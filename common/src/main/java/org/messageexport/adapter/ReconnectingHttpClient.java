package org.messageexport.adapter;

import java.util.function.Supplier;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * The HTTP client under an AWS SDK client (S3, SQS): built on the first request, so that building a function opens no
 * connection pool, and dropped by {@link #disconnect()} before a snapshot (the next request builds a new one), so that
 * no socket outlives it. The SDK client above it stays the same object. Thread-safe.
 */
public final class ReconnectingHttpClient implements SdkHttpClient {
    private final LazyClient<SdkHttpClient> client;
    private volatile String name = "Reconnecting";

    public ReconnectingHttpClient(Supplier<SdkHttpClient> factory) {
        this.client = new LazyClient<>(factory, built -> name = built.clientName());
    }

    private SdkHttpClient client() {
        return client.get();
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        return client().prepareRequest(request);
    }

    @Override
    public String clientName() {
        return name;
    }

    /** True while an HTTP client exists. */
    public boolean connected() {
        return client.connected();
    }

    /** Closes the HTTP client and its pooled connections; the next request builds a new one. */
    public void disconnect() {
        client.disconnect();
    }

    @Override
    public void close() {
        disconnect();
    }
}
