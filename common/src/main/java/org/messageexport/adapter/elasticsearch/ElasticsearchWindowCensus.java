package org.messageexport.adapter.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.messageexport.config.ElasticsearchConfig;
import org.messageexport.domain.ExportWindow;
import org.messageexport.port.WindowCensus;

/**
 * {@link WindowCensus} on Elasticsearch: {@code _count} with extraction's window query (failed shards are an error,
 * not a smaller count), and a {@code random_score} search for the sample.
 */
public final class ElasticsearchWindowCensus implements WindowCensus {
    private final ElasticsearchClient client;
    private final ElasticsearchConfig config;

    public ElasticsearchWindowCensus(ElasticsearchClient client, ElasticsearchConfig config) {
        this.client = client;
        this.config = config;
    }

    @Override
    public long count(ExportWindow window) {
        try {
            var response = client.count(
                    c -> c.index(config.messagesIndex()).query(ElasticsearchMessageIndex.windowQuery(config, window)));
            if (response.shards().failed().intValue() > 0) {
                throw new IllegalStateException("count of " + window + " answered with "
                        + response.shards().failed() + " failed shards: refusing a partial count");
            }
            return response.count();
        } catch (IOException | ElasticsearchException e) {
            throw ElasticsearchErrors.translate("count the messages of " + window, e);
        }
    }

    @Override
    public List<String> sample(ExportWindow window, int size) {
        try {
            SearchResponse<Void> page = client.search(
                    s -> {
                        s.index(config.messagesIndex())
                                .size(size)
                                .source(src -> src.fetch(false))
                                .trackTotalHits(t -> t.enabled(false))
                                .query(q -> q.functionScore(
                                        f -> f.query(ElasticsearchMessageIndex.windowQuery(config, window))
                                                .functions(fn -> fn.randomScore(r -> r))));
                        if (!config.idIsDocumentId()) {
                            s.docvalueFields(f -> f.field(config.idField()));
                        }
                        return s;
                    },
                    Void.class);
            List<String> ids = new ArrayList<>();
            for (Hit<Void> hit : page.hits().hits()) {
                ids.add(ElasticsearchMessageIndex.idOf(config, hit));
            }
            return ids;
        } catch (IOException | ElasticsearchException e) {
            throw ElasticsearchErrors.translate("sample the messages of " + window, e);
        }
    }
}
