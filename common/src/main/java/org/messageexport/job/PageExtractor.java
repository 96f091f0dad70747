package org.messageexport.job;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.messageexport.config.JobSettings;
import org.messageexport.domain.Deadline;
import org.messageexport.domain.ExtractionCursor;
import org.messageexport.domain.IdPage;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.JobStatus;
import org.messageexport.domain.MessageBatch;
import org.messageexport.domain.PageAccount;
import org.messageexport.domain.RejectedMessage;
import org.messageexport.observability.Metrics;
import org.messageexport.port.BatchOutbox;
import org.messageexport.port.BatchQueue;
import org.messageexport.port.JobOwnershipLostException;
import org.messageexport.port.JobStore;
import org.messageexport.port.MessageIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the ids of a job's window page by page until the window is exhausted or the time budget is
 * nearly spent. Each page is tracked and cut into batches in one transaction together with the cursor
 * (the checkpoint a restart reads), then the batches are sent. Batches left unsent by a crash between
 * the commit and the send (the outbox) are sent first on the next call.
 */
public final class PageExtractor {
    private static final Logger log = LoggerFactory.getLogger(PageExtractor.class);
    /** Kept free at the end of the budget for the last send and the answer. */
    private static final Duration MARGIN = Duration.ofSeconds(2);

