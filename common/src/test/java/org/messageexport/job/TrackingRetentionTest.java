package org.messageexport.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.JobKind;
import org.messageexport.domain.JobStatus;
import org.messageexport.port.TrackingPartitions;

class TrackingRetentionTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-02T10:00:00Z"), ZoneOffset.UTC);

    private final InMemoryJobStore jobs = new InMemoryJobStore();
    private final List<LocalDate> dropCutoffs = new ArrayList<>();
    private final TrackingPartitions partitions = new TrackingPartitions() {
        @Override
        public void prepareDays(LocalDate from, LocalDate through) {}

        @Override
        public List<DayPartition> dropSettledBefore(LocalDate cutoff) {
            dropCutoffs.add(cutoff);
            return List.of();
        }

        @Override
        public List<DayPartition> partitions() {
            return List.of();
        }
    };

    private static ExportWindow window(String start, String end) {
        return new ExportWindow(LocalDate.parse(start), LocalDate.parse(end));
    }

    @Test
    void cutoff_isTodayMinusTheRetention_whenTheLateArrivalCheckCountsNothingOlder() {
        jobs.scheduleCursor = LocalDate.parse("2026-03-02");
        jobs.put(InMemoryJobStore.finished(
                1, window("2026-02-28", "2026-03-02"), JobKind.SCHEDULED, JobStatus.COMPLETED));

        assertThat(new TrackingRetention(partitions, 1, CLOCK).cutoff()).isEqualTo(LocalDate.parse("2026-03-01"));
        assertThat(new TrackingRetention(partitions, 30, CLOCK)
                        .keepingLateArrivalDays(jobs, 3)
                        .cutoff())
                .isEqualTo(LocalDate.parse("2026-01-31"));
    }

    @Test
    void cutoff_keepsEveryDayOfTheWindowsTheLateArrivalCheckCounts_whenTheScheduleIsBehind() {
        // catching up: the schedule's cursor is ten days behind today, and the retention is one day
        jobs.scheduleCursor = LocalDate.parse("2026-02-20");
        jobs.put(InMemoryJobStore.finished(
                1, window("2026-02-10", "2026-02-15"), JobKind.SCHEDULED, JobStatus.COMPLETED));
        jobs.put(InMemoryJobStore.finished(
                2, window("2026-02-15", "2026-02-18"), JobKind.SCHEDULED, JobStatus.COMPLETED));
        jobs.put(InMemoryJobStore.finished(
                3, window("2026-02-18", "2026-02-20"), JobKind.SCHEDULED, JobStatus.COMPLETED));
        TrackingRetention retention = new TrackingRetention(partitions, 1, CLOCK).keepingLateArrivalDays(jobs, 3);

        // the check counts the windows ending on or after 2026-02-18: the one of 02-15..02-18 is counted whole
        assertThat(retention.cutoff()).isEqualTo(LocalDate.parse("2026-02-15"));
        retention.dropExpired();
        assertThat(dropCutoffs).containsExactly(LocalDate.parse("2026-02-15"));
        // without the check (LATE_ARRIVAL_DAYS=0): the retention alone
        assertThat(new TrackingRetention(partitions, 1, CLOCK)
                        .keepingLateArrivalDays(jobs, 0)
                        .cutoff())
                .isEqualTo(LocalDate.parse("2026-03-01"));
    }

    @Test
    void dropExpired_dropsNothing_withRetentionZero_whateverTheLateArrivalCheck() {
        jobs.scheduleCursor = LocalDate.parse("2026-02-20");
        new TrackingRetention(partitions, 0, CLOCK)
                .keepingLateArrivalDays(jobs, 3)
                .dropExpired();

        assertThat(dropCutoffs).isEmpty();
    }
}
