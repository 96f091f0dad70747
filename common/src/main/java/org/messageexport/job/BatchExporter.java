package org.messageexport.job;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.messageexport.domain.Deadline;
import org.messageexport.domain.MessageBatch;
import org.messageexport.domain.MessageDocument;
import org.messageexport.domain.ObjectKeyScheme;
import org.messageexport.domain.OutputFormat;
import org.messageexport.port.MessageDocuments;
import org.messageexport.port.MessageLeases;
import org.messageexport.port.MessageLeases.ExportedMessage;
import org.messageexport.port.MessageLeases.MessageError;
import org.messageexport.port.ObjectStore;
import org.messageexport.port.ObjectStore.JsonObject;
import org.messageexport.port.ObjectStore.PutFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports one batch (the worker's use case): claims its rows, reads the messages with their side
 * documents, writes one object per message (or, in the {@code ndjson-gz} output format, one gzip'd NDJSON object
 * for the whole batch), and records each row's result in one statement per kind.
 *
 * <p>A batch object is rewritten whole on every delivery that claims rows, under the same key, so it must hold
 * every message of the batch completed by an earlier delivery as well: those rows' {@code s3_path}
 * ({@code key#line}) are read, their messages read again from the index and written at the same lines, and the
 * newly claimed messages fill the free lines (an earlier delivery that wrote the object but recorded only part of
 * it) and follow (in the batch's order). Line numbers of completed rows therefore never change,
 * and a retry never duplicates a line. Rows of the batch held by another delivery's live lease make this delivery
 * write nothing (its rows are released): only one delivery writes a batch's object at a time. A delivery's PUT
 * ends before its lease does (PUTs stop at the work deadline, the lease lasts until the invocation's end), so a
 * later delivery never races an earlier one's PUT.
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
            Duration settleReserve,
            OutputFormat format) {
        public Settings {
            collectionNames = List.copyOf(collectionNames);
            Objects.requireNonNull(keys, "keys");
            Objects.requireNonNull(timestampField, "timestampField");
            Objects.requireNonNull(format, "format");
        }

        /** In the default output format (one object per message). */
        public Settings(
                ObjectKeyScheme keys,
                String timestampField,
                List<String> collectionNames,
                long maxDocumentBytes,
                int maxReceiveCount,
                Duration leaseDuration,
                Duration settleReserve) {
            this(
                    keys,
                    timestampField,
                    collectionNames,
                    maxDocumentBytes,
                    maxReceiveCount,
                    leaseDuration,
                    settleReserve,
                    OutputFormat.DEFAULT);
        }
    }

    private final MessageLeases leases;
    private final MessageDocuments documents;
    private final ObjectStore objects;
    private final Settings settings;
    private final ExportDocumentWriter writer;
    private final Backoff backoff;
    private final Clock clock;

    public BatchExporter(
            MessageLeases leases,
            MessageDocuments documents,
            ObjectStore objects,
            Settings settings,
            Backoff backoff,
            Clock clock) {
        this.leases = leases;
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
        /** Batch object mode: where each id written goes ({@code key#line}). */
        private final Map<String, String> pathById = new HashMap<>();

        private long bytes;
        private int claimed;
        private int heldByOthers;
        /** Results the tracking table did not take: their rows were no longer under this delivery's lease. */
        private int notRecorded;

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
                MessageLeases.Claim claim = backoff.call(
                        "claim",
                        () -> leases.claimBatch(batch.jobId(), batch.messageIds(), leaseToken, now, now.plus(lease)),
                        workDeadline);
                ids = claim.claimed();
                heldByOthers = claim.heldByOthers();
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
            if (!ids.isEmpty() && settings.format() == OutputFormat.NDJSON_GZ) {
                exportBatchObject(ids);
            } else if (!ids.isEmpty()) {
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
            Map<String, Line> lines = build(ids);
            List<JsonObject> out = new ArrayList<>(lines.size());
            for (String id : ids) {
                Line line = lines.get(id);
                if (line.problem() != null) {
                    permanent.add(new MessageError(id, line.problem()));
                    continue;
                }
                String key = settings.keys().key(id, line.timestamp());
                idByKey.put(key, id);
                out.add(new JsonObject(key, line.json()));
            }
            return out;
        }

        /**
         * Reads the messages and builds the export of each: its JSON, or why it cannot be exported (a permanent
         * reason: gone from the index, no usable timestamp, too large). Throws when the index cannot be read.
         */
        private Map<String, Line> build(List<String> ids) {
            long r = System.nanoTime();
            Map<String, MessageDocument> found =
                    backoff.call("read documents", () -> documents.fetch(ids), workDeadline);
            long b = System.nanoTime();
            readNanos += b - r;
            Instant exportedAt = clock.instant();
            Map<String, Line> out = new HashMap<>();
            for (String id : ids) {
                MessageDocument doc = found.get(id);
                if (doc == null) {
                    out.put(id, Line.problem("not found in index " + documents.messagesIndex()));
                    continue;
                }
                Optional<Instant> ts = MessageTimestamp.of(doc.source(), settings.timestampField());
                if (ts.isEmpty()) {
                    out.put(id, Line.problem("no usable timestamp in field '" + settings.timestampField() + "'"));
                    continue;
                }
                byte[] json = writer.write(doc, batch.jobId(), batch.batchId(), exportedAt);
                if (json.length > settings.maxDocumentBytes()) {
                    out.put(
                            id,
                            Line.problem("document of " + json.length + " bytes exceeds MAX_DOCUMENT_BYTES ("
                                    + settings.maxDocumentBytes() + ")"));
                    continue;
                }
                out.put(id, new Line(json, ts.get(), null));
            }
            buildNanos += System.nanoTime() - b;
            return out;
        }

        /**
         * The {@code ndjson-gz} output format: the batch's one object, holding the lines of earlier deliveries at
         * their places and the claimed messages in the free lines and after them (see the class comment).
         */
        private void exportBatchObject(List<String> claimedIds) {
            Set<String> claimedSet = new HashSet<>(claimedIds);
            List<String> others = new LinkedHashSet<>(batch.messageIds())
                    .stream().filter(id -> !claimedSet.contains(id)).toList();
            List<String> claimedInOrder = new LinkedHashSet<>(batch.messageIds())
                    .stream().filter(claimedSet::contains).toList();
            // the messages already in the object (completed rows), by line
            TreeMap<Integer, String> byLine = new TreeMap<>();
            String earlierKey;
            try {
                Map<String, String> completed = others.isEmpty()
                        ? Map.of()
                        : backoff.call(
                                "read completed rows",
                                () -> leases.completedPaths(batch.jobId(), others),
                                workDeadline);
                long held =
                        others.stream().filter(id -> !completed.containsKey(id)).count();
                if (held > 0) {
                    giveBack(
                            claimedInOrder,
                            held + " messages of batch " + batch.batchId()
                                    + " are held by another delivery, which writes the batch object");
                    return;
                }
                Set<String> keys = new HashSet<>();
                for (var e : completed.entrySet()) {
                    // a row completed as a plain object (the output format changed within the job) stays there
                    ObjectKeyScheme.parseLinePath(e.getValue()).ifPresent(ref -> {
                        keys.add(ref.key());
                        byLine.put(ref.line(), e.getKey());
                    });
                }
                if (keys.size() > 1) {
                    giveBack(
                            claimedInOrder,
                            "the completed rows of batch " + batch.batchId() + " point at more than one object: "
                                    + keys);
                    return;
                }
                earlierKey = keys.isEmpty() ? null : keys.iterator().next();
            } catch (RuntimeException e) {
                giveBack(claimedInOrder, "reading the completed rows failed: " + describe(e));
                return;
            }
            Map<String, Line> lines;
            try {
                List<String> toRead = new ArrayList<>(byLine.values());
                toRead.addAll(claimedInOrder);
                lines = build(toRead);
            } catch (RuntimeException e) {
                log.warn("reading the documents failed", e);
                giveBack(claimedInOrder, "reading the documents failed: " + describe(e));
                return;
            }
            for (var e : byLine.entrySet()) {
                String problem = lines.get(e.getValue()).problem();
                if (problem != null) {
                    giveBack(
                            claimedInOrder,
                            "message " + e.getValue() + ", line " + e.getKey()
                                    + " of the batch object, cannot be written again (" + problem
                                    + "); rewriting the object would lose it");
                    return;
                }
            }
            List<String> fresh = new ArrayList<>();
            for (String id : claimedInOrder) {
                Line line = lines.get(id);
                if (line.problem() != null) {
                    permanent.add(new MessageError(id, line.problem()));
                } else {
                    fresh.add(id);
                }
            }
            if (fresh.isEmpty()) {
                return; // nothing new for the object (what was claimed failed)
            }
            // lines of an earlier delivery that wrote the object but did not record them all are free: filled first
            int lastLine = byLine.isEmpty() ? 0 : byLine.lastKey();
            int free = lastLine - byLine.size();
            if (fresh.size() < free) {
                giveBack(
                        claimedInOrder,
                        free + " lines of the batch object are free but only " + fresh.size()
                                + " messages can fill them; rewriting it would move completed lines");
                return;
            }
            List<String> written = new ArrayList<>(byLine.values());
            written.addAll(fresh);
            String key = earlierKey != null
                    ? earlierKey
                    : settings.keys()
                            .batchKey(
                                    batch.jobId(),
                                    batch.batchId(),
                                    written.stream()
                                            .map(id -> lines.get(id).timestamp())
                                            .min(Instant::compareTo)
                                            .orElseThrow());
            String[] slots = new String[lastLine - free + fresh.size()];
            byLine.forEach((line, id) -> slots[line - 1] = id);
            var next = fresh.iterator();
            for (int i = 0; i < slots.length; i++) {
                if (slots[i] == null) {
                    slots[i] = next.next();
                    pathById.put(slots[i], ObjectKeyScheme.linePath(key, i + 1));
                }
            }
            long b = System.nanoTime();
            byte[] gz = gzipLines(List.of(slots), lines);
            buildNanos += System.nanoTime() - b;
            long w = System.nanoTime();
            writeBatchObject(new JsonObject(key, gz, ObjectStore.CONTENT_GZIP));
            writeNanos = System.nanoTime() - w;
        }

        /** Writes the batch object; on success its claimed lines are exported, else they are retryable. */
        private void writeBatchObject(JsonObject object) {
            for (int attempt = 1; ; attempt++) {
                List<PutFailure> failures = objects.putAllJson(List.of(object), workDeadline);
                if (failures.isEmpty()) {
                    pathById.forEach((id, path) -> exported.add(new ExportedMessage(id, path)));
                    bytes += object.json().length;
                    return;
                }
                PutFailure f = failures.getFirst();
                String reason = (f.isTransient() ? "S3 PUT failed: " : "S3 PUT refused: ") + describe(f.error());
                if (!f.isTransient() || !backoff.pause(attempt, workDeadline)) {
                    pathById.keySet().forEach(id -> retryable.add(new MessageError(id, reason)));
                    return;
                }
                log.info("retrying the PUT of {} (attempt {})", object.key(), attempt + 1);
            }
        }

        /** This delivery writes nothing: its claimed rows go back for a redelivery (failed on the last receive). */
        private void giveBack(List<String> ids, String reason) {
            log.warn("batch {} not written: {}", batch.batchId(), reason);
            ids.forEach(id -> retryable.add(new MessageError(id, reason)));
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
                int completed = backoff.call(
                        "complete rows", () -> leases.complete(batch.jobId(), leaseToken, exported, now), deadline);
                List<MessageError> failures = new ArrayList<>(permanent);
                if (lastReceive) {
                    failures.addAll(given);
                }
                int failed =
                        backoff.call("fail rows", () -> leases.fail(batch.jobId(), leaseToken, failures), deadline);
                int released = lastReceive
                        ? 0
                        : backoff.call(
                                "release rows", () -> leases.release(batch.jobId(), leaseToken, given), deadline);
                notRecorded = exported.size()
                        - completed
                        + failures.size()
                        - failed
                        + (lastReceive ? 0 : given.size() - released);
                if (notRecorded > 0) {
                    log.warn(
                            "{} of this batch's results not recorded (completed {} of {}, failed {} of {}, released {}"
                                    + " of {}): this delivery's lease on those rows ended meanwhile (another delivery"
                                    + " took them, or the job's deadline failed them); they keep that state",
                            notRecorded,
                            completed,
                            exported.size(),
                            failed,
                            failures.size(),
                            released,
                            lastReceive ? 0 : given.size());
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
            if (heldByOthers > 0) {
                // Never acknowledge rows another claimant holds: if it dies before settling them, only a redelivery
                // (or the progress check's resend) brings them back, so this delivery stays a batch item failure.
                return outcome(
                        false,
                        heldByOthers + " messages held by another worker's live lease: retried after the visibility"
                                + " timeout");
            }
            try {
                backoff.run("mark batch done", () -> leases.markBatchDone(batch.batchId(), clock.instant()), deadline);
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
                    notRecorded,
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

    /** A message's export: its JSON and timestamp, or why it cannot be exported. */
    private record Line(byte[] json, Instant timestamp, String problem) {
        static Line problem(String reason) {
            return new Line(null, null, reason);
        }
    }

    /** The lines of {@code ids}, in order, one JSON document and {@code \n} each, gzip'd. */
    private static byte[] gzipLines(List<String> ids, Map<String, Line> lines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 64 * 1024)) {
            for (String id : ids) {
                gz.write(lines.get(id).json());
                gz.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException("gzip in memory failed", e);
        }
        return out.toByteArray();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String describe(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getName();
    }
}
