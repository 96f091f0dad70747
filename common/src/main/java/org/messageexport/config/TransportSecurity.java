package org.messageexport.config;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What {@value EnvNames#REQUIRE_TLS} demands (the CDK stack sets it on every function; the app checks its context keys
 * with the same methods): MySQL over TLS with the server's certificate and host name verified, and Elasticsearch
 * credentials never over plain http unless explicitly allowed (tests). JDK only: the CDK app uses it without common's
 * libraries.
 */
public final class TransportSecurity {
    /** Connector/J's mode that verifies the server's certificate chain and that it names the host connected to. */
    public static final String VERIFIED_SSL_MODE = "VERIFY_IDENTITY";

    /** Connector/J's legacy TLS switches, which a verified connection must not mix with {@code sslMode}. */
    private static final Set<String> LEGACY_TLS_PARAMETERS = Set.of("usessl", "requiressl", "verifyservercertificate");

    private TransportSecurity() {}

    /**
     * The JDBC URL with {@code sslMode=VERIFY_IDENTITY}: added when the URL names no mode; the URL as it is when it
     * names that one.
     *
     * @throws ConfigException (named {@code name}) when the URL asks for a weaker mode or sets a legacy TLS switch
     */
    public static String requireVerifiedTls(String name, String jdbcUrl) {
        Map<String, String> params = queryParameters(jdbcUrl);
        for (String key : params.keySet()) {
            if (LEGACY_TLS_PARAMETERS.contains(key.toLowerCase(Locale.ROOT))) {
                throw ConfigException.of(
                        name,
                        "must not set " + key + " when TLS is required: the connection uses sslMode="
                                + VERIFIED_SSL_MODE + " (remove " + key + ")");
            }
        }
        String mode = params.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase("sslMode"))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
        if (mode == null) {
            return jdbcUrl + (jdbcUrl.contains("?") ? (jdbcUrl.endsWith("?") || jdbcUrl.endsWith("&") ? "" : "&") : "?")
                    + "sslMode=" + VERIFIED_SSL_MODE;
        }
        if (!mode.equalsIgnoreCase(VERIFIED_SSL_MODE)) {
            throw ConfigException.of(
                    name,
                    "must use sslMode=" + VERIFIED_SSL_MODE + " when TLS is required (the server's certificate and"
                            + " host name verified), got sslMode=" + mode);
        }
        return jdbcUrl;
    }

    /**
     * Refuses a plain-http Elasticsearch URL over which credentials would be sent, unless {@code allowPlainHttp}.
     *
     * @throws ConfigException (named {@code name})
     */
    public static void requireHttpsForCredentials(
            String name, URI url, boolean sendsCredentials, boolean allowPlainHttp, String allowedBy) {
        if (sendsCredentials && !allowPlainHttp && !"https".equalsIgnoreCase(url.getScheme())) {
            throw ConfigException.of(
                    name,
                    "must be an https:// URL: the Elasticsearch credentials would be sent in clear text over " + url
                            + " (set " + allowedBy + "=true to allow plain http, for tests only)");
        }
    }

    /** The query parameters of a JDBC URL, in order (a key without '=' maps to an empty value). */
    public static Map<String, String> queryParameters(String jdbcUrl) {
        Map<String, String> params = new LinkedHashMap<>();
        int q = jdbcUrl.indexOf('?');
        if (q < 0) {
            return params;
        }
        for (String pair : jdbcUrl.substring(q + 1).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            params.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
        }
        return params;
    }
}
