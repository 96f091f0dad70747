package org.messageexport.adapter.s3;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.messageexport.adapter.AwsClients;
import org.messageexport.config.AwsEndpointConfig;
import org.messageexport.domain.Deadline;
import org.messageexport.port.ObjectStore;
import org.messageexport.port.TransientException;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@link ObjectStore} on S3 with the synchronous SDK client (Apache HTTP client) and a fixed pool of
 * {@code concurrency} threads, so at most that many PUTs are in flight. Every PUT carries
 * its {@code Content-Type} ({@code application/json}, or {@code application/gzip} for a batch object), the configured server-side encryption and a
 * {@code Content-MD5} that S3 verifies against the body it received.
 */
public final class S3ObjectStore implements ObjectStore, AutoCloseable {
    private static final Duration MAX_CALL = Duration.ofSeconds(30);

    private final S3Client s3;
    private final String bucket;
    private final ServerSideEncryption sse;
    private final ExecutorService pool;

    public S3ObjectStore(S3Client s3, String bucket, ServerSideEncryption sse, int concurrency) {
        this.s3 = s3;
        this.bucket = bucket;
        this.sse = sse;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "s3-put-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The S3 client for {@code endpoint} (path-style when it names an S3-compatible server), with at most
     * {@code maxConnections} connections and timeouts on every call, over {@code httpClient}.
     */
    public static S3Client client(AwsEndpointConfig endpoint, SdkHttpClient httpClient) {
        S3ClientBuilder b = AwsClients.configure(S3Client.builder(), endpoint)
                .httpClient(httpClient)
                // integrity: every PUT carries Content-MD5, which S3 verifies; a second (CRC32) checksum would only
                // cost CPU
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .overrideConfiguration(
                        o -> o.apiCallAttemptTimeout(Duration.ofSeconds(10)).apiCallTimeout(Duration.ofSeconds(30)));
        endpoint.endpoint().ifPresent(uri -> b.forcePathStyle(true));
        return b.build();
    }

    /** The Apache HTTP client for {@link #client}: {@code maxConnections} pooled connections, nothing waits forever. */
    public static SdkHttpClient httpClient(int maxConnections) {
        return ApacheHttpClient.builder()
                .maxConnections(maxConnections)
                .connectionTimeout(Duration.ofSeconds(3))
                .socketTimeout(Duration.ofSeconds(15))
                .connectionAcquisitionTimeout(Duration.ofSeconds(15))
                .tcpKeepAlive(true)
                .build();
    }

    @Override
    public void put(String key, byte[] body, String contentType) {
        put(key, body, contentType, null);
    }

    /** {@code timeout}: the call's overall limit, retries included (null: the client's). */
    private void put(String key, byte[] json, String contentType, Duration timeout) {
        PutObjectRequest.Builder request = PutObjectRequest.builder()
                .bucket(bucket)
                .key(key)
                .contentType(contentType)
                .contentLength((long) json.length)
                .contentMD5(md5(json));
        switch (sse.mode()) {
            case AES256 ->
                request.serverSideEncryption(software.amazon.awssdk.services.s3.model.ServerSideEncryption.AES256);
            case KMS -> {
                request.serverSideEncryption(software.amazon.awssdk.services.s3.model.ServerSideEncryption.AWS_KMS);
                if (sse.kmsKeyId() != null) {
                    request.ssekmsKeyId(sse.kmsKeyId());
                }
            }
            case NONE -> {}
        }
        if (timeout != null) {
            request.overrideConfiguration(o -> o.apiCallTimeout(timeout));
        }
        try {
            s3.putObject(request.build(), RequestBody.fromBytes(json));
        } catch (S3Exception e) {
            String message = "PUT s3://" + bucket + "/" + key + " failed (" + e.statusCode() + " "
                    + (e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode()) + "): " + e.getMessage();
            // 501 NotImplemented (e.g. S3Proxy refusing SSE headers) will not change by trying again
            boolean transientError = (e.statusCode() >= 500 && e.statusCode() != 501)
                    || e.statusCode() == 429
                    || e.isThrottlingException();
            throw transientError ? new TransientException(message, e) : new IllegalStateException(message, e);
        } catch (SdkClientException e) {
            throw new TransientException("PUT s3://" + bucket + "/" + key + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public List<PutFailure> putAllJson(List<JsonObject> objects, Deadline deadline) {
        List<Future<PutFailure>> results = new ArrayList<>(objects.size());
        for (JsonObject o : objects) {
            results.add(pool.submit(() -> {
                Duration left = deadline.remaining();
                if (left.isZero()) {
                    return new PutFailure(
                            o.key(), new TransientException("deadline reached before the PUT of " + o.key(), null));
                }
                try {
                    // a PUT (with the SDK's own retries) never runs past the deadline
                    put(o.key(), o.json(), o.contentType(), left.compareTo(MAX_CALL) < 0 ? left : MAX_CALL);
                    return null;
                } catch (RuntimeException e) {
                    return new PutFailure(o.key(), e);
                }
            }));
        }
        List<PutFailure> failures = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            try {
                PutFailure f = results.get(i).get();
                if (f != null) {
                    failures.add(f);
                }
            } catch (ExecutionException e) {
                failures.add(new PutFailure(objects.get(i).key(), new IllegalStateException(e.getCause())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.add(new PutFailure(objects.get(i).key(), new TransientException("interrupted", e)));
            }
        }
        return failures;
    }

    private static String md5(byte[] bytes) {
        try {
            return Base64.getEncoder()
                    .encodeToString(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every JDK", e);
        }
    }

    /** Stops the PUT threads; the S3 client belongs to the caller. */
    @Override
    public void close() {
        pool.shutdownNow();
    }
}
