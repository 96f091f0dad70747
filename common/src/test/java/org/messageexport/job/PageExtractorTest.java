package org.messageexport.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.messageexport.config.Env;
import org.messageexport.config.JobSettings;
import org.messageexport.domain.Deadline;
import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.ExtractionCursor;
import org.messageexport.domain.IdPage;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.MessageBatch;
import org.messageexport.domain.PageAccount;
import org.messageexport.domain.RejectedMessage;
import org.messageexport.observability.Metrics;
import org.messageexport.port.BatchOutbox;
import org.messageexport.port.MessageIndex;
import org.messageexport.testing.MutableClock;

class PageExtractorTest {
    private static final Instant CREATED = Instant.parse("2026-03-02T01:00:00Z");
    private static final ExportWindow WINDOW =
            new ExportWindow(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-02"));
    private static final String EXECUTION = "exec-1";
    private static final String TOO_LONG = "\u00e9".repeat(300);

    private final MutableClock clock = new MutableClock(CREATED.plusSeconds(60));
    private final InMemoryJobStore jobs = new InMemoryJobStore();
    private final List<List<String>> sent = new ArrayList<>();

    /** One page of ids, then the end of the window. */
    private static MessageIndex index(List<String> ids) {
        return new MessageIndex() {
            @Override
            public IdPage nextPage(ExportWindow window, ExtractionCursor cursor, int pageSize) {
                return cursor.pointInTime() == null
                        ? IdPage.onDay(ids, WINDOW.start(), new ExtractionCursor("pit", List.of(1L)))
                        : IdPage.onDay(List.of(), WINDOW.start(), cursor);
            }

            @Override
            public long count(ExportWindow window) {
                throw new UnsupportedOperationException("extraction counts nothing");
            }

            @Override
            public void release(ExtractionCursor cursor) {}
        };
    }

    /** Records what it is given; {@code lose} ids are left out of the rows, as an ignored insert would. */
    private static final class FakeOutbox implements BatchOutbox {
        final List<String> lose;
        final List<List<String>> trackable = new ArrayList<>();
        final List<List<RejectedMessage>> rejected = new ArrayList<>();
        boolean honest = true;

        FakeOutbox(List<String> lose) {
            this.lose = lose;
        }

        @Override
        public RecordedPage recordPage(
                JobRun job,
                String executionId,
                IdPage page,
                List<RejectedMessage> rejectedIds,
                int batchSize,
                Instant now) {
            List<String> ids = page.ids();
            trackable.add(ids);
            rejected.add(rejectedIds);
            List<String> rows = ids.stream().filter(id -> !lose.contains(id)).toList();
            List<String> read = new ArrayList<>(ids);
            rejectedIds.forEach(r -> read.add(r.messageId()));
            PageAccount account = honest
                    ? PageAccount.of("page", read, rows, List.of(), rejectedIds)
                    : new PageAccount(read.size(), rows.size(), 0, rejectedIds.size());
            return new RecordedPage(List.of(new MessageBatch(job.jobId(), 1, rows)), account);
        }

        @Override
        public List<MessageBatch> unsentBatches(long jobId, Instant now) {
            return List.of();
        }

        @Override
        public void markEnqueued(List<Long> batchIds, Instant now) {}
    }

    private ExtractResult extract(FakeOutbox outbox, List<String> ids) {
        jobs.put(InMemoryJobStore.running(1, WINDOW, EXECUTION, CREATED, false, 0));
        PageExtractor extractor = new PageExtractor(
                jobs,
                outbox,
                index(ids),
                (batches, accepted) -> {
                    batches.forEach(b -> sent.add(b.messageIds()));
                    accepted.accepted(
                            batches.stream().map(MessageBatch::batchId).toList());
                },
                JobSettings.from(new Env(Map.of())),
                Backoff.standard(new Jitter(7)),
                clock);
        return extractor.extract(
                1, EXECUTION, Deadline.after(Duration.ofMinutes(5), clock), new Metrics("test", l -> {}, clock));
    }

    @Test
    void anIdOverTheLimit_goesToTheOutboxAsRejected_theRestAsTrackable() {
        FakeOutbox outbox = new FakeOutbox(List.of());

        ExtractResult result = extract(outbox, List.of("a", TOO_LONG, "b"));

        assertThat(result.done()).isTrue();
        assertThat(outbox.trackable).containsExactly(List.of("a", "b"));
        assertThat(outbox.rejected.getFirst()).singleElement().satisfies(r -> {
            assertThat(r.messageId()).isEqualTo(TOO_LONG);
            assertThat(r.reason()).startsWith("message id of 600 bytes (UTF-8) is longer than the 512");
        });
        assertThat(sent).containsExactly(List.of("a", "b"));
    }

    @Test
    void anIdAWriteLeftOut_stopsExtraction_namingIt_andNothingIsSent() {
        FakeOutbox outbox = new FakeOutbox(List.of("case-a"));

        assertThatThrownBy(() -> extract(outbox, List.of("Case-A", "case-a")))
                .isInstanceOf(PageAccount.UnaccountedIdsException.class)
                .hasMessageContaining("['case-a']");
        assertThat(sent).isEmpty();
    }

    @Test
    void anAccountThatDoesNotAddUp_stopsExtraction_evenIfTheAdapterMissedIt() {
        FakeOutbox outbox = new FakeOutbox(List.of("b"));
        outbox.honest = false;

        assertThatThrownBy(() -> extract(outbox, List.of("a", "b")))
                .isInstanceOf(PageAccount.UnaccountedIdsException.class)
                .hasMessageStartingWith("page of job 1: 2 ids read, PageAccount[read=2, recorded=1, alreadyTracked=0,"
                        + " rejected=0] accounted for")
                .hasMessageNotContaining("\n");
        assertThat(sent).isEmpty();
    }

    @Test
    void requireWholePage_acceptsAnAccountCoveringThePage() {
        assertThatCode(() -> PageExtractor.requireWholePage(7, 10, new PageAccount(10, 6, 3, 1)))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> PageExtractor.requireWholePage(7, 11, new PageAccount(10, 6, 3, 1)))
                .isInstanceOf(PageAccount.UnaccountedIdsException.class);
    }
}