    private final JobStore jobs;
    private final BatchOutbox outbox;
    private final MessageIndex index;
    private final BatchQueue queue;
    private final JobSettings settings;
    private final Clock clock;
    private final Backoff backoff;
    /** Reads the next page of ids ahead: at most one thread, gone when idle. */
    private final ExecutorService reader =
            new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "id-reader");
                t.setDaemon(true);
                return t;
            });

    public PageExtractor(
            JobStore jobs,
            BatchOutbox outbox,
            MessageIndex index,
            BatchQueue queue,
            JobSettings settings,
            Backoff backoff,
            Clock clock) {
        this.jobs = jobs;
        this.backoff = backoff;
        this.outbox = outbox;
        this.index = index;
        this.queue = queue;
        this.settings = settings;
        this.clock = clock;
    }

    public ExtractResult extract(long jobId, String executionId, Deadline deadline, Metrics metrics) {
        JobRun job = ownedRunningJob(jobId, executionId);
        long t0 = System.nanoTime();
        Sender sender = new Sender(jobId);
        sender.sendUnsent();
        int pages = 0;
        long extracted = 0;
        long slowestPageNanos = 0;
        boolean windowExhausted = job.extractionDone();
        // The next page is read while the current one is recorded and sent (a page read ahead and not used when
        // the call stops is dropped: the saved cursor is after the last recorded page).
        Future<IdPage> ahead = windowExhausted ? null : readAhead(job, job.cursor(), deadline);
        // At least one page per call, so that even a tiny budget makes progress.
        while (!windowExhausted) {
            long p0 = System.nanoTime();
            IdPage page = await(ahead);
            if (page.isEmpty()) {
                index.release(page.next());
                if (!jobs.markExtractionDone(jobId, executionId, clock.instant())) {
                    throw new JobOwnershipLostException(jobId, executionId);
                }
                windowExhausted = true;
                break;
            }
            ahead = readAhead(job, page.next(), deadline);
            // an id the table cannot hold fails alone, with its reason; the adapter accounts for every other id
            RejectedMessage.Split split = RejectedMessage.split(page.ids());
            BatchOutbox.RecordedPage recorded = outbox.recordPage(
                    job,
                    executionId,
                    page.only(split.trackable()),
                    split.rejected(),
                    settings.batchSize(),
                    clock.instant());
            requireWholePage(jobId, page.ids().size(), recorded.account());
            List<MessageBatch> batches = recorded.batches();
            if (!split.rejected().isEmpty()) {
                log.warn(
                        "job {}: {} message(s) rejected, first: {}",
                        jobId,
                        split.rejected().size(),
                        split.rejected().getFirst().reason());
            }
            sender.send(batches);
            pages++;
            extracted += page.ids().size();
            long pageNanos = System.nanoTime() - p0;
            slowestPageNanos = Math.max(slowestPageNanos, pageNanos);
            log.debug(
                    "job {}: page {} of {} ids, {} new batches",
                    jobId,
                    pages,
                    page.ids().size(),
                    batches.size());
            // stop while a page as slow as the slowest one so far still fits, twice over
            if (deadline.hasLessThan(Duration.ofNanos(2 * slowestPageNanos).plus(MARGIN))) {
                break;
            }
        }
        // the queue may refuse some entries of a SendMessageBatch: they stay in the outbox, try them once more
        boolean allSent = sender.refused == 0 || sender.sendUnsent() && sender.refused == 0;
        JobRun after = jobs.find(jobId).orElseThrow();
        boolean done = windowExhausted && allSent;
        long millis = (System.nanoTime() - t0) / 1_000_000;
        log.info(
                "job {}: extract call read {} pages ({} ids), sent {} batches in {} ms; done={}",
                jobId,
                pages,
                extracted,
                sender.sent,
                millis,
                done);
        metrics.property("jobId", jobId)
                .put("IdsExtracted", extracted, Metrics.Unit.Count)
                .put("BatchesEnqueued", sender.sent, Metrics.Unit.Count)
                .put("PageLatency", pages == 0 ? 0 : millis / (double) pages, Metrics.Unit.Milliseconds)
                .emit();
        return new ExtractResult(jobId, done, after.extracted(), after.batches(), pages);
    }

    private JobRun ownedRunningJob(long jobId, String executionId) {
        JobRun job =
                jobs.find(jobId).orElseThrow(() -> new InvalidRequestException("job " + jobId + " does not exist"));
        if (job.status() != JobStatus.RUNNING || !jobs.heartbeat(jobId, executionId, clock.instant())) {
            throw new JobOwnershipLostException(jobId, executionId);
        }
        return job;
    }

    /** An overloaded or briefly unreachable index (429, 503, failed shards) is waited out while the call's time allows. */
    private Future<IdPage> readAhead(JobRun job, ExtractionCursor cursor, Deadline deadline) {
        return reader.submit(() -> backoff.call(
                "read ids of job " + job.jobId(),
                () -> index.nextPage(job.window(), cursor, settings.pageSize()),
                new Deadline(deadline.at().minus(MARGIN), deadline.clock())));
    }

    private static IdPage await(Future<IdPage> page) {
        try {
            return page.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading ids", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }

    /** The page's account must cover every id read (the adapter checks each id; this checks the sum). */
    static void requireWholePage(long jobId, int read, PageAccount account) {
        if (account.read() != read || account.recorded() + account.alreadyTracked() + account.rejected() != read) {
            throw new PageAccount.UnaccountedIdsException("page of job " + jobId + ": " + read + " ids read, " + account
                    + " accounted for: a write left ids out");
        }
    }

    /** Sends batches and counts, for one call, what the queue took and what it refused. */
    private final class Sender {
        private final long jobId;
        private int sent;
        private int refused;

        Sender(long jobId) {
            this.jobId = jobId;
        }

        /** Sends the batches left in status created (the outbox); true when there were any. */
        boolean sendUnsent() {
            refused = 0;
            List<MessageBatch> unsent = outbox.unsentBatches(jobId, clock.instant());
            if (!unsent.isEmpty()) {
                log.info("job {}: sending {} batches left unsent earlier", jobId, unsent.size());
                send(unsent);
            }
            return !unsent.isEmpty();
        }

        void send(List<MessageBatch> batches) {
            if (batches.isEmpty()) {
                return;
            }
            int[] accepted = {0};
            queue.send(batches, ids -> {
                outbox.markEnqueued(ids, clock.instant());
                accepted[0] += ids.size();
            });
            sent += accepted[0];
            refused += batches.size() - accepted[0];
        }
    }
}
