package org.messageexport.config;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * The cluster (Elasticsearch or OpenSearch: {@link SearchAccess}) and the messages index. Credentials: none, basic, or
 * an API key, from env or from a secret read on first use; or, for OpenSearch, SigV4 signing instead. With {@value EnvNames#REQUIRE_TLS}, credentials are sent over https only (unless
 * {@value EnvNames#ES_ALLOW_PLAIN_HTTP}).
 */
public record ElasticsearchConfig(
        URI url,
        CredentialSource credentials,
        String messagesIndex,
        String timestampField,
        String idField,
        SearchAccess access) {

    public static final String DEFAULT_INDEX = "messages";
    public static final String DEFAULT_TIMESTAMP_FIELD = "timestamp";
    public static final String DOCUMENT_ID = "_id";

    public ElasticsearchConfig {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(access, "access");
    }

    /** An Elasticsearch cluster. */
    public ElasticsearchConfig(
            URI url, CredentialSource credentials, String messagesIndex, String timestampField, String idField) {
        this(url, credentials, messagesIndex, timestampField, idField, SearchAccess.ELASTICSEARCH);
    }

    public ElasticsearchConfig withAccess(SearchAccess other) {
        return new ElasticsearchConfig(url, credentials, messagesIndex, timestampField, idField, other);
    }

    public boolean idIsDocumentId() {
        return DOCUMENT_ID.equals(idField);
    }

    public static ElasticsearchConfig from(Env env, SecretLookup secrets) {
        URI url = env.uri(EnvNames.ES_URL)
                .orElseThrow(() -> new ConfigException(EnvNames.ES_URL + " is required but not set"));
        String user = env.optional(EnvNames.ES_USERNAME).orElse(null);
        String password = env.optional(EnvNames.ES_PASSWORD).orElse(null);
        String apiKey = env.optional(EnvNames.ES_API_KEY).orElse(null);
        SearchAccess access = SearchAccess.from(env);
        if (access.sigv4()
                && (user != null
                        || password != null
                        || apiKey != null
                        || env.optional(EnvNames.ES_SECRET_ARN).isPresent())) {
            throw ConfigException.of(
                    EnvNames.SEARCH_AUTH,
                    "sigv4 signs with the AWS credentials chain: unset " + EnvNames.ES_USERNAME + ", "
                            + EnvNames.ES_PASSWORD + ", " + EnvNames.ES_API_KEY + " and " + EnvNames.ES_SECRET_ARN);
        }
        if (access.sigv4() && !"https".equalsIgnoreCase(url.getScheme())) {
            throw ConfigException.of(
                    EnvNames.ES_URL, "must be https with " + EnvNames.SEARCH_AUTH + "=sigv4, got " + url);
        }
        CredentialSource credentials;
        if (env.optional(EnvNames.ES_SECRET_ARN).isPresent() && password == null && apiKey == null) {
            String arn = env.required(EnvNames.ES_SECRET_ARN);
            String userOverride = user;
            credentials = CredentialSource.secret(arn, secrets, secret -> fromSecret(arn, secret, userOverride));
        } else if (apiKey != null) {
            credentials = CredentialSource.fixed(Credentials.apiKey(apiKey));
        } else if (user != null) {
            credentials = CredentialSource.fixed(Credentials.basic(user, password == null ? "" : password));
        } else {
            credentials = CredentialSource.fixed(Credentials.NONE);
        }
        if (env.bool(EnvNames.REQUIRE_TLS, false)) {
            TransportSecurity.requireHttpsForCredentials(
                    EnvNames.ES_URL,
                    url,
                    credentials.sendsCredentials(),
                    env.bool(EnvNames.ES_ALLOW_PLAIN_HTTP, false),
                    EnvNames.ES_ALLOW_PLAIN_HTTP);
        }
        return new ElasticsearchConfig(
                url,
                credentials,
                env.string(EnvNames.MESSAGES_INDEX, DEFAULT_INDEX),
                env.string(EnvNames.MESSAGE_TIMESTAMP_FIELD, DEFAULT_TIMESTAMP_FIELD),
                env.string(EnvNames.MESSAGE_ID_FIELD, DOCUMENT_ID),
                access);
    }

    private static Credentials fromSecret(String arn, Map<String, String> secret, String userOverride) {
        String apiKey = secret.get("apiKey");
        if (apiKey != null) {
            return Credentials.apiKey(apiKey);
        }
        String user = secret.getOrDefault("username", userOverride);
        String password = secret.get("password");
        if (user == null || password == null) {
            throw new ConfigException(EnvNames.ES_SECRET_ARN + " " + arn
                    + " must name a secret with 'apiKey' or 'username' and 'password'");
        }
        return Credentials.basic(user, password);
    }
}
