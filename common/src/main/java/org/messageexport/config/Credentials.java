package org.messageexport.config;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What a connection authenticates with: a user name and password, an API key (Elasticsearch), or nothing. Fields
 * not used are null. {@link #toString()} never shows a secret.
 */
public record Credentials(String username, String password, String apiKey) {
    public static final Credentials NONE = new Credentials(null, null, null);

    public static Credentials basic(String username, String password) {
        return new Credentials(username, password, null);
    }

    public static Credentials apiKey(String apiKey) {
        return new Credentials(null, null, apiKey);
    }

    /** True when something is sent with each request or connection. */
    public boolean present() {
        return username != null || apiKey != null;
    }

    /**
     * The value of the HTTP {@code Authorization} header, the same for both search engines: {@code ApiKey} (the encoded
     * key, or {@code id:key} as Kibana and the API show it), {@code Basic}, or null when nothing is sent.
     */
    public String authorizationHeader() {
        if (apiKey != null) {
            return "ApiKey "
                    + (apiKey.contains(":")
                            ? Base64.getEncoder().encodeToString(apiKey.getBytes(StandardCharsets.UTF_8))
                            : apiKey);
        }
        if (username != null) {
            return "Basic "
                    + Base64.getEncoder()
                            .encodeToString((username + ":" + (password == null ? "" : password))
                                    .getBytes(StandardCharsets.UTF_8));
        }
        return null;
    }

    @Override
    public String toString() {
        return apiKey != null ? "Credentials[apiKey=***]" : "Credentials[username=" + username + ", password=***]";
    }
}
