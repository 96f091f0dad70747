package org.messageexport.port;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.messageexport.domain.Deadline;

/** Where exported documents and manifests go (S3). Thread-safe. */
public interface ObjectStore {
    /** Writes one JSON object; throws {@link TransientException} when the store is unreachable. */
    default void putJson(String key, byte[] json) {
        put(key, json, CONTENT_JSON);
    }

    /**
     * Writes every object, several at a time (as many as the store is configured for), and reports
     * each one that was not written; writing the same key again replaces the object. Throws nothing for a
     * single object: its failure is a {@link TransientException} when trying again may succeed (5xx,
     * throttling, I/O, or {@code deadline} reached before its PUT started), another exception when not.
     *
     * @return the objects not written (empty: all were)
     */
    default List<PutFailure> putAllJson(List<JsonObject> objects, Deadline deadline) {
        List<PutFailure> failures = new ArrayList<>();
        for (JsonObject o : objects) {
            if (deadline.expired()) {
                failures.add(new PutFailure(
                        o.key(), new TransientException("deadline reached before the PUT of " + o.key(), null)));
                continue;
            }
            try {
                put(o.key(), o.json(), o.contentType());
            } catch (RuntimeException e) {
                failures.add(new PutFailure(o.key(), e));
            }
        }
        return failures;
    }

    /**
     * Writes one object with {@code contentType}; throws {@link TransientException} when the store is unreachable.
     */
    void put(String key, byte[] body, String contentType);

    /** The content type of JSON objects (a message's, a manifest). */
    String CONTENT_JSON = "application/json";
    /** The content type of a batch's gzip'd NDJSON object. */
    String CONTENT_GZIP = "application/gzip";

    /**
     * An object to write: JSON unless {@code contentType} says otherwise (a batch's NDJSON.gz object is {@link #CONTENT_GZIP}).
     */
    record JsonObject(String key, byte[] json, String contentType) {
        public JsonObject {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(json, "json");
            Objects.requireNonNull(contentType, "contentType");
        }

        public JsonObject(String key, byte[] json) {
            this(key, json, CONTENT_JSON);
        }
    }

    record PutFailure(String key, RuntimeException error) {
        public boolean isTransient() {
            return error instanceof TransientException;
        }
    }
}
