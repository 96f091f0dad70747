package org.messageexport.domain;

/**
 * The tracking rows of a window's messages, whatever job tracked them: {@code tracked} rows in all, of which
 * {@code completed} and {@code failed} are settled (the rest are pending or in progress).
 */
public record TrackedCounts(long tracked, long completed, long failed) {
    public static final TrackedCounts NONE = new TrackedCounts(0, 0, 0);

    public long unsettled() {
        return tracked - completed - failed;
    }
}
