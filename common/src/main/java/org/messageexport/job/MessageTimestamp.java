package org.messageexport.job;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.Optional;

/**
 * A message's timestamp as Elasticsearch's default date format reads it ({@code strict_date_optional_time||epoch_millis}):
 * ISO-8601 with any offset (none = UTC), a date alone (midnight UTC), or epoch milliseconds.
 */
public final class MessageTimestamp {
    private static final DateTimeFormatter ISO = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart()
            .appendLiteral('T')
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .optionalEnd()
            .optionalStart()
            .appendOffset("+HH:MM", "Z")
            .optionalEnd()
            .optionalStart()
            .appendOffset("+HHMM", "Z")
            .optionalEnd()
            .optionalStart()
            .appendOffset("+HH", "Z")
            .optionalEnd()
            .toFormatter();

    private MessageTimestamp() {}

    /** The instant in {@code field} (a dotted path reaches into objects) of {@code source}; empty when missing or unreadable. */
    public static Optional<Instant> of(JsonNode source, String field) {
        JsonNode value = source.get(field);
        if (value == null && field.indexOf('.') > 0) {
            value = source;
            for (String part : field.split("\\.")) {
                value = value == null ? null : value.get(part);
            }
        }
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (value.isIntegralNumber()) {
            return Optional.of(Instant.ofEpochMilli(value.asLong()));
        }
        return value.isTextual() ? parse(value.asText()) : Optional.empty();
    }

    static Optional<Instant> parse(String text) {
        String s = text.trim();
        if (!s.isEmpty() && s.chars().allMatch(Character::isDigit) && s.length() > 8) {
            return Optional.of(Instant.ofEpochMilli(Long.parseLong(s)));
        }
        try {
            TemporalAccessor t = ISO.parseBest(s, OffsetDateTime::from, LocalDateTime::from, LocalDate::from);
            return Optional.of(
                    switch (t) {
                        case OffsetDateTime odt -> odt.toInstant();
                        case LocalDateTime ldt -> ldt.toInstant(ZoneOffset.UTC);
                        case LocalDate d -> d.atStartOfDay(ZoneOffset.UTC).toInstant();
                        default -> throw new DateTimeParseException("unsupported", s, 0);
                    });
        } catch (DateTimeParseException | ArithmeticException e) {
            return Optional.empty();
        }
    }
}
