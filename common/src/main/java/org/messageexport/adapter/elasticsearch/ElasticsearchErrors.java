package org.messageexport.adapter.elasticsearch;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.transport.TransportException;
import java.io.IOException;
import org.messageexport.port.TransientException;

/**
 * Translates client errors at the adapter boundary, keeping the cause: a server that answered 429 or
 * 5xx, or could not be reached at all, is transient; any other answer is not.
 */
public final class ElasticsearchErrors {
    private ElasticsearchErrors() {}

    public static RuntimeException translate(String action, Exception e) {
        String message = action + ": " + e.getMessage();
        if (e instanceof ElasticsearchException ee) {
            int status = ee.status();
            return status == 429 || status >= 500
                    ? new TransientException(message, e)
                    : new IllegalStateException(message, e);
        }
        if (e instanceof TransportException || e instanceof IOException) {
            return new TransientException(message, e);
        }
        return e instanceof RuntimeException re ? re : new IllegalStateException(message, e);
    }
}
