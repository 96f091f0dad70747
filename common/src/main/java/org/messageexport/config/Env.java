package org.messageexport.config;

import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/** Typed reads of environment variables; every failure names the variable and what was wrong with it. */
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
        return optional(name).map(v -> parsePositive(name, v)).orElse(fallback);
    }

    public int nonNegativeInt(String name, int fallback) {
        return optional(name)
                .map(v -> {
                    try {
                        int n = Integer.parseInt(v);
                        if (n < 0) {
                            throw new ConfigException(name + " must be >= 0, got " + v);
                        }
                        return n;
                    } catch (NumberFormatException e) {
                        throw new ConfigException(name + " must be a whole number, got '" + v + "'");
                    }
                })
                .orElse(fallback);
    }

    private static int parsePositive(String name, String v) {
        try {
            int n = Integer.parseInt(v);
            if (n <= 0) {
                throw new ConfigException(name + " must be > 0, got " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a whole number, got '" + v + "'");
        }
    }

    /** An ISO-8601 duration such as {@code PT15M}. */
    public Duration duration(String name, Duration fallback) {
        return optional(name)
                .map(v -> {
                    try {
                        Duration d = Duration.parse(v);
                        if (d.isNegative() || d.isZero()) {
                            throw new ConfigException(name + " must be a positive duration, got " + v);
                        }
                        return d;
                    } catch (DateTimeParseException e) {
                        throw new ConfigException(
                                name + " must be an ISO-8601 duration such as PT15M, got '" + v + "'");
                    }
                })
                .orElse(fallback);
    }

    /** An ISO-8601 period of whole days such as {@code P1D}. */
    public Period days(String name, Period fallback) {
        return optional(name)
                .map(v -> {
                    try {
                        Period p = Period.parse(v);
                        if (p.getYears() != 0 || p.getMonths() != 0 || p.getDays() <= 0) {
                            throw new ConfigException(name + " must be a whole number of days such as P1D, got " + v);
                        }
                        return p;
                    } catch (DateTimeParseException e) {
                        throw new ConfigException(name + " must be a period of days such as P1D, got '" + v + "'");
                    }
                })
                .orElse(fallback);
    }

    public Optional<LocalDate> date(String name) {
        return optional(name).map(v -> parseDate(name, v));
    }

    public static LocalDate parseDate(String name, String v) {
        try {
            return LocalDate.parse(v);
        } catch (DateTimeParseException e) {
            throw new ConfigException(name + " must be a date yyyy-MM-dd, got '" + v + "'");
        }
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
