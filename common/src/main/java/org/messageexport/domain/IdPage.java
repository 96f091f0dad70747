package org.messageexport.domain;

import java.time.LocalDate;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One page of message ids in index order, the UTC day of each message's timestamp ({@code days}, parallel to
 * {@code ids}: the tracking table is partitioned by it; empty when the reader does not know them), and the cursor
 * just after its last id.
 */
public record IdPage(List<String> ids, List<LocalDate> days, ExtractionCursor next) {
    public IdPage {
        ids = List.copyOf(ids);
        days = List.copyOf(days);
        if (!days.isEmpty() && days.size() != ids.size()) {
            throw new IllegalArgumentException(ids.size() + " ids but " + days.size() + " days");
        }
    }

    /** A page whose messages' days are not known (their rows are counted in the window's first day). */
    public IdPage(List<String> ids, ExtractionCursor next) {
        this(ids, List.of(), next);
    }

    /** A page whose messages all belong to {@code day}. */
    public static IdPage onDay(List<String> ids, LocalDate day, ExtractionCursor next) {
        return new IdPage(ids, Collections.nCopies(ids.size(), day), next);
    }

    public boolean isEmpty() {
        return ids.isEmpty();
    }

    /** This page reduced to {@code keep} (a subset of its ids, in their order), each with its day. */
    public IdPage only(List<String> keep) {
        if (days.isEmpty() || keep.size() == ids.size()) {
            return keep.size() == ids.size() ? this : new IdPage(keep, next);
        }
        Map<String, LocalDate> dayOf = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            dayOf.putIfAbsent(ids.get(i), days.get(i));
        }
        return new IdPage(keep, keep.stream().map(dayOf::get).toList(), next);
    }

    /** The UTC day of the {@code i}-th message, or {@code fallback} when the page does not know it. */
    public LocalDate day(int i, LocalDate fallback) {
        return days.isEmpty() ? fallback : days.get(i);
    }
}
