package org.messageexport.job;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.FailedMessage;
import org.messageexport.domain.MessageStatus;
import org.messageexport.domain.ProgressCounts;
import org.messageexport.domain.RejectedMessage;
import org.messageexport.domain.TrackedCounts;
import org.messageexport.port.JobSettlement;
import org.messageexport.port.MessageLeases.ExportedMessage;
import org.messageexport.port.WindowTracking;

/**
 * {@link JobSettlement} in memory, with the semantics of the MySQL adapter; rows set up by the test. As
 * {@link WindowTracking}, every row belongs to the one window the tests use.
 */
final class InMemoryJobSettlement implements JobSettlement, WindowTracking {
    static final class Row {
        final long jobId;
        final long batchId;
        MessageStatus status;
        Instant leaseUntil;
        int attempts;
        String lastError;

        Row(long jobId, long batchId, MessageStatus status) {
            this.jobId = jobId;
            this.batchId = batchId;
            this.status = status;
        }
    }

    /** By message id, in id order. */
    final Map<String, Row> rows = new TreeMap<>();
    /** Calls of failUnsettled, as {@code "<jobId> <includeLiveLeases>: <reason>"}. */
    final List<String> failUnsettledCalls = new ArrayList<>();

    Row add(String messageId, long jobId, MessageStatus status) {
        Row row = new Row(jobId, 1, status);
        rows.put(messageId, row);
        return row;
    }

    void addMany(String idPrefix, int n, long jobId, MessageStatus status) {
        for (int i = 0; i < n; i++) {
            add(idPrefix + i, jobId, status);
        }
    }

    /** An in-progress row whose lease ends at {@code until}. */
    void addLeased(String messageId, long jobId, Instant until) {
        add(messageId, jobId, MessageStatus.IN_PROGRESS).leaseUntil = until;
    }

    void addFailed(String messageId, long jobId, String reason) {
        Row row = add(messageId, jobId, MessageStatus.FAILED);
        row.lastError = reason;
        row.attempts = 1;
    }

    @Override
    public synchronized ProgressCounts counts(long jobId, Instant now) {
        long pending = 0, inProgress = 0, stalled = 0, completed = 0, failed = 0;
        for (Row r : rows.values()) {
            if (r.jobId != jobId) {
                continue;
            }
            switch (r.status) {
                case PENDING -> pending++;
                case IN_PROGRESS -> {
                    if (expired(r, now)) {
                        stalled++;
                    } else {
                        inProgress++;
                    }
                }
                case COMPLETED -> completed++;
                case FAILED -> failed++;
            }
        }
        return new ProgressCounts(pending, inProgress, stalled, completed, failed);
    }

    @Override
    public synchronized int failUnsettled(long jobId, String reason, Instant now, boolean includeLiveLeases) {
        failUnsettledCalls.add(jobId + " " + includeLiveLeases + ": " + reason);
        int changed = 0;
        for (Row r : rows.values()) {
            boolean unsettled = r.status == MessageStatus.PENDING
                    || (r.status == MessageStatus.IN_PROGRESS && (includeLiveLeases || expired(r, now)));
            if (r.jobId == jobId && unsettled) {
                r.status = MessageStatus.FAILED;
                r.lastError = reason;
                r.leaseUntil = null;
                changed++;
            }
        }
        return changed;
    }

    @Override
    public synchronized List<FailedMessage> failedMessages(long jobId, int limit) {
        List<FailedMessage> out = new ArrayList<>();
        rows.forEach((id, r) -> {
            if (r.jobId == jobId && r.status == MessageStatus.FAILED && out.size() < limit) {
                out.add(new FailedMessage(id, r.batchId, r.attempts, r.lastError));
            }
        });
        return out;
    }

    @Override
    public synchronized void exportedObjects(long jobId, Consumer<ExportedMessage> sink) {
        rows.forEach((id, r) -> {
            if (r.jobId == jobId && r.status == MessageStatus.COMPLETED) {
                sink.accept(new ExportedMessage(id, "exports/" + id + ".json"));
            }
        });
    }

    @Override
    public synchronized TrackedCounts counts(ExportWindow window) {
        long completed = rows.values().stream()
                .filter(r -> r.status == MessageStatus.COMPLETED)
                .count();
        long failed = rows.values().stream()
                .filter(r -> r.status == MessageStatus.FAILED)
                .count();
        long rejectedIds = rejected.values().stream().mapToLong(List::size).sum();
        return new TrackedCounts(rows.size() + rejectedIds, completed, failed + rejectedIds);
    }

    /** Rejected messages by job, set up by the test. */
    final Map<Long, List<RejectedMessage>> rejected = new TreeMap<>();

    @Override
    public synchronized List<RejectedMessage> rejectedMessages(long jobId, int limit) {
        List<RejectedMessage> all = rejected.getOrDefault(jobId, List.of());
        return List.copyOf(all.subList(0, Math.min(limit, all.size())));
    }

    @Override
    public synchronized long rejectedCount(long jobId) {
        return rejected.getOrDefault(jobId, List.of()).size();
    }

    /** Paths of completed rows, set by the test. */
    final Map<String, String> s3Paths = new TreeMap<>();

    @Override
    public synchronized List<String> batchObjects(long jobId, int limit) {
        return rows.entrySet().stream()
                .filter(e -> e.getValue().jobId == jobId && e.getValue().status == MessageStatus.COMPLETED)
                .map(e -> s3Paths.get(e.getKey()))
                .filter(p -> p != null && p.contains("#"))
                .map(p -> p.substring(0, p.lastIndexOf('#')))
                .distinct()
                .sorted()
                .limit(limit)
                .toList();
    }

    private static boolean expired(Row r, Instant now) {
        return r.leaseUntil == null || r.leaseUntil.isBefore(now);
    }
}
