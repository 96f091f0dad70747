package org.messageexport.port;

/** Where exported documents and manifests go (S3). Thread-safe. */
public interface ObjectStore {
    /** Writes one JSON object; throws {@link TransientException} when the store is unreachable. */
    void putJson(String key, byte[] json);
}
