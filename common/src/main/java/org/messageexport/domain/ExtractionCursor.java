package org.messageexport.domain;

import java.util.List;

/**
 * Where extraction of a window stands: the point in time it reads and the sort values of the last id
 * it recorded. A restart continues after {@code searchAfter}; if the point in time has expired, the
 * index adapter opens a new one and continues from the same sort values. Both null = not started.
 */
public record ExtractionCursor(String pointInTime, List<Object> searchAfter) {
    public static final ExtractionCursor START = new ExtractionCursor(null, null);

    public ExtractionCursor {
        searchAfter = searchAfter == null ? null : List.copyOf(searchAfter);
    }

    public boolean started() {
        return searchAfter != null;
    }
}
