package org.messageexport.job;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.messageexport.domain.ExportWindow;
import org.messageexport.port.JobStore;
import org.messageexport.port.TrackingPartitions;
import org.messageexport.port.TrackingPartitions.DayPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's rules for the tracking table's daily partitions: before a window is recorded, its days and the next
 * {@value #DAYS_AHEAD} get partitions of their own (so the catch-all stays empty and splitting it moves no row);
 * after a job completes, the partitions of settled windows older than {@code TRACKING_RETENTION_DAYS} are dropped
 * (0 keeps them forever). The days the late-arrival check still counts ({@code LATE_ARRIVAL_DAYS} before the
 * schedule's cursor, and the whole of every window it counts) are kept whatever their age: without their rows the
 * check would see every message of the window as a late arrival, and a late job would export it again.
 *
 * <p>Neither is needed for a correct export: a row recorded before its day has a partition lands in the catch-all
 * and is found all the same, and rows kept longer only cost space. So a failure here (a schema change that waited
 * too long for the table, a database user without ALTER) is logged as an error and the job goes on; the next job
 * tries again.
 */
public final class TrackingRetention {
    private static final Logger log = LoggerFactory.getLogger(TrackingRetention.class);
    /** Days beyond a window prepared with it: a week of daily runs without a schema change on the table. */
    public static final int DAYS_AHEAD = 7;

    private final TrackingPartitions partitions;
    private final int retentionDays;
    private final Clock clock;
    private final JobStore jobs;
    private final int lateArrivalDays;

    /** @param retentionDays days a completed window's rows are kept, 0 = forever */
    public TrackingRetention(TrackingPartitions partitions, int retentionDays, Clock clock) {
        this(partitions, retentionDays, clock, null, 0);
    }

    private TrackingRetention(
            TrackingPartitions partitions, int retentionDays, Clock clock, JobStore jobs, int lateArrivalDays) {
        if (retentionDays < 0) {
            throw new IllegalArgumentException("retention days must be >= 0, got " + retentionDays);
        }
        if (lateArrivalDays < 0) {
            throw new IllegalArgumentException("late arrival days must be >= 0, got " + lateArrivalDays);
        }
        this.partitions = partitions;
        this.retentionDays = retentionDays;
        this.clock = clock;
        this.jobs = jobs;
        this.lateArrivalDays = lateArrivalDays;
    }

    /**
     * This retention, keeping also the days that a late-arrival check of {@code lateArrivalDays} (0: none) counts
     * (see {@link LateArrivalCheck}): the windows of completed scheduled jobs ending after the schedule's cursor minus
     * those days.
     */
    public TrackingRetention keepingLateArrivalDays(JobStore jobs, int lateArrivalDays) {
        return new TrackingRetention(partitions, retentionDays, clock, jobs, lateArrivalDays);
    }

    /** Gives the window's days, and the {@value #DAYS_AHEAD} after it, partitions of their own. */
    public void prepare(ExportWindow window) {
        try {
            partitions.prepareDays(window.start(), window.end().plusDays(DAYS_AHEAD - 1));
        } catch (RuntimeException e) {
            log.error(
                    "tracking partitions for {} not prepared (its rows go to the catch-all partition): {}",
                    window,
                    e.toString());
        }
    }

    /**
     * The first day whose rows are kept: today (UTC) minus the retention, or the first day the late-arrival check
     * still counts when that is earlier.
     */
    LocalDate cutoff() {
        LocalDate cutoff = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(retentionDays);
        if (jobs == null || lateArrivalDays == 0) {
            return cutoff;
        }
        Optional<LocalDate> cursor = jobs.lastNextRunDate();
        if (cursor.isEmpty()) {
            return cutoff;
        }
        // the same windows LateArrivalCheck counts
        LocalDate since = LateArrivalCheck.countedSince(cursor.get(), lateArrivalDays);
        LocalDate counted = since;
        for (ExportWindow w : jobs.completedScheduledWindowsSince(since)) {
            if (w.start().isBefore(counted)) {
                counted = w.start();
            }
        }
        return counted.isBefore(cutoff) ? counted : cutoff;
    }

    /**
     * Drops the partitions of settled windows whose days are all before {@link #cutoff()}; nothing when the rows are
     * kept forever.
     *
     * @return what was dropped
     */
    public List<DayPartition> dropExpired() {
        if (retentionDays == 0) {
            return List.of();
        }
        LocalDate cutoff = cutoff();
        try {
            return partitions.dropSettledBefore(cutoff);
        } catch (RuntimeException e) {
            log.error("tracking partitions before {} not dropped (kept until a later job): {}", cutoff, e.toString());
            return List.of();
        }
    }
}
