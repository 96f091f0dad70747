package org.messageexport.port;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * The job's upkeep of the tracking rows' storage: {@code message_tracking} is partitioned by the message's UTC day,
 * ranges of days each ending at a bound ({@code p20261102} holds the days before 2026-11-02 that no lower partition
 * holds) and a catch-all above the last bound. The job gives each day of a window a partition of its own before it
 * records the window, and drops the partitions of old, settled windows (retention), a day at a time and without a
 * DELETE.
 *
 * <p>Both operations are schema changes (DDL): they wait for the statements running on the table, and two of them
 * do not run at once. Neither affects what a lookup finds except that dropped rows are gone. Thread-safe.
 */
public interface TrackingPartitions {
    /**
     * Makes sure every day from {@code from} to {@code through} (inclusive) has a partition of its own, splitting
     * them off the catch-all; days below the lowest new one that have none share one partition. Days already
     * partitioned are left alone. Repeating it changes nothing.
     */
    void prepareDays(LocalDate from, LocalDate through);

    /**
     * Drops every partition whose days all lie before {@code cutoff} and overlap no window still to settle: a running
     * job's, or a failed job's that no later completed job covers (its rerun needs the rows). The catch-all stays.
     *
     * @return the partitions dropped, lowest first (empty when none)
     */
    List<DayPartition> dropSettledBefore(LocalDate cutoff);

    /** The partitions by day, lowest first; the catch-all last, with no upper bound. */
    List<DayPartition> partitions();

    /**
     * A partition: the days from {@code from} (empty: from the beginning) up to {@code until} (exclusive; empty for
     * the catch-all), and its row count as the server estimates it.
     */
    record DayPartition(String name, Optional<LocalDate> from, Optional<LocalDate> until, long estimatedRows) {}
}
