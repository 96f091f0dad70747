package org.messageexport.config;

import java.util.Locale;

/** Which search engine holds the messages ({@value EnvNames#SEARCH_ENGINE}). JDK only: the CDK app uses it. */
public enum SearchEngine {
    ELASTICSEARCH,
    OPENSEARCH;

    public static final SearchEngine DEFAULT = ELASTICSEARCH;

    /** {@code elasticsearch} or {@code opensearch}, in any case; {@code name} is the setting as the caller calls it. */
    public static SearchEngine parse(String name, String value) {
        return valueOf(
                SettingFormat.oneOf(name, value, "elasticsearch", "opensearch").toUpperCase(Locale.ROOT));
    }

    /** The setting's value, e.g. {@code opensearch}. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }
}
