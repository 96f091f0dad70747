package org.messageexport.adapter.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.messageexport.domain.Deadline;
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.embedded.EmbeddedServicesExtension;
import org.messageexport.port.ObjectStore.JsonObject;
import org.messageexport.port.ObjectStore.PutFailure;
import org.messageexport.port.TransientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.services.s3.S3Client;

/** The S3 adapter against S3Proxy: headers of every PUT, bounded concurrency, and how failures are reported. */
@ExtendWith(EmbeddedServicesExtension.class)
class S3ObjectStoreIT {
    private static int bucketNumber;

    private final EmbeddedServices services;
    /** The headers of the last PUT of each key, as sent. */
    private final Map<String, Map<String, List<String>>> sentHeaders = new ConcurrentHashMap<>();

    private S3Client s3;
    private String bucket;

    S3ObjectStoreIT(EmbeddedServices services) {
        this.services = services;
    }

    @BeforeEach
    void setUp() {
        s3 = services.s3ClientBuilder()
                .httpClient(S3ObjectStore.httpClient(8))
                .overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                        String path = context.httpRequest().encodedPath();
                        int keyStart = path.indexOf('/', 1);
                        if (context.httpRequest().method() == SdkHttpMethod.PUT && keyStart > 0) {
                            sentHeaders.put(
                                    path.substring(keyStart + 1),
                                    context.httpRequest().headers());
                        }
                    }
                }))
                .build();
        bucket = "store-it-" + (++bucketNumber);
        s3.createBucket(b -> b.bucket(bucket));
    }

    @AfterEach
    void tearDown() {
        s3.close();
    }

    private static Deadline in(Duration d) {
        return Deadline.after(d, Clock.systemUTC());
    }

    @Test
    void putAllJson_storesEveryObject_asJsonWithAVerifiedMd5() throws Exception {
        try (S3ObjectStore store = new S3ObjectStore(s3, bucket, ServerSideEncryption.NONE, 8)) {
            List<JsonObject> objects = IntStream.range(0, 100)
                    .mapToObj(i -> new JsonObject(
                            "exports/2026/03/01/m" + i + ".json",
                            ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8)))
                    .toList();

            assertThat(store.putAllJson(objects, in(Duration.ofMinutes(1)))).isEmpty();

            var head = s3.headObject(h -> h.bucket(bucket).key("exports/2026/03/01/m7.json"));
            assertThat(head.contentType()).isEqualTo("application/json");
            // S3 (and S3Proxy) refuse a body whose Content-MD5 does not match: the ETag is the MD5 it verified
            byte[] md5 = MessageDigest.getInstance("MD5").digest("{\"n\":7}".getBytes(StandardCharsets.UTF_8));
            assertThat(head.eTag()).isEqualTo("\"" + HexFormat.of().formatHex(md5) + "\"");
            assertThat(sentHeaders.get("exports/2026/03/01/m7.json"))
                    .containsKey("Content-MD5")
                    .doesNotContainKey("x-amz-server-side-encryption");
            assertThat(s3.listObjectsV2(l -> l.bucket(bucket)).keyCount()).isEqualTo(100);
        }
    }

    @Test
    void aes256_sendsTheSseHeader_andS3ProxysRefusalIsNotTransient() {
        try (S3ObjectStore store = new S3ObjectStore(s3, bucket, ServerSideEncryption.AES256, 2)) {
            List<PutFailure> failures = store.putAllJson(
                    List.of(new JsonObject("a.json", "{}".getBytes(StandardCharsets.UTF_8))),
                    in(Duration.ofMinutes(1)));

            assertThat(sentHeaders.get("a.json")).containsEntry("x-amz-server-side-encryption", List.of("AES256"));
            // S3Proxy implements no server-side encryption and says so with 501: local runs set S3_SSE=none
            assertThat(failures).singleElement().satisfies(f -> {
                assertThat(f.isTransient()).isFalse();
                assertThat(f.error()).hasMessageContaining("501");
            });
        }
    }

    @Test
    void kms_sendsTheKmsHeaders() {
        try (S3ObjectStore store =
                new S3ObjectStore(s3, bucket, ServerSideEncryption.parse("aws:kms", "alias/export"), 2)) {
            store.putAllJson(
                    List.of(new JsonObject("k.json", "{}".getBytes(StandardCharsets.UTF_8))),
                    in(Duration.ofMinutes(1)));

            assertThat(sentHeaders.get("k.json"))
                    .containsEntry("x-amz-server-side-encryption", List.of("aws:kms"))
                    .containsEntry("x-amz-server-side-encryption-aws-kms-key-id", List.of("alias/export"));
        }
    }

    @Test
    void putAllJson_startsNoPutAfterTheDeadline_andReportsThemTransient() {
        try (S3ObjectStore store = new S3ObjectStore(s3, bucket, ServerSideEncryption.NONE, 2)) {
            List<PutFailure> failures = store.putAllJson(
                    List.of(new JsonObject("late.json", "{}".getBytes(StandardCharsets.UTF_8))), in(Duration.ZERO));

            assertThat(failures)
                    .singleElement()
                    .satisfies(f -> assertThat(f.error()).isInstanceOf(TransientException.class));
            assertThat(sentHeaders).isEmpty();
        }
    }

    @Test
    void unknownBucket_isReportedAsRefusal_notTransient() {
        try (S3ObjectStore store = new S3ObjectStore(s3, "no-such-bucket", ServerSideEncryption.NONE, 2)) {
            List<PutFailure> failures = store.putAllJson(
                    List.of(new JsonObject("x.json", "{}".getBytes(StandardCharsets.UTF_8))),
                    in(Duration.ofMinutes(1)));

            assertThat(failures).singleElement().satisfies(f -> {
                assertThat(f.isTransient()).isFalse();
                assertThat(f.error()).hasMessageContaining("404").hasMessageContaining("NoSuchBucket");
            });
        }
    }
}
