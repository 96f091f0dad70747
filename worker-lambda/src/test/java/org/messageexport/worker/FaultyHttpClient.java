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

    private final SdkHttpClient delegate;
    private final Random random = new Random(42);
    private volatile double failureRate;
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
                    return HttpExecuteResponse.builder()
                            .response(SdkHttpResponse.builder()
                                    .statusCode(503)
                                    .statusText("Slow Down")
                                    .putHeader("Content-Type", "application/xml")
                                    .putHeader("Content-Length", Integer.toString(SLOW_DOWN.length))
                                    .build())
                            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(SLOW_DOWN)))
                            .build();
                }

                @Override
                public void abort() {}
            };
        }
        ExecutableHttpRequest real = delegate.prepareRequest(request);
        if (!put) {
            return real;
        }
        putsSent.incrementAndGet();
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws java.io.IOException {
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

    Optional<Integer> maxStoresOfOnePath() {
        return storedByPath.values().stream().map(AtomicInteger::get).max(Integer::compare);
    }
}
