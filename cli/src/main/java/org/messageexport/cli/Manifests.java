package org.messageexport.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** A job's manifest as the bucket holds it (JobFinalizer writes it), read for status, verify and start. */
final class Manifests {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final S3Client s3;
    private final String bucket;

    Manifests(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    /** The manifest at {@code key}; empty when the key is null or no such object exists. */
    Optional<JsonNode> read(String key) {
        if (key == null) {
            return Optional.empty();
        }
        try {
            byte[] body = s3.getObjectAsBytes(g -> g.bucket(bucket).key(key)).asByteArray();
            return Optional.of(JSON.readTree(body));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "manifest s3://" + bucket + "/" + key + " is not JSON: " + e.getMessage(), e);
        }
    }

    /**
     * The completeness verdict a manifest records, when it records one (field {@code verdict}: a text, or an object
     * with a {@code result}/{@code status}).
     */
    static Optional<String> verdict(JsonNode manifest) {
        JsonNode v = manifest.get("verdict");
        if (v == null || v.isNull()) {
            v = manifest.get("completeness");
        }
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (v.isTextual()) {
            return Optional.of(v.asText());
        }
        for (String field : new String[] {"verdict", "result", "status"}) {
            if (v.hasNonNull(field)) {
                return Optional.of(v.get(field).asText());
            }
        }
        return Optional.of(v.toString());
    }
}
