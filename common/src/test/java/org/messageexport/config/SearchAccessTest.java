package org.messageexport.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SearchAccessTest {
    private static ElasticsearchConfig config(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(EnvNames.ES_URL, "https://search-x.eu-west-1.es.amazonaws.com"));
        env.putAll(extra);
        return ElasticsearchConfig.from(new Env(env), SecretLookup.NONE);
    }

    @Test
    void defaults_toElasticsearch_withTheCredentialsAsBefore() {
        ElasticsearchConfig c = config(Map.of(EnvNames.ES_USERNAME, "u", EnvNames.ES_PASSWORD, "p"));
        assertThat(c.access()).isEqualTo(SearchAccess.ELASTICSEARCH);
        assertThat(c.credentials().current().authorizationHeader()).isEqualTo("Basic dTpw");
    }

    @Test
    void openSearch_withSigv4_signsForTheDomainRegion_fallingBackToTheFunctionsRegion() {
        ElasticsearchConfig c = config(Map.of(
                EnvNames.SEARCH_ENGINE, "OpenSearch", EnvNames.SEARCH_AUTH, "sigv4", EnvNames.AWS_REGION, "eu-west-1"));
        assertThat(c.access()).isEqualTo(SearchAccess.sigv4("es", "eu-west-1"));
        assertThat(c.credentials().sendsCredentials()).isFalse();

        assertThat(config(Map.of(
                                EnvNames.SEARCH_ENGINE, "opensearch",
                                EnvNames.SEARCH_AUTH, "sigv4",
                                EnvNames.SEARCH_SIGV4_SERVICE, "aoss",
                                EnvNames.SEARCH_REGION, "us-west-2",
                                EnvNames.AWS_REGION, "eu-west-1"))
                        .access())
                .isEqualTo(SearchAccess.sigv4("aoss", "us-west-2"));
    }

    @Test
    void badSettings_failWithOneLineNamingTheSetting() {
        assertThatThrownBy(() -> config(Map.of(EnvNames.SEARCH_ENGINE, "solr")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("SEARCH_ENGINE must be one of elasticsearch|opensearch, got 'solr'");
        assertThatThrownBy(() -> config(Map.of(EnvNames.SEARCH_AUTH, "sigv4", EnvNames.AWS_REGION, "eu-west-1")))
                .hasMessageStartingWith("SEARCH_AUTH sigv4 needs SEARCH_ENGINE=opensearch");
        assertThatThrownBy(() -> config(Map.of(
                        EnvNames.SEARCH_ENGINE, "opensearch",
                        EnvNames.SEARCH_AUTH, "sigv4",
                        EnvNames.AWS_REGION, "eu-west-1",
                        EnvNames.ES_API_KEY, "k")))
                .hasMessageStartingWith("SEARCH_AUTH sigv4 signs with the AWS credentials chain: unset");
        assertThatThrownBy(() -> config(Map.of(EnvNames.SEARCH_ENGINE, "opensearch", EnvNames.SEARCH_AUTH, "sigv4")))
                .hasMessage("SEARCH_REGION is required with sigv4 (or AWS_REGION)");
        assertThatThrownBy(() -> config(Map.of(
                        EnvNames.SEARCH_ENGINE, "opensearch",
                        EnvNames.SEARCH_AUTH, "sigv4",
                        EnvNames.AWS_REGION, "eu-west-1",
                        EnvNames.SEARCH_SIGV4_SERVICE, "s3")))
                .hasMessage("SEARCH_SIGV4_SERVICE must be one of es|aoss, got 's3'");
        assertThatThrownBy(() -> ElasticsearchConfig.from(
                        new Env(Map.of(
                                EnvNames.ES_URL, "http://search:9200",
                                EnvNames.SEARCH_ENGINE, "opensearch",
                                EnvNames.SEARCH_AUTH, "sigv4",
                                EnvNames.AWS_REGION, "eu-west-1")),
                        SecretLookup.NONE))
                .hasMessage("ES_URL must be https with SEARCH_AUTH=sigv4, got http://search:9200");
    }
}
