package org.messageexport.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.messageexport.domain.CompletenessProof;
import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.ExtractionCursor;
import org.messageexport.domain.IdPage;
import org.messageexport.domain.JobKind;
import org.messageexport.domain.JobStatus;
import org.messageexport.domain.TrackedCounts;
import org.messageexport.port.MessageIndex;
import org.messageexport.port.WindowTracking;

class LateArrivalCheckTest {
    private static final LocalDate D1 = LocalDate.parse("2026-11-01");

    private final InMemoryJobStore jobs = new InMemoryJobStore();
    private final Map<ExportWindow, Long> indexCounts = new HashMap<>();
    private final Map<ExportWindow, TrackedCounts> tracked = new HashMap<>();
    private final List<ExportWindow> counted = new ArrayList<>();

    private final MessageIndex index = new MessageIndex() {
        @Override
        public long count(ExportWindow window) {
            counted.add(window);
            return indexCounts.getOrDefault(window, 0L);
        }

        @Override
        public IdPage nextPage(ExportWindow window, ExtractionCursor cursor, int pageSize) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void release(ExtractionCursor cursor) {}
    };
    private final WindowTracking tracking = window -> tracked.getOrDefault(window, TrackedCounts.NONE);

    private static ExportWindow day(int n) {
        return new ExportWindow(D1.plusDays(n), D1.plusDays(n + 1));
    }

    private void completed(long jobId, ExportWindow window, JobKind kind, long messages) {
        jobs.put(InMemoryJobStore.finished(jobId, window, kind, JobStatus.COMPLETED));
        indexCounts.put(window, messages);
        tracked.put(window, new TrackedCounts(messages, messages, 0));
    }

    @Test
    void findsTheOldestRecentWindowWhoseIndexNowHoldsMoreMessagesThanItsRowsTrack() {
        for (int d = 0; d < 5; d++) {
            completed(d + 1, day(d), JobKind.SCHEDULED, 100);
        }
        indexCounts.put(day(3), 103L);
        indexCounts.put(day(4), 101L);

        Optional<CompletenessProof> late =
                new LateArrivalCheck(jobs, index, tracking, 3).firstWindowWithLateArrivals(Optional.of(D1.plusDays(5)));

        assertThat(late).isPresent();
        assertThat(late.get().window()).isEqualTo(day(3));
        assertThat(late.get().untracked()).isEqualTo(3);
        // only the last 3 days before the cursor are counted, oldest first, up to the first with late arrivals
        assertThat(counted).containsExactly(day(2), day(3));
    }

    @Test
    void countsOnlyScheduledWindows_andFindsNothingWhenEveryWindowIsComplete() {
        completed(1, day(0), JobKind.SCHEDULED, 10);
        completed(2, day(1), JobKind.MANUAL, 10);
        indexCounts.put(day(1), 11L);

        assertThat(new LateArrivalCheck(jobs, index, tracking, 3)
                        .firstWindowWithLateArrivals(Optional.of(day(2).start())))
                .isEmpty();
        assertThat(counted).containsExactly(day(0));
    }

    @Test
    void aWindowWithFewerMessagesThanRows_isNoLateArrival() {
        completed(1, day(0), JobKind.SCHEDULED, 10);
        indexCounts.put(day(0), 9L);

        assertThat(new LateArrivalCheck(jobs, index, tracking, 3)
                        .firstWindowWithLateArrivals(Optional.of(day(1).start())))
                .isEmpty();
    }

    @Test
    void zeroDays_orNoScheduleYet_countsNothing() {
        completed(1, day(0), JobKind.SCHEDULED, 10);
        indexCounts.put(day(0), 20L);

        assertThat(new LateArrivalCheck(jobs, index, tracking, 0)
                        .firstWindowWithLateArrivals(Optional.of(day(1).start())))
                .isEmpty();
        assertThat(new LateArrivalCheck(jobs, index, tracking, 3).firstWindowWithLateArrivals(Optional.empty()))
                .isEmpty();
        assertThat(LateArrivalCheck.off().firstWindowWithLateArrivals(Optional.of(day(1).start())))
                .isEmpty();
        assertThat(counted).isEmpty();
    }
}
