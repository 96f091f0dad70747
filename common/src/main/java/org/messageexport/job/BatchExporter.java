package org.messageexport.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.messageexport.domain.Deadline;
import org.messageexport.domain.MessageBatch;
import org.messageexport.domain.MessageDocument;
import org.messageexport.domain.ObjectKeyScheme;
import org.messageexport.port.MessageDocuments;
import org.messageexport.port.ObjectStore;
import org.messageexport.port.ObjectStore.JsonObject;
import org.messageexport.port.ObjectStore.PutFailure;
import org.messageexport.port.TrackingStore;
import org.messageexport.port.TrackingStore.ExportedMessage;
import org.messageexport.port.TrackingStore.MessageError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports one batch (the worker's use case): claims its rows, reads the messages with their side
 * documents, writes one object per message, and records each row's result in one statement per kind.
 *
 * <p>SQS delivers at least once and a Lambda may die mid-way, so everything here is repeatable: a row
 * already completed is not claimed again, an object written twice is the same object, and a claim is a
 * lease that a later delivery may take over once it expires. Transient failures are retried with backoff
 * while the invocation's time allows; what is left is given back (pending, with its reason) for a
 * redelivery, or marked failed on the queue's last receive so that the job can settle. Permanent
 * failures (message gone from the index, document too large, no usable timestamp) fail the row at once.
 * Thread-safe if its ports are; one batch per call.
 */
public final class BatchExporter {
    private static final Logger log = LoggerFactory.getLogger(BatchExporter.class);

    /**
     * @param timestampField the message field whose UTC date names the object's folder
     * @param collectionNames the side collections, in the order they appear in the export
     * @param maxReceiveCount the queue's maxReceiveCount: a record received this often goes to the DLQ next
     * @param leaseDuration the longest a claim holds (it is also cut to the invocation's end plus {@code settleReserve})
     * @param settleReserve time kept at the end of the invocation to record the results
     */
    public record Settings(
            ObjectKeyScheme keys,
            String timestampField,
            List<String> collectionNames,
            long maxDocumentBytes,
            int maxReceiveCount,
            Duration leaseDuration,
            Duration settleReserve) {
        public Settings {
            collectionNames = List.copyOf(collectionNames);
            Objects.requireNonNull(keys, "keys");
            Objects.requireNonNull(timestampField, "timestampField");
        }
    }

    private final TrackingStore tracking;
    private final MessageDocuments documents;
    private final ObjectStore objects;
    private final Settings settings;
    private final ExportDocumentWriter writer;
    private final Backoff backoff;
    private final Clock clock;

    public BatchExporter(
            TrackingStore tracking,
            MessageDocuments documents,
            ObjectStore objects,
            Settings settings,
            Backoff backoff,
            Clock clock) {
        this.tracking = tracking;
        this.documents = documents;
        this.objects = objects;
        this.settings = settings;
        this.writer = new ExportDocumentWriter(settings.collectionNames());
        this.backoff = backoff;
        this.clock = clock;
    }

    /**
     * Exports {@code batch}, delivered for the {@code receiveCount}-th time, stopping its own retries
     * by {@code deadline}. Returns, never throws for a failure of a backing service.
     */
    public BatchOutcome export(MessageBatch batch, int receiveCount, Deadline deadline) {
        return new Run(batch, receiveCount, deadline).run();
    }

    /** The state of one export. */
    private final class Run {
        private final MessageBatch batch;
        private final int receiveCount;
        private final Deadline deadline;
        /** Deadline for the work before recording results. */
        private final Deadline workDeadline;

        private final String leaseToken = UUID.randomUUID().toString();
        private final long startNanos = System.nanoTime();
        private final List<ExportedMessage> exported = new ArrayList<>();
        private final List<MessageError> permanent = new ArrayList<>();
        private final List<MessageError> retryable = new ArrayList<>();
        /** Ids map to keys one to one (ObjectKeyScheme is injective), so a key finds its row. */
        private final Map<String, String> idByKey = new HashMap<>();

        private long bytes;
        private int claimed;
        private long claimNanos, readNanos, buildNanos, writeNanos;

        Run(MessageBatch batch, int receiveCount, Deadline deadline) {
            this.batch = batch;
            this.receiveCount = receiveCount;
            this.deadline = deadline;
            this.workDeadline = new Deadline(deadline.at().minus(settings.settleReserve()), deadline.clock());
        }

        BatchOutcome run() {
            List<String> ids;
            try {
                Instant now = clock.instant();
                Duration lease =
                        min(settings.leaseDuration(), deadline.remaining().plus(settings.settleReserve()));
                ids = backoff.call(
                        "claim",
                        () -> tracking.claim(batch.jobId(), batch.messageIds(), leaseToken, now, now.plus(lease)),
                        workDeadline);
            } catch (RuntimeException e) {
                return unacknowledged("claim failed: " + describe(e), e);
            }
            claimNanos = System.nanoTime() - startNanos;
            claimed = ids.size();
            if (claimed < batch.messageIds().size()) {
                log.info(
                        "{} of {} messages not claimed (completed already, or held by a live lease)",
                        batch.messageIds().size() - claimed,
                        batch.messageIds().size());
            }
            if (!ids.isEmpty()) {
                List<JsonObject> toWrite;
                try {
                    toWrite = documents(ids);
                } catch (RuntimeException e) {
                    String reason = "reading the documents failed: " + describe(e);
                    log.warn("{}", reason, e);
                    ids.forEach(id -> retryable.add(new MessageError(id, reason)));
                    toWrite = List.of();
                }
                long w = System.nanoTime();
                write(toWrite);
                writeNanos = System.nanoTime() - w;
            }
            return settle();
        }

        private List<JsonObject> documents(List<String> ids) {
            long r = System.nanoTime();
            Map<String, MessageDocument> found =
                    backoff.call("read documents", () -> documents.fetch(ids), workDeadline);
            long b = System.nanoTime();
            readNanos = b - r;
            Instant exportedAt = clock.instant();
            List<JsonObject> out = new ArrayList<>(found.size());
            for (String id : ids) {
                MessageDocument doc = found.get(id);
                if (doc == null) {
                    permanent.add(new MessageError(id, "not found in index " + documents.messagesIndex()));
                    continue;
                }
                Optional<Instant> ts = MessageTimestamp.of(doc.source(), settings.timestampField());
                if (ts.isEmpty()) {
                    permanent.add(
                            new MessageError(id, "no usable timestamp in field '" + settings.timestampField() + "'"));
                    continue;
                }
                byte[] json = writer.write(doc, batch.jobId(), batch.batchId(), exportedAt);
                if (json.length > settings.maxDocumentBytes()) {
                    permanent.add(new MessageError(
                            id,
                            "document of " + json.length + " bytes exceeds MAX_DOCUMENT_BYTES ("
                                    + settings.maxDocumentBytes() + ")"));
                    continue;
                }
                String key = settings.keys().key(id, ts.get());
                idByKey.put(key, id);
                out.add(new JsonObject(key, json));
            }
            buildNanos = System.nanoTime() - b;
            return out;
        }

        private void write(List<JsonObject> toWrite) {
            List<JsonObject> pending = new ArrayList<>(toWrite);
            for (int attempt = 1; !pending.isEmpty(); attempt++) {
                List<PutFailure> failures = objects.putAllJson(pending, workDeadline);
                Map<String, PutFailure> failed = new HashMap<>();
                failures.forEach(f -> failed.put(f.key(), f));
                List<JsonObject> again = new ArrayList<>();
                boolean retry = false;
                for (JsonObject o : pending) {
                    PutFailure f = failed.get(o.key());
                    if (f == null) {
                        exported.add(new ExportedMessage(idByKey.get(o.key()), o.key()));
                        bytes += o.json().length;
                    } else if (f.isTransient()) {
                        again.add(o);
                        retry = true;
                    } else {
                        // refused (e.g. 403): not worth retrying now, yet a redelivery may succeed after a fix
                        retryable.add(new MessageError(idByKey.get(o.key()), "S3 PUT refused: " + describe(f.error())));
                    }
                }
                if (retry && !backoff.pause(attempt, workDeadline)) {
                    for (JsonObject o : again) {
                        retryable.add(new MessageError(
                                idByKey.get(o.key()),
                                "S3 PUT failed: " + describe(failed.get(o.key()).error())));
                    }
                    break;
                }
                if (!again.isEmpty()) {
                    log.info("retrying {} PUTs (attempt {})", again.size(), attempt + 1);
                }
                pending = again;
            }
        }

        private BatchOutcome settle() {
            boolean lastReceive = receiveCount >= settings.maxReceiveCount();
            List<MessageError> given = lastReceive ? withGivingUp(retryable) : retryable;
            try {
                Instant now = clock.instant();
                backoff.run("complete rows", () -> tracking.complete(leaseToken, exported, now), deadline);
                List<MessageError> failures = new ArrayList<>(permanent);
                if (lastReceive) {
                    failures.addAll(given);
                }
                backoff.run("fail rows", () -> tracking.fail(leaseToken, failures), deadline);
                if (!lastReceive) {
                    backoff.run("release rows", () -> tracking.release(leaseToken, given), deadline);
                }
            } catch (RuntimeException e) {
                // the rows stay in progress until their lease expires; a redelivery after that takes them again
                return unacknowledged("recording the results failed: " + describe(e), e);
            }
            if (!retryable.isEmpty()) {
                String problem = retryable.size() + " messages not exported"
                        + (lastReceive ? " (failed: last receive)" : " (released)") + ", e.g. "
                        + retryable.getFirst().messageId() + ": "
                        + retryable.getFirst().reason();
                return outcome(false, problem);
            }
            try {
                backoff.run(
                        "mark batch done", () -> tracking.markBatchDone(batch.batchId(), clock.instant()), deadline);
            } catch (RuntimeException e) {
                return unacknowledged("marking the batch done failed: " + describe(e), e);
            }
            return outcome(true, null);
        }

        private List<MessageError> withGivingUp(List<MessageError> errors) {
            return errors.stream()
                    .map(e ->
                            new MessageError(e.messageId(), e.reason() + " (gave up on receive " + receiveCount + ")"))
                    .toList();
        }

        private BatchOutcome unacknowledged(String reason, RuntimeException e) {
            log.warn("batch not settled: {}", reason, e);
            return outcome(false, reason);
        }

        private BatchOutcome outcome(boolean acknowledged, String reason) {
            boolean lastReceive = receiveCount >= settings.maxReceiveCount();
            long total = System.nanoTime() - startNanos;
            long record = total - claimNanos - readNanos - buildNanos - writeNanos;
            return new BatchOutcome(
                    batch.jobId(),
                    batch.batchId(),
                    acknowledged,
                    claimed,
                    exported.size(),
                    permanent.size() + (lastReceive ? retryable.size() : 0),
                    lastReceive ? 0 : retryable.size(),
                    bytes,
                    total / 1_000_000,
                    reason,
                    new BatchOutcome.Phases(
                            claimNanos / 1_000_000,
                            readNanos / 1_000_000,
                            buildNanos / 1_000_000,
                            writeNanos / 1_000_000,
                            Math.max(0, record) / 1_000_000));
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String describe(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getName();
    }
}
