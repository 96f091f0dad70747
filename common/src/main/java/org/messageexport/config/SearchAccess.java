package org.messageexport.config;

import java.util.Objects;

/**
 * Which engine the cluster runs and how requests are authenticated beyond the credentials of
 * {@link ElasticsearchConfig}: SigV4 signing (OpenSearch only) with a signing name ({@code es} for an Amazon
 * OpenSearch Service domain, {@code aoss} for a serverless collection) and region; null fields when not signing.
 */
public record SearchAccess(SearchEngine engine, boolean sigv4, String signingService, String region) {
    public static final SearchAccess ELASTICSEARCH = new SearchAccess(SearchEngine.ELASTICSEARCH, false, null, null);
    public static final SearchAccess OPENSEARCH = new SearchAccess(SearchEngine.OPENSEARCH, false, null, null);

    public SearchAccess {
        Objects.requireNonNull(engine, "engine");
        if (sigv4) {
            Objects.requireNonNull(signingService, "signingService");
            Objects.requireNonNull(region, "region");
        }
    }

    public static SearchAccess sigv4(String signingService, String region) {
        return new SearchAccess(SearchEngine.OPENSEARCH, true, signingService, region);
    }

    /** Reads {@value EnvNames#SEARCH_ENGINE}, {@value EnvNames#SEARCH_AUTH} and the SigV4 settings; one line per error. */
    public static SearchAccess from(Env env) {
        SearchEngine engine = env.optional(EnvNames.SEARCH_ENGINE)
                .map(v -> SearchEngine.parse(EnvNames.SEARCH_ENGINE, v))
                .orElse(SearchEngine.DEFAULT);
        boolean sigv4 = env.optional(EnvNames.SEARCH_AUTH)
                .map(v -> SettingFormat.oneOf(EnvNames.SEARCH_AUTH, v, "credentials", "sigv4"))
                .orElse("credentials")
                .equals("sigv4");
        if (!sigv4) {
            return new SearchAccess(engine, false, null, null);
        }
        if (engine != SearchEngine.OPENSEARCH) {
            throw ConfigException.of(
                    EnvNames.SEARCH_AUTH,
                    "sigv4 needs " + EnvNames.SEARCH_ENGINE + "=opensearch (Amazon OpenSearch Service)");
        }
        String service = SettingFormat.oneOf(
                EnvNames.SEARCH_SIGV4_SERVICE, env.string(EnvNames.SEARCH_SIGV4_SERVICE, "es"), "es", "aoss");
        String region = env.optional(EnvNames.SEARCH_REGION)
                .or(() -> env.optional(EnvNames.AWS_REGION))
                .orElseThrow(() -> ConfigException.of(
                        EnvNames.SEARCH_REGION, "is required with sigv4 (or " + EnvNames.AWS_REGION + ")"));
        return new SearchAccess(engine, true, service, region);
    }
}
