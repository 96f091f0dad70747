package org.messageexport.domain;

/** Tracking rows of one job by status; {@code inProgress} counts live leases, {@code stalled} expired ones. */
public record ProgressCounts(long pending, long inProgress, long stalled, long completed, long failed) {
    public long total() {
        return pending + inProgress + stalled + completed + failed;
    }

    /** Nothing is waiting for or held by a worker. */
    public boolean settled() {
        return pending == 0 && inProgress == 0;
    }
}
