package org.messageexport.adapter.search;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.ExtractionCursor;
import org.messageexport.domain.IdPage;
import org.messageexport.port.MessageIndex;
import org.messageexport.port.TransientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MessageIndex} on either engine: pages the ids of a window with a point in time and {@code search_after} on
 * {@code [timestamp, _shard_doc]} ({@code _source} off, no hit counting), failed shards a transient error; an expired point in
 * time is reopened and reading resumes at the last timestamp. An engine adapter supplies the four requests.
 */
public abstract class PointInTimeIndex implements MessageIndex {
    private static final Logger log = LoggerFactory.getLogger(PointInTimeIndex.class);
    /** {@code _shard_doc} values are >= 0: resuming after {@code [t, -1]} re-reads every id at timestamp t. */
    private static final long BEFORE_ANY_SHARD_DOC = -1L;

    /**
     * One page as an engine answered it: the ids in order, each message's UTC day ({@link #dayOf}), the sort values
     * of the last hit, the shards.
     */
    public record Page(
            String pointInTime,
            List<String> ids,
            List<LocalDate> days,
            List<Object> lastSort,
            int successfulShards,
            int failedShards,
            String shardFailures) {}

    /** The engine said the point in time is gone (expired or closed). */
    protected static final class PointInTimeGone extends RuntimeException {
        public PointInTimeGone(Throwable cause) {
            super(cause);
        }
    }

    /** Opens a point in time on the messages index; errors already mapped ({@link SearchFailures}). */
    protected abstract String openPointInTime();

    /**
     * One page of ids with {@code pit}, sorted by {@code [timestamp, _shard_doc]}, after {@code after} (null: from
     * the start). Throws {@link PointInTimeGone} when the point in time no longer exists, other errors mapped.
     */
    protected abstract Page search(ExportWindow window, String pit, List<Object> after, int pageSize);

    /** Closes {@code pit}; throws nothing (it expires on its own). */
    protected abstract void closePointInTime(String pit);

    @Override
    public final IdPage nextPage(ExportWindow window, ExtractionCursor cursor, int pageSize) {
        String pit = cursor.pointInTime() != null ? cursor.pointInTime() : openPointInTime();
        List<Object> after = cursor.searchAfter();
        Page page;
        try {
            page = search(window, pit, after, pageSize);
        } catch (PointInTimeGone e) {
            // The point in time expired (or was closed) between two calls. Sort values of _shard_doc belong to
            // the old one: continue from the last timestamp instead, re-reading its ids (recorded idempotently).
            log.info("point in time expired; reopening and resuming at sort values {}", after);
            pit = openPointInTime();
            after = after == null ? null : List.of(after.getFirst(), BEFORE_ANY_SHARD_DOC);
            page = search(window, pit, after, pageSize);
        }
        if (page.failedShards() > 0) {
            // a shard that failed (relocating, overloaded, its node restarting) answers again later: transient
            throw new TransientException(
                    "search of " + window + " answered from " + page.successfulShards() + " shards with "
                            + page.failedShards() + " failed: refusing a partial page (" + page.shardFailures() + ")",
                    null);
        }
        String nextPit = page.pointInTime() != null ? page.pointInTime() : pit;
        if (page.ids().isEmpty()) {
            return new IdPage(List.of(), new ExtractionCursor(nextPit, after));
        }
        return new IdPage(page.ids(), page.days(), new ExtractionCursor(nextPit, page.lastSort()));
    }

    @Override
    public final void release(ExtractionCursor cursor) {
        if (cursor.pointInTime() != null) {
            closePointInTime(cursor.pointInTime());
        }
    }

    /**
     * The UTC day of a message from its first sort value (its timestamp: epoch milliseconds for a {@code date}
     * field) — the day its tracking row is counted in.
     */
    protected static LocalDate dayOf(String documentId, Object timestampSortValue) {
        if (!(timestampSortValue instanceof Number millis)) {
            throw new IllegalStateException(
                    "message " + documentId + " sorts by a timestamp that is not epoch millis: " + timestampSortValue);
        }
        return LocalDate.ofInstant(Instant.ofEpochMilli(millis.longValue()), ZoneOffset.UTC);
    }

    /** A count answered by an engine, refused when shards failed (a partial count would prove nothing). */
    protected static long checkedCount(ExportWindow window, long count, int failedShards, String shardFailures) {
        if (failedShards > 0) {
            throw new TransientException(
                    "count of " + window + " answered with " + failedShards
                            + " failed shards: refusing a partial count (" + shardFailures + ")",
                    null);
        }
        return count;
    }

    /**
     * Whether an error means the point in time is gone: 404, or a cause whose type names a missing search context
     * (the engines' word for it).
     */
    protected static boolean isPointInTimeGone(int status, Stream<String> errorTypes) {
        return status == 404 || errorTypes.anyMatch(t -> t != null && t.contains("search_context_missing"));
    }
}
