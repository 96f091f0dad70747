package org.messageexport.service;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.messageexport.domain.Deadline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Lambda's SQS event source mapping, in this process; the one owner of its semantics (the worker service runs it on
 * the work queue, the local runner in its local deployment). {@code concurrency} pollers each long-poll the queue for
 * up to {@code batchSize} messages and hand them to the handler as one {@link SQSEvent}, with a deadline of
 * {@code batchTimeout} (what the function timeout is to Lambda). Records the handler does not report in
 * {@code batchItemFailures} are deleted; the others stay hidden for the rest of the visibility timeout and are then
 * delivered again (the queue's redrive policy moves them to the DLQ after maxReceiveCount). A handler that throws
 * fails all its records, as on AWS.
 *
 * <p>While a batch runs, a heartbeat renews its messages' visibility every third of the visibility timeout, so that a
 * batch that overruns (a slow read inside a client's own timeout, a long GC pause) is never handed to a second worker
 * while the first still works on it. A process that dies stops renewing: its messages come back after at most one
 * visibility timeout.
 *
 * <p>{@link #stop} drains: no more receives; each batch in flight finishes or, at its deadline, gives back what it did
 * not do (the exporter releases those rows' leases); messages that are not deleted by then (failed during the drain,
 * received after the stop, or still held when the drain timeout ends) are made visible again at once, for another
 * worker to take. Thread-safe.
 */
public final class SqsEventSource implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SqsEventSource.class);
    private static final int MAX_ENTRIES = 10;
    private static final Duration MAX_VISIBILITY = Duration.ofHours(12);

    /** One invocation: the records of a receive, to be handled by {@code deadline}. */
    @FunctionalInterface
    public interface BatchHandler {
        SQSBatchResponse handle(SQSEvent event, Deadline deadline);
    }

    /**
     * @param concurrency pollers, hence batches handled at once (Lambda: maximum concurrency)
     * @param batchSize messages per receive, 1..10 (Lambda: batch size)
     * @param batchTimeout the deadline given to the handler (Lambda: the function timeout)
     * @param visibilityTimeout how long a received message stays hidden; renewed while its batch runs
     * @param pollWait long-poll wait of a receive, 0..20 s
     */
    public record Settings(
            String queueUrl,
            int concurrency,
            int batchSize,
            Duration batchTimeout,
            Duration visibilityTimeout,
            Duration pollWait) {
        public Settings {
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency must be >= 1, got " + concurrency);
            }
            if (batchSize < 1 || batchSize > MAX_ENTRIES) {
                throw new IllegalArgumentException("batch size must be 1..10, got " + batchSize);
            }
            if (visibilityTimeout.toSeconds() < 1 || visibilityTimeout.compareTo(MAX_VISIBILITY) > 0) {
                throw new IllegalArgumentException(
                        "visibility timeout must be 1 s..12 h (SQS's range), got " + visibilityTimeout);
            }
            if (pollWait.isNegative() || pollWait.toSeconds() > 20) {
                throw new IllegalArgumentException("poll wait must be 0..20 s, got " + pollWait);
            }
        }

        /** Every third of the visibility timeout, so that two renewals may fail before a message shows again. */
        public Duration heartbeatInterval() {
            Duration third = visibilityTimeout.dividedBy(3);
            return third.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : third;
        }
    }

    public enum State {
        CREATED,
        RUNNING,
        DRAINING,
        STOPPED
    }

    /** Counts since the start; {@code lastReceive} is null before the first successful receive. */
    public record Stats(
            State state,
            int concurrency,
            int inFlightBatches,
            int inFlightRecords,
            long batches,
            long recordsReceived,
            long recordsDeleted,
            long recordsFailed,
            long recordsReleased,
            long heartbeats,
            Instant lastReceive,
            int consecutiveReceiveErrors) {}

    /**
     * What a stop did: batches that were in flight when it began and finished during the drain, messages made visible
     * again, whether the drain timeout ended before every batch had returned.
     */
    public record DrainReport(int batchesFinished, long recordsReleased, boolean timedOut, long millis) {}

    private final SqsClient sqs;
    private final Settings settings;
    private final BatchHandler handler;
    private final Clock clock;
    private final List<Thread> pollers = new ArrayList<>();
    private final ScheduledExecutorService heartbeat;
    /** Receipt handle → message, of every message handed to the handler and not yet deleted or given back. */
    private final Map<String, Message> inFlight = new ConcurrentHashMap<>();

    private final AtomicReference<State> state = new AtomicReference<>(State.CREATED);
    private final AtomicInteger inFlightBatches = new AtomicInteger();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong finishedBatches = new AtomicLong();
    private final AtomicLong recordsReceived = new AtomicLong();
    private final AtomicLong recordsDeleted = new AtomicLong();
    private final AtomicLong recordsFailed = new AtomicLong();
    private final AtomicLong recordsReleased = new AtomicLong();
    private final AtomicLong heartbeats = new AtomicLong();
    private final AtomicReference<Instant> lastReceive = new AtomicReference<>();
    private final AtomicInteger consecutiveReceiveErrors = new AtomicInteger();

    private volatile String queueArn = "";
    private volatile String region = "";

    public SqsEventSource(SqsClient sqs, Settings settings, BatchHandler handler, Clock clock) {
        this.sqs = sqs;
        this.settings = settings;
        this.handler = handler;
        this.clock = clock;
        for (int i = 0; i < settings.concurrency(); i++) {
            Thread t = new Thread(this::poll, "sqs-poller-" + i);
            t.setDaemon(true);
            pollers.add(t);
        }
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sqs-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    /** Looks the queue up (it must exist: the first call that can fail does it here) and starts polling. */
    public SqsEventSource start() {
        if (!state.compareAndSet(State.CREATED, State.RUNNING)) {
            throw new IllegalStateException("already started");
        }
        queueArn = sqs.getQueueAttributes(
                        a -> a.queueUrl(settings.queueUrl()).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes()
                .getOrDefault(QueueAttributeName.QUEUE_ARN, "");
        region = sqs.serviceClientConfiguration().region().id();
        long every = settings.heartbeatInterval().toMillis();
        heartbeat.scheduleWithFixedDelay(this::renewVisibility, every, every, TimeUnit.MILLISECONDS);
        pollers.forEach(Thread::start);
        log.info(
                "polling {} with {} pollers, {} messages per receive, batch timeout {}, visibility {} (heartbeat every {})",
                settings.queueUrl(),
                settings.concurrency(),
                settings.batchSize(),
                settings.batchTimeout(),
                settings.visibilityTimeout(),
                settings.heartbeatInterval());
        return this;
    }

    public Stats stats() {
        return new Stats(
                state.get(),
                settings.concurrency(),
                inFlightBatches.get(),
                inFlight.size(),
                batches.get(),
                recordsReceived.get(),
                recordsDeleted.get(),
                recordsFailed.get(),
                recordsReleased.get(),
                heartbeats.get(),
                lastReceive.get(),
                consecutiveReceiveErrors.get());
    }

    private boolean running() {
        return state.get() == State.RUNNING;
    }

    private void poll() {
        int errors = 0;
        while (running()) {
            List<Message> messages;
            try {
                messages = sqs.receiveMessage(r -> r.queueUrl(settings.queueUrl())
                                .maxNumberOfMessages(settings.batchSize())
                                .waitTimeSeconds((int) settings.pollWait().toSeconds())
                                .visibilityTimeout(
                                        (int) settings.visibilityTimeout().toSeconds())
                                .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
                        .messages();
                errors = 0;
                consecutiveReceiveErrors.set(0);
                lastReceive.set(clock.instant());
            } catch (RuntimeException e) {
                if (!running()) {
                    break;
                }
                errors++;
                consecutiveReceiveErrors.incrementAndGet();
                log.warn("receiving from {} failed ({} in a row): {}", settings.queueUrl(), errors, e.toString());
                sleep(Math.min(5_000L, 250L << Math.min(errors, 5)));
                continue;
            }
            if (messages.isEmpty()) {
                continue;
            }
            recordsReceived.addAndGet(messages.size());
            if (!running()) {
                // received while the stop began: another worker takes them now rather than after the visibility timeout
                release(messages, "received after the stop");
                break;
            }
            deliver(messages);
        }
    }

    private void deliver(List<Message> messages) {
        messages.forEach(m -> inFlight.put(m.receiptHandle(), m));
        inFlightBatches.incrementAndGet();
        batches.incrementAndGet();
        try {
            Set<String> failed = invoke(messages);
            recordsFailed.addAndGet(failed.size());
            List<Message> done = new ArrayList<>();
            List<Message> notDone = new ArrayList<>();
            for (Message m : messages) {
                (failed.contains(m.messageId()) ? notDone : done).add(m);
            }
            delete(done);
            if (!running() && !notDone.isEmpty()) {
                release(notDone, "not settled during the drain");
            }
        } finally {
            messages.forEach(m -> inFlight.remove(m.receiptHandle()));
            inFlightBatches.decrementAndGet();
            finishedBatches.incrementAndGet();
        }
    }

    /** The ids of the records to deliver again. */
    private Set<String> invoke(List<Message> messages) {
        Set<String> failed = new HashSet<>();
        try {
            SQSBatchResponse response = handler.handle(event(messages), Deadline.after(settings.batchTimeout(), clock));
            if (response != null && response.getBatchItemFailures() != null) {
                response.getBatchItemFailures().forEach(f -> failed.add(f.getItemIdentifier()));
            }
        } catch (RuntimeException e) {
            log.warn("the handler failed; its {} records will be delivered again: {}", messages.size(), e.toString());
            messages.forEach(m -> failed.add(m.messageId()));
        }
        return failed;
    }

    private void delete(List<Message> done) {
        for (int from = 0; from < done.size(); from += MAX_ENTRIES) {
            List<Message> chunk = done.subList(from, Math.min(done.size(), from + MAX_ENTRIES));
            List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(DeleteMessageBatchRequestEntry.builder()
                        .id(Integer.toString(i))
                        .receiptHandle(chunk.get(i).receiptHandle())
                        .build());
            }
            try {
                int failures = sqs.deleteMessageBatch(
                                d -> d.queueUrl(settings.queueUrl()).entries(entries))
                        .failed()
                        .size();
                recordsDeleted.addAndGet(chunk.size() - failures);
                if (failures > 0) {
                    log.warn(
                            "{} settled records could not be deleted: they will be delivered again and claim nothing",
                            failures);
                }
            } catch (RuntimeException e) {
                // the batch is settled: a redelivery finds its rows completed and claims nothing
                log.warn("deleting {} settled records failed: {}", chunk.size(), e.toString());
            }
        }
    }

    /** Makes {@code messages} visible again at once, for another worker. */
    private void release(List<Message> messages, String why) {
        changeVisibility(messages, 0);
        recordsReleased.addAndGet(messages.size());
        log.info("{} records made visible again: {}", messages.size(), why);
    }

    private void renewVisibility() {
        try {
            List<Message> held = List.copyOf(inFlight.values());
            if (!held.isEmpty()) {
                // a message deleted in the meantime fails its entry, which is then simply not in flight any more
                changeVisibility(held, (int) settings.visibilityTimeout().toSeconds());
                heartbeats.incrementAndGet();
            }
        } catch (RuntimeException e) {
            log.warn("renewing the visibility of the records in flight failed: {}", e.toString());
        }
    }

    /** @return the entries SQS refused */
    private int changeVisibility(List<Message> messages, int seconds) {
        int refused = 0;
        for (int from = 0; from < messages.size(); from += MAX_ENTRIES) {
            List<Message> chunk = messages.subList(from, Math.min(messages.size(), from + MAX_ENTRIES));
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder()
                        .id(Integer.toString(i))
                        .receiptHandle(chunk.get(i).receiptHandle())
                        .visibilityTimeout(seconds)
                        .build());
            }
            try {
                refused += sqs.changeMessageVisibilityBatch(
                                c -> c.queueUrl(settings.queueUrl()).entries(entries))
                        .failed()
                        .size();
            } catch (RuntimeException e) {
                log.warn("changing the visibility of {} records failed: {}", chunk.size(), e.toString());
                refused += chunk.size();
            }
        }
        return refused;
    }

    /**
     * Stops receiving and drains (see the class comment); waits at most {@code drainTimeout} for the batches in
     * flight. Returns what the drain did; calling it again returns at once.
     */
    public DrainReport stop(Duration drainTimeout) {
        long t0 = System.nanoTime();
        State before = state.getAndUpdate(s -> s == State.RUNNING ? State.DRAINING : s);
        if (before != State.RUNNING) {
            state.set(State.STOPPED);
            heartbeat.shutdownNow();
            return new DrainReport(0, 0, false, 0);
        }
        long releasedBefore = recordsReleased.get();
        long finishedBefore = finishedBatches.get();
        int inFlightAtStop = inFlightBatches.get();
        log.info("draining: no more receives; {} batches in flight", inFlightAtStop);
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        for (Thread t : pollers) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        boolean timedOut = pollers.stream().anyMatch(Thread::isAlive);
        if (timedOut) {
            List<Message> held = List.copyOf(inFlight.values());
            if (!held.isEmpty()) {
                // their rows keep a lease until it expires; a redelivery takes them over then
                release(held, "the drain timeout ended before their batch did");
            }
        }
        heartbeat.shutdownNow();
        state.set(State.STOPPED);
        int finished = (int) Math.min(inFlightAtStop, finishedBatches.get() - finishedBefore);
        DrainReport report = new DrainReport(
                finished, recordsReleased.get() - releasedBefore, timedOut, (System.nanoTime() - t0) / 1_000_000);
        log.info(
                "drained in {} ms: {} of {} batches in flight finished, {} records made visible again{}",
                report.millis(),
                report.batchesFinished(),
                inFlightAtStop,
                report.recordsReleased(),
                timedOut ? " (drain timeout reached)" : "");
        return report;
    }

    /** {@link #stop} with the batch timeout plus a poll wait as the drain timeout. */
    @Override
    public void close() {
        stop(settings.batchTimeout().plus(settings.pollWait()).plusSeconds(5));
    }

    /** The event Lambda's event source mapping would deliver for {@code messages}, receipt handles included. */
    SQSEvent event(List<Message> messages) {
        List<SQSMessage> records = new ArrayList<>(messages.size());
        for (Message m : messages) {
            Map<String, String> attributes = new HashMap<>();
            m.attributes().forEach((k, v) -> attributes.put(k.toString(), v));
            SQSMessage r = new SQSMessage();
            r.setMessageId(m.messageId());
            r.setReceiptHandle(m.receiptHandle());
            r.setBody(m.body());
            r.setMd5OfBody(m.md5OfBody());
            r.setAttributes(attributes);
            r.setEventSource("aws:sqs");
            r.setEventSourceArn(queueArn);
            r.setAwsRegion(region);
            records.add(r);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
