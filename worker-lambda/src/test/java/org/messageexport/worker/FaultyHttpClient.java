package org.messageexport.worker;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Wraps the real S3 HTTP client: answers a share of the PUTs with {@code 503 SlowDown} without sending
 * them (as S3 does when throttling), and counts the PUTs the real server stored, by path.
 */
final class FaultyHttpClient implements SdkHttpClient {
    private static final byte[] SLOW_DOWN = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code>"
                    + "<Message>Please reduce your request rate.</Message></Error>")
            .getBytes(StandardCharsets.UTF_8);

    private static final byte[] ACCESS_DENIED = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error>"
                    + "<Code>AccessDenied</Code><Message>worker killed before its PUT</Message></Error>")
            .getBytes(StandardCharsets.UTF_8);

    private final SdkHttpClient delegate;
    private final Random random = new Random(42);
    private volatile double failureRate;
    /** While set, each PUT waits for it before it starts, then fails when {@link #killHeld} is set (a dead worker). */
    volatile java.util.concurrent.CountDownLatch hold;

    volatile boolean killHeld;
    final AtomicInteger held = new AtomicInteger();
    final AtomicInteger injected = new AtomicInteger();
    final AtomicInteger putsSent = new AtomicInteger();
    final Map<String, AtomicInteger> storedByPath = new ConcurrentHashMap<>();

    FaultyHttpClient(SdkHttpClient delegate) {
        this.delegate = delegate;
    }

    void failureRate(double rate) {
        this.failureRate = rate;
    }

    private synchronized boolean fail() {
        return random.nextDouble() < failureRate;
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        boolean put = request.httpRequest().method() == SdkHttpMethod.PUT;
        if (put && fail()) {
            injected.incrementAndGet();
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() {
                    return response(503, "Slow Down", SLOW_DOWN);
                }

                @Override
                public void abort() {}
            };
        }
        ExecutableHttpRequest real = delegate.prepareRequest(request);
        if (!put) {
            return real;
        }
        java.util.concurrent.CountDownLatch gate = hold;
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws java.io.IOException {
                if (gate != null) {
                    held.incrementAndGet();
                    try {
                        gate.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.IOException("interrupted while held", e);
                    }
                    if (killHeld) {
                        // the worker is dead: its PUT never reaches S3 (answered as refused, so that the dead
                        // worker's own code winds down at once instead of retrying until its deadline)
                        return response(403, "Forbidden", ACCESS_DENIED);
                    }
                }
                putsSent.incrementAndGet();
                HttpExecuteResponse response = real.call();
                if (response.httpResponse().isSuccessful()) {
                    storedByPath
                            .computeIfAbsent(request.httpRequest().encodedPath(), k -> new AtomicInteger())
                            .incrementAndGet();
                }
                return response;
            }

            @Override
            public void abort() {
                real.abort();
            }
        };
    }

    @Override
    public String clientName() {
        return delegate.clientName();
    }

    @Override
    public void close() {
        delegate.close();
    }

    private static HttpExecuteResponse response(int status, String text, byte[] body) {
        return HttpExecuteResponse.builder()
                .response(SdkHttpResponse.builder()
                        .statusCode(status)
                        .statusText(text)
                        .putHeader("Content-Type", "application/xml")
                        .putHeader("Content-Length", Integer.toString(body.length))
                        .build())
                .responseBody(AbortableInputStream.create(new ByteArrayInputStream(body)))
                .build();
    }

    Optional<Integer> maxStoresOfOnePath() {
        return storedByPath.values().stream().map(AtomicInteger::get).max(Integer::compare);
    }
}
