package org.messageexport.job;

import java.time.LocalDate;
import java.util.Optional;
import org.messageexport.domain.CompletenessProof;
import org.messageexport.domain.ExportWindow;
import org.messageexport.port.JobStore;
import org.messageexport.port.MessageIndex;
import org.messageexport.port.WindowTracking;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the recently completed scheduled windows again (those ending within {@code days} days before the
 * schedule's cursor): a window whose index now holds more messages than its rows track received late arrivals,
 * which a follow-up job of kind late exports (extraction tracks only the ids not tracked yet).
 */
public final class LateArrivalCheck {
    private static final Logger log = LoggerFactory.getLogger(LateArrivalCheck.class);

    private final JobStore jobs;
    private final MessageIndex index;
    private final WindowTracking tracking;
    private final int days;

    /** @param days how many days before the schedule's cursor are counted again; 0 turns the check off */
    public LateArrivalCheck(JobStore jobs, MessageIndex index, WindowTracking tracking, int days) {
        if (days < 0) {
            throw new IllegalArgumentException("days must be >= 0, got " + days);
        }
        this.jobs = jobs;
        this.index = index;
        this.tracking = tracking;
        this.days = days;
    }

    /** The check that never looks (LATE_ARRIVAL_DAYS=0, or no index to count). */
    public static LateArrivalCheck off() {
        return new LateArrivalCheck(null, null, null, 0);
    }

    /**
     * The windows the check counts, the completed scheduled ones of a schedule at {@code
     * cursor} and {@code days} of LATE_ARRIVAL_DAYS, end on or after this day (the tracking retention keeps their rows).
     */
    static LocalDate countedSince(LocalDate cursor, int days) {
        return cursor.minusDays(days).plusDays(1);
    }

    /** The oldest recent window whose index holds messages that no row tracks, if any. */
    public Optional<CompletenessProof> firstWindowWithLateArrivals(Optional<LocalDate> scheduleCursor) {
        if (days == 0 || scheduleCursor.isEmpty()) {
            return Optional.empty();
        }
        for (ExportWindow window : jobs.completedScheduledWindowsSince(countedSince(scheduleCursor.get(), days))) {
            CompletenessProof proof = new CompletenessProof(window, index.count(window), tracking.counts(window));
            if (proof.untracked() > 0) {
                log.info("late arrivals in {}: {}", window, proof.describe());
                return Optional.of(proof);
            }
        }
        return Optional.empty();
    }
}
