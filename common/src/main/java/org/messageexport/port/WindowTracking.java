package org.messageexport.port;

import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.TrackedCounts;

/**
 * The tracking rows of a window's messages, whatever job tracked them (the scheduled job of the window, a manual
 * window that covered it, a rerun, a late follow-up): each row knows its message's UTC day. The completeness proof
 * and the late-arrival check compare these counts with the index's count of the window.
 *
 * <p>Thread-safe. A count is a snapshot: workers settle rows concurrently.
 */
public interface WindowTracking {
    /** The rows of messages whose UTC day is in {@code window}; all zero when none. */
    TrackedCounts counts(ExportWindow window);
}
