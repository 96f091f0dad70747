package org.messageexport.adapter.elasticsearch;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.transport.TransportException;
import java.io.IOException;
import org.messageexport.adapter.search.SearchFailures;

/** Translates Elasticsearch client errors at the adapter boundary by {@link SearchFailures}' rule. */
public final class ElasticsearchErrors {
    private ElasticsearchErrors() {}

    public static RuntimeException translate(String action, Exception e) {
        if (e instanceof ElasticsearchException ee) {
            return SearchFailures.of(action, ee.status(), e.getMessage(), e);
        }
        if (e instanceof TransportException te) {
            return SearchFailures.of(action, te.statusCode(), e.getMessage(), e);
        }
        if (e instanceof IOException) {
            return SearchFailures.unreachable(action, e);
        }
        return e instanceof RuntimeException re ? re : new IllegalStateException(action + ": " + e.getMessage(), e);
    }
}
