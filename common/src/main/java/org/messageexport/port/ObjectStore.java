package org.messageexport.port;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.messageexport.domain.Deadline;

/** Where exported documents and manifests go (S3). Thread-safe. */
public interface ObjectStore {
    /** Writes one JSON object; throws {@link TransientException} when the store is unreachable. */
    void putJson(String key, byte[] json);

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
                putJson(o.key(), o.json());
            } catch (RuntimeException e) {
                failures.add(new PutFailure(o.key(), e));
            }
        }
        return failures;
    }

    record JsonObject(String key, byte[] json) {
        public JsonObject {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(json, "json");
        }
    }

    record PutFailure(String key, RuntimeException error) {
        public boolean isTransient() {
            return error instanceof TransientException;
        }
    }
}
