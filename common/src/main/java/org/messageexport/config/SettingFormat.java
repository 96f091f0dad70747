package org.messageexport.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import org.messageexport.domain.FailureBudget;
import org.messageexport.domain.OutputFormat;

/**
 * The one parser of each kind of setting value, shared by the functions (through {@link Env}) and the CDK app (its
 * context keys), so that a value the synth accepts is a value the handlers accept. Each failure is a
 * {@link ConfigException} built with {@link ConfigException#of}: it names the setting as the caller calls it (an
 * environment variable, a context key). JDK only: the CDK app uses it without common's libraries.
 */
public final class SettingFormat {
    private SettingFormat() {}

    /** An ISO-8601 duration greater than zero, e.g. {@code PT15M}. */
    public static Duration positiveDuration(String name, String value) {
        Duration d;
        try {
            d = Duration.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw ConfigException.of(name, "must be an ISO-8601 duration such as PT15M, got '" + value + "'");
        }
        if (d.isNegative() || d.isZero()) {
            throw ConfigException.of(name, "must be a positive duration such as PT15M, got '" + value + "'");
        }
        return d;
    }

    /** An ISO-8601 period of whole days greater than zero, e.g. {@code P1D}. */
    public static Period wholeDays(String name, String value) {
        Period p;
        try {
            p = Period.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw ConfigException.of(name, "must be a period of days such as P1D, got '" + value + "'");
        }
        if (p.getYears() != 0 || p.getMonths() != 0 || p.getDays() <= 0) {
            throw ConfigException.of(name, "must be a whole number of days such as P1D, got '" + value + "'");
        }
        return p;
    }

    /** A date {@code yyyy-MM-dd}. */
    public static LocalDate date(String name, String value) {
        try {
            return LocalDate.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw ConfigException.of(name, "must be a date yyyy-MM-dd, got '" + value + "'");
        }
    }

    /** A whole number from {@code min} to {@code max}. */
    public static int integer(String name, String value, int min, int max) {
        int n;
        try {
            n = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw ConfigException.of(name, "must be a whole number, got '" + value + "'");
        }
        if (n < min || n > max) {
            throw ConfigException.of(
                    name,
                    max == Integer.MAX_VALUE
                            ? "must be >= " + min + ", got " + n
                            : "must be from " + min + " to " + max + ", got " + n);
        }
        return n;
    }

    /** An output format, {@code object} or {@code ndjson-gz} ({@link OutputFormat}). */
    public static OutputFormat outputFormat(String name, String value) {
        return OutputFormat.of(value)
                .orElseThrow(() ->
                        ConfigException.of(name, "must be one of " + OutputFormat.choices() + ", got '" + value + "'"));
    }

    /** {@code true} or {@code false}, in any case. */
    public static boolean bool(String name, String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ConfigException.of(name, "must be true or false, got '" + value + "'");
        };
    }

    /** One of {@code allowed} (lower case), in any case; returned in lower case. */
    public static String oneOf(String name, String value, String... allowed) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        for (String a : allowed) {
            if (a.equals(v)) {
                return a;
            }
        }
        throw ConfigException.of(name, "must be one of " + String.join("|", allowed) + ", got '" + value + "'");
    }

    /**
     * A failure budget: a whole number of messages ({@code 5}) or a percentage of the window's messages
     * ({@code 0.5%}, from 0 to 100).
     */
    public static FailureBudget failureBudget(String name, String value) {
        String v = value.strip();
        boolean percentage = v.endsWith("%");
        String number = percentage ? v.substring(0, v.length() - 1).strip() : v;
        BigDecimal limit;
        try {
            limit = new BigDecimal(number);
        } catch (NumberFormatException e) {
            throw ConfigException.of(
                    name, "must be a count such as 5 or a percentage such as 0.5%, got '" + value + "'");
        }
        if (limit.signum() < 0 || percentage && limit.compareTo(BigDecimal.valueOf(100)) > 0) {
            throw ConfigException.of(
                    name,
                    percentage
                            ? "must be a percentage from 0% to 100%, got '" + value + "'"
                            : "must be a count >= 0, got '" + value + "'");
        }
        if (!percentage && limit.stripTrailingZeros().scale() > 0) {
            throw ConfigException.of(
                    name, "must be a whole count such as 5 (or a percentage such as 0.5%), got '" + value + "'");
        }
        return new FailureBudget(limit, percentage);
    }
}
