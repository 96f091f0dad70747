package org.messageexport.job;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.messageexport.domain.MessageStatus;
import org.messageexport.port.MessageLeases;
import org.messageexport.port.TransientException;

/** {@link MessageLeases} in memory, with the lease semantics of the MySQL adapter. */
final class InMemoryMessageLeases implements MessageLeases {
    static final class Row {
        final long jobId;
        MessageStatus status = MessageStatus.PENDING;
        String leaseToken;
        Instant leaseUntil;
        int attempts;
        String s3Path;
        String lastError;

        Row(long jobId) {
            this.jobId = jobId;
        }
    }

    final Map<String, Row> rows = new LinkedHashMap<>();
    final Set<Long> doneBatches = ConcurrentHashMap.newKeySet();
    /** Calls of complete/fail/release, to check that each is one statement. */
    final List<String> calls = new ArrayList<>();

    int claimFailuresToInject;

    void track(long jobId, List<String> ids) {
        ids.forEach(id -> rows.put(id, new Row(jobId)));
    }

    Row row(String id) {
        return rows.get(id);
    }

    @Override
    public synchronized Claim claimBatch(
            long jobId, List<String> messageIds, String leaseToken, Instant now, Instant leaseUntil) {
        if (claimFailuresToInject > 0) {
            claimFailuresToInject--;
            throw new TransientException("connection lost", null);
        }
        List<String> claimed = new ArrayList<>();
        int heldByOthers = 0;
        for (String id : messageIds) {
            Row r = rows.get(id);
            if (r == null || r.jobId != jobId || claimed.contains(id)) {
                continue;
            }
            if (r.status == MessageStatus.IN_PROGRESS
                    && r.leaseUntil != null
                    && !r.leaseUntil.isBefore(now)
                    && !leaseToken.equals(r.leaseToken)) {
                heldByOthers++;
                continue;
            }
            boolean free = r.status == MessageStatus.PENDING
                    || r.status == MessageStatus.FAILED
                    || (r.status == MessageStatus.IN_PROGRESS && (r.leaseUntil == null || r.leaseUntil.isBefore(now)));
            if (free) {
                r.status = MessageStatus.IN_PROGRESS;
                r.leaseToken = leaseToken;
                r.leaseUntil = leaseUntil;
                r.attempts++;
                claimed.add(id);
            }
        }
        return new Claim(claimed, heldByOthers);
    }

    @Override
    public synchronized int complete(String leaseToken, List<ExportedMessage> exported, Instant now) {
        calls.add("complete " + exported.size());
        int marked = 0;
        for (ExportedMessage m : exported) {
            Row r = rows.get(m.messageId());
            if (leaseToken.equals(r.leaseToken)) {
                r.status = MessageStatus.COMPLETED;
                r.s3Path = m.objectKey();
                r.lastError = null;
                r.leaseToken = null;
                marked++;
            }
        }
        return marked;
    }

    @Override
    public synchronized int fail(String leaseToken, List<MessageError> errors) {
        calls.add("fail " + errors.size());
        return settle(leaseToken, errors, MessageStatus.FAILED);
    }

    @Override
    public synchronized int release(String leaseToken, List<MessageError> errors) {
        calls.add("release " + errors.size());
        return settle(leaseToken, errors, MessageStatus.PENDING);
    }

    private int settle(String leaseToken, List<MessageError> errors, MessageStatus status) {
        int marked = 0;
        for (MessageError e : errors) {
            Row r = rows.get(e.messageId());
            if (leaseToken.equals(r.leaseToken)) {
                r.status = status;
                r.lastError = e.reason();
                r.leaseToken = null;
                marked++;
            }
        }
        return marked;
    }

    @Override
    public synchronized Map<String, String> completedPaths(long jobId, List<String> messageIds) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String id : messageIds) {
            Row r = rows.get(id);
            if (r != null && r.jobId == jobId && r.status == MessageStatus.COMPLETED) {
                out.put(id, r.s3Path);
            }
        }
        return out;
    }

    @Override
    public void markBatchDone(long batchId, Instant now) {
        doneBatches.add(batchId);
    }
}
