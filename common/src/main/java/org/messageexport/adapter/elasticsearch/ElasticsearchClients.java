package org.messageexport.adapter.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import org.messageexport.config.ElasticsearchConfig;

/**
 * Builds the one Elasticsearch client of a process (Jackson 2 mapper) on a {@link ReconnectingTransport}: building it
 * opens nothing. Close it with {@code client._transport().close()}.
 */
public final class ElasticsearchClients {
    private ElasticsearchClients() {}

    public static ElasticsearchClient create(ElasticsearchConfig config) {
        return create(ReconnectingTransport.of(config));
    }

    public static ElasticsearchClient create(ReconnectingTransport transport) {
        return new ElasticsearchClient(transport);
    }
}
