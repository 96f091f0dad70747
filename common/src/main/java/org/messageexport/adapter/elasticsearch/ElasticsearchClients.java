package org.messageexport.adapter.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import java.util.Base64;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.UsernamePasswordCredentials;
import org.apache.http.impl.client.BasicCredentialsProvider;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.RestClientBuilder;
import org.messageexport.config.ElasticsearchConfig;

/** Builds the one Elasticsearch client of a process (Jackson 2 mapper). Close it with {@code client._transport().close()}. */
public final class ElasticsearchClients {
    private ElasticsearchClients() {}

    public static ElasticsearchClient create(ElasticsearchConfig config) {
        RestClientBuilder builder = RestClient.builder(
                        HttpHost.create(config.url().toString()))
                .setRequestConfigCallback(rc -> rc.setConnectTimeout(5_000).setSocketTimeout(60_000))
                .setHttpClientConfigCallback(http -> {
                    http.setMaxConnTotal(32).setMaxConnPerRoute(32);
                    if (config.username() != null && config.apiKey() == null) {
                        BasicCredentialsProvider credentials = new BasicCredentialsProvider();
                        credentials.setCredentials(
                                AuthScope.ANY, new UsernamePasswordCredentials(config.username(), config.password()));
                        http.setDefaultCredentialsProvider(credentials);
                    }
                    return http;
                });
        if (config.apiKey() != null) {
            builder.setDefaultHeaders(
                    new Header[] {new BasicHeader("Authorization", "ApiKey " + apiKey(config.apiKey()))});
        }
        return new ElasticsearchClient(new RestClientTransport(builder.build(), new JacksonJsonpMapper()));
    }

    /** Accepts the encoded key, or {@code id:key}, as Kibana and the API show them. */
    private static String apiKey(String key) {
        return key.contains(":")
                ? Base64.getEncoder().encodeToString(key.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                : key;
    }
}
