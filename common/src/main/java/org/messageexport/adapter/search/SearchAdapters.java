package org.messageexport.adapter.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import java.time.Duration;
import java.util.List;
import org.messageexport.adapter.elasticsearch.ElasticsearchClients;
import org.messageexport.adapter.elasticsearch.ElasticsearchIndexSchema;
import org.messageexport.adapter.elasticsearch.ElasticsearchMessageDocuments;
import org.messageexport.adapter.elasticsearch.ElasticsearchMessageIndex;
import org.messageexport.adapter.elasticsearch.ElasticsearchWindowCensus;
import org.messageexport.adapter.elasticsearch.ReconnectingTransport;
import org.messageexport.adapter.opensearch.OpenSearchIndexSchema;
import org.messageexport.adapter.opensearch.OpenSearchMessageDocuments;
import org.messageexport.adapter.opensearch.OpenSearchMessageIndex;
import org.messageexport.adapter.opensearch.ReconnectingOpenSearchTransport;
import org.messageexport.config.ConfigException;
import org.messageexport.config.ElasticsearchConfig;
import org.messageexport.config.EnvNames;
import org.messageexport.domain.SideCollection;
import org.messageexport.port.IndexSchema;
import org.messageexport.port.MessageIndex;
import org.messageexport.port.WindowCensus;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * The index ports on the engine the config names ({@link org.messageexport.config.SearchEngine}): one connection and
 * one client per process, built without network I/O. The only place that chooses between the engines.
 */
public final class SearchAdapters {
    private final ElasticsearchConfig config;
    private final SearchConnection connection;
    private final ElasticsearchClient elasticsearch;
    private final OpenSearchClient openSearch;

    private SearchAdapters(
            ElasticsearchConfig config,
            SearchConnection connection,
            ElasticsearchClient elasticsearch,
            OpenSearchClient openSearch) {
        this.config = config;
        this.connection = connection;
        this.elasticsearch = elasticsearch;
        this.openSearch = openSearch;
    }

    public static SearchAdapters of(ElasticsearchConfig config) {
        return switch (config.access().engine()) {
            case ELASTICSEARCH -> {
                ReconnectingTransport transport = ReconnectingTransport.of(config);
                yield new SearchAdapters(config, transport, ElasticsearchClients.create(transport), null);
            }
            case OPENSEARCH -> {
                ReconnectingOpenSearchTransport transport = ReconnectingOpenSearchTransport.of(config);
                yield new SearchAdapters(config, transport, null, new OpenSearchClient(transport));
            }
        };
    }

    public ElasticsearchConfig config() {
        return config;
    }

    public SearchConnection connection() {
        return connection;
    }

    public MessageIndex messageIndex(Duration pitKeepAlive) {
        return elasticsearch != null
                ? new ElasticsearchMessageIndex(elasticsearch, config, pitKeepAlive)
                : new OpenSearchMessageIndex(openSearch, config, pitKeepAlive);
    }

    public SearchMessageDocuments messageDocuments(List<SideCollection> collections) {
        return elasticsearch != null
                ? new ElasticsearchMessageDocuments(elasticsearch, config, collections)
                : new OpenSearchMessageDocuments(openSearch, config, collections);
    }

    /**
     * The window census of the operator commands (verify, dry-run): a count and a random sample of a window's ids.
     * Elasticsearch only so far.
     *
     * @throws ConfigException on OpenSearch, naming the setting
     */
    public WindowCensus windowCensus() {
        if (elasticsearch == null) {
            throw ConfigException.of(
                    EnvNames.SEARCH_ENGINE,
                    "is " + config.access().engine().value()
                            + ": the window census of verify and dry-run reads Elasticsearch only so far");
        }
        return new ElasticsearchWindowCensus(elasticsearch, config);
    }

    /** The mappings as the preflight reads them (field capabilities). */
    public IndexSchema indexSchema() {
        return elasticsearch != null
                ? new ElasticsearchIndexSchema(elasticsearch)
                : new OpenSearchIndexSchema(openSearch);
    }
}
