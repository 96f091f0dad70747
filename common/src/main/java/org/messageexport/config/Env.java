package org.messageexport.config;

import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.time.Period;
import java.util.Map;
import java.util.Optional;
import org.messageexport.domain.FailureBudget;
import org.messageexport.domain.OutputFormat;

/**
 * Typed reads of environment variables; every failure names the variable and what was wrong with it. The formats
 * are {@link SettingFormat}'s, which the CDK app checks its context keys with too.
 */
public final class Env {
    private final Map<String, String> values;

    public Env(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public Optional<String> optional(String name) {
        String v = values.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    public String required(String name) {
        return optional(name).orElseThrow(() -> new ConfigException(name + " is required but not set"));
    }

    public String string(String name, String fallback) {
        return optional(name).orElse(fallback);
    }

    public int positiveInt(String name, int fallback) {
        return integer(name, fallback, 1, Integer.MAX_VALUE);
    }

    public int nonNegativeInt(String name, int fallback) {
        return integer(name, fallback, 0, Integer.MAX_VALUE);
    }

    /** A whole number from {@code min} to {@code max}. */
    public int integer(String name, int fallback, int min, int max) {
        return optional(name).map(v -> SettingFormat.integer(name, v, min, max)).orElse(fallback);
    }

    public boolean bool(String name, boolean fallback) {
        return optional(name).map(v -> SettingFormat.bool(name, v)).orElse(fallback);
    }

    /** A positive ISO-8601 duration such as {@code PT15M}. */
    public Duration duration(String name, Duration fallback) {
        return optional(name).map(v -> SettingFormat.positiveDuration(name, v)).orElse(fallback);
    }

    /** An ISO-8601 period of whole days such as {@code P1D}. */
    public Period days(String name, Period fallback) {
        return optional(name).map(v -> SettingFormat.wholeDays(name, v)).orElse(fallback);
    }

    /** {@code object} or {@code ndjson-gz}. */
    public OutputFormat outputFormat(String name, OutputFormat fallback) {
        return optional(name).map(v -> SettingFormat.outputFormat(name, v)).orElse(fallback);
    }

    /** A failure budget: a count ({@code 5}) or a percentage ({@code 0.5%}). */
    public FailureBudget failureBudget(String name, FailureBudget fallback) {
        return optional(name).map(v -> SettingFormat.failureBudget(name, v)).orElse(fallback);
    }

    public Optional<LocalDate> date(String name) {
        return optional(name).map(v -> SettingFormat.date(name, v));
    }

    public static LocalDate parseDate(String name, String v) {
        return SettingFormat.date(name, v);
    }

    public Optional<URI> uri(String name) {
        return optional(name).map(v -> {
            try {
                URI u = URI.create(v);
                if (u.getScheme() == null || u.getHost() == null) {
                    throw new ConfigException(
                            name + " must be an absolute URL such as http://host:port, got '" + v + "'");
                }
                return u;
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name + " is not a valid URL: '" + v + "'");
            }
        });
    }
}
