package org.messageexport.port;

import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.ExtractionCursor;
import org.messageexport.domain.IdPage;

/**
 * The ids of the messages of a window, read page by page in a stable order (extraction side).
 * Implementations are thread-safe; they throw {@link TransientException} when the index is unreachable.
 */
public interface MessageIndex {
    /**
     * The next page after {@code cursor} ({@link ExtractionCursor#START} for the first). An empty page
     * means the window is exhausted. If the cursor's point in time has expired, a new one is opened and
     * reading continues from the cursor's sort values: ids may repeat (callers record them idempotently),
     * none is skipped. A partial result (failed shards) is a {@link TransientException}, never a short page.
     */
    IdPage nextPage(ExportWindow window, ExtractionCursor cursor, int pageSize);

    /**
     * How many messages the window holds now: the same range query as {@link #nextPage}, counted exactly. The
     * completeness proof compares it with the window's tracking rows.
     */
    long count(ExportWindow window);

    /** Releases what the cursor holds (its point in time); harmless when already gone. */
    void release(ExtractionCursor cursor);
}
