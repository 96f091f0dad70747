package org.messageexport.config;

import java.net.URI;
import java.util.Map;

/** The cluster and the messages index. Credentials: none, basic, or an API key (env or secret). */
public record ElasticsearchConfig(
        URI url,
        String username,
        String password,
        String apiKey,
        String messagesIndex,
        String timestampField,
        String idField) {

    public static final String DEFAULT_INDEX = "messages";
    public static final String DEFAULT_TIMESTAMP_FIELD = "timestamp";
    public static final String DOCUMENT_ID = "_id";

    public boolean idIsDocumentId() {
        return DOCUMENT_ID.equals(idField);
    }

    public static ElasticsearchConfig from(Env env, SecretLookup secrets) {
        String user = env.optional(EnvNames.ES_USERNAME).orElse(null);
        String password = env.optional(EnvNames.ES_PASSWORD).orElse(null);
        String apiKey = env.optional(EnvNames.ES_API_KEY).orElse(null);
        if (env.optional(EnvNames.ES_SECRET_ARN).isPresent() && password == null && apiKey == null) {
            Map<String, String> secret = secrets.read(env.required(EnvNames.ES_SECRET_ARN));
            apiKey = secret.get("apiKey");
            user = secret.getOrDefault("username", user);
            password = secret.get("password");
            if (apiKey == null && (user == null || password == null)) {
                throw new ConfigException(
                        EnvNames.ES_SECRET_ARN + " must name a secret with 'apiKey' or 'username' and 'password'");
            }
        }
        return new ElasticsearchConfig(
                env.uri(EnvNames.ES_URL)
                        .orElseThrow(() -> new ConfigException(EnvNames.ES_URL + " is required but not set")),
                user,
                password,
                apiKey,
                env.string(EnvNames.MESSAGES_INDEX, DEFAULT_INDEX),
                env.string(EnvNames.MESSAGE_TIMESTAMP_FIELD, DEFAULT_TIMESTAMP_FIELD),
                env.string(EnvNames.MESSAGE_ID_FIELD, DOCUMENT_ID));
    }
}
