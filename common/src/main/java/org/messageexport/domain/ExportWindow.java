package org.messageexport.domain;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * The messages whose timestamp, converted to UTC, falls in {@code [start, end)}. Windows are whole
 * UTC days, as the seed's {@code DATE} columns are.
 */
public record ExportWindow(LocalDate start, LocalDate end) {
    public ExportWindow {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("window end " + end + " must be after its start " + start);
        }
    }

    public Instant startInstant() {
        return start.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    public Instant endInstant() {
        return end.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    public boolean overlaps(ExportWindow other) {
        return start.isBefore(other.end) && other.start.isBefore(end);
    }

    @Override
    public String toString() {
        return "[" + start + ", " + end + ")";
    }
}
