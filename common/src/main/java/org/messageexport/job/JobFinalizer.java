package org.messageexport.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.messageexport.domain.CompletenessProof;
import org.messageexport.domain.FailedMessage;
import org.messageexport.domain.FailureBudget;
import org.messageexport.domain.JobKind;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.JobStatus;
import org.messageexport.domain.ObjectKeyScheme;
import org.messageexport.domain.ProgressCounts;
import org.messageexport.observability.Metrics;
import org.messageexport.port.JobOwnershipLostException;
import org.messageexport.port.JobSettlement;
import org.messageexport.port.JobStore;
import org.messageexport.port.JobStore.JobFinish;
import org.messageexport.port.MessageIndex;
import org.messageexport.port.ObjectStore;
import org.messageexport.port.WindowTracking;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a job: what is still unsettled fails, then the window's completeness is proven: the index's count
 * of the window against the window's tracking rows (all its jobs) and their outcomes. A mismatch fails the
 * job with the numbers, as an error: the schedule stays at the window and the next execution redoes it, exporting
 * only what did not complete (it is not a try over the budget). Otherwise the job completes when its permanent
 * failures are within the failure budget and fails "over budget" when not: a window over its budget is retried by
 * later runs up to the retry limit (see {@link org.messageexport.domain.WindowRetryPolicy}) while the schedule moves
 * on. Only a scheduled job moves the schedule (its window's end becomes {@code next_run_date}), when it completes
 * or fails over its budget. The manifest (kind, counts, failure budget, proof and verdict, failed ids with reasons,
 * where the objects are, the ndjson-gz batch objects) and the list of every object the job wrote are written before
 * the job row changes, so a completed job always has both. Calling it
 * again for a finished job answers the recorded outcome.
 */
public final class JobFinalizer {
    private static final Logger log = LoggerFactory.getLogger(JobFinalizer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Failed ids listed in the manifest at most; the count is always exact. */
    static final int MANIFEST_FAILED_LIMIT = 10_000;
    /** Batch objects listed in the manifest at most (200,000 keys: 100 million messages in batches of 500). */
    static final int MANIFEST_BATCH_OBJECTS_LIMIT = 200_000;

    private final JobStore jobs;
    private final JobSettlement settlement;
    private final MessageIndex index;
    private final WindowTracking tracking;
    private final ObjectStore objects;
    private final ObjectKeyScheme keys;
    private final FailureBudget failureBudget;
    private final TrackingRetention retention;
    private final Clock clock;

    public JobFinalizer(
            JobStore jobs,
            JobSettlement settlement,
            MessageIndex index,
            WindowTracking tracking,
            ObjectStore objects,
            ObjectKeyScheme keys,
            FailureBudget failureBudget,
            TrackingRetention retention,
            Clock clock) {
        this.jobs = jobs;
        this.settlement = settlement;
        this.index = index;
        this.tracking = tracking;
        this.objects = objects;
        this.keys = keys;
        this.failureBudget = failureBudget;
        this.retention = retention;
        this.clock = clock;
    }

    public FinalizeResult finalizeJob(long jobId, String executionId, Metrics metrics) {
        JobRun job =
                jobs.find(jobId).orElseThrow(() -> new InvalidRequestException("job " + jobId + " does not exist"));
        if (job.outcome() != null) {
            return result(
                    job,
                    job.status(),
                    job.outcome().failureReason(),
                    job.outcome().completed(),
                    job.outcome().failed());
        }
        Instant now = clock.instant();
        if (!jobs.heartbeat(jobId, executionId, now)) {
            throw new JobOwnershipLostException(jobId, executionId);
        }
        int leftovers = settlement.failUnsettled(jobId, "not exported when the job ended", now, false);
        ProgressCounts counts = settlement.counts(jobId, now);
        Evidence e = evidence(job, counts);
        long rejected = e.rejected();
        List<FailedMessage> failed = e.failed();
        long failedCount = e.failedCount();
        CompletenessProof proof = e.proof();
        JobStatus status;
        String reason;
        boolean overBudget = false;
        if (proof.verdict() == CompletenessProof.Verdict.MISMATCH) {
            status = JobStatus.FAILED;
            reason = proof.describe();
        } else if (!failureBudget.allows(failedCount, counts.total() + rejected)) {
            status = JobStatus.FAILED;
            overBudget = true;
            reason = failedCount + " of " + (counts.total() + rejected)
                    + " messages failed (failure budget " + failureBudget + "); first: "
                    + failed.getFirst().messageId() + ": "
                    + failed.getFirst().reason();
        } else {
            status = JobStatus.COMPLETED;
            reason = null;
        }
        String key = publish(job, keys.manifestKey(job), executionId, status, reason, e, now);
        if (!jobs.finish(new JobFinish(
                jobId,
                executionId,
                status,
                reason,
                counts.completed(),
                failedCount,
                key,
                (status == JobStatus.COMPLETED || overBudget) && job.kind().advancesSchedule()
                        ? job.window().end()
                        : null,
                proof,
                now,
                overBudget))) {
            throw new JobOwnershipLostException(jobId, executionId);
        }
        log.info(
                "job {} ({}) for {} {}: {} completed, {} failed ({} rejected ids, {} left unsettled); {}; manifest {}",
                jobId,
                job.kind().dbValue(),
                job.window(),
                status,
                counts.completed(),
                failedCount,
                rejected,
                leftovers,
                proof.describe(),
                key);
        // a completed window may take old ones out of the tracking table (the manifests keep the record)
        int dropped = status == JobStatus.COMPLETED ? retention.dropExpired().size() : 0;
        metrics.property("jobId", jobId)
                .put("TrackingPartitionsDropped", dropped, Metrics.Unit.Count)
                .put("JobsCompleted", status == JobStatus.COMPLETED ? 1 : 0, Metrics.Unit.Count)
                .put("JobsFailed", status == JobStatus.FAILED ? 1 : 0, Metrics.Unit.Count)
                .put("MessagesExported", counts.completed(), Metrics.Unit.Count)
                .put("MessagesFailed", failedCount, Metrics.Unit.Count)
                .emit();
        return new FinalizeResult(
                jobId,
                status,
                reason,
                key,
                counts.completed(),
                failedCount,
                job.window().start(),
                job.window().end(),
                proof.verdict().dbValue(),
                overBudget);
    }

    /** A rewritten manifest: its key, and the row counts it states (read once, for the manifest and the job's record). */
    public record RewrittenManifest(String key, ProgressCounts counts) {}

    /**
     * Rewrites the manifest (and the list of keys) of a finished job from its rows now, e.g. after its failed
     * messages were retried: counts, failed list, batch objects and the completeness proof are recomputed; the
     * job's status and reason stay as recorded.
     *
     * @throws InvalidRequestException when the job does not exist or is still running
     */
    public RewrittenManifest rewriteManifest(long jobId) {
        JobRun job =
                jobs.find(jobId).orElseThrow(() -> new InvalidRequestException("job " + jobId + " does not exist"));
        if (job.outcome() == null) {
            throw new InvalidRequestException("job " + jobId + " is still running");
        }
        Instant now = clock.instant();
        ProgressCounts counts = settlement.counts(jobId, now);
        Evidence e = evidence(job, counts);
        String key = job.outcome().manifestKey() != null ? job.outcome().manifestKey() : keys.manifestKey(job);
        return new RewrittenManifest(
                publish(job, key, job.executionId(), job.status(), job.outcome().failureReason(), e, now), counts);
    }

    /** What a manifest states about a job, read from its rows, the rejected ids and the index. */
    private record Evidence(
            ProgressCounts counts,
            long rejected,
            List<FailedMessage> failed,
            List<String> batchObjects,
            CompletenessProof proof) {
        long failedCount() {
            return counts.failed() + rejected;
        }
    }

    private Evidence evidence(JobRun job, ProgressCounts counts) {
        long jobId = job.jobId();
        // rejected messages (ids the tracking table cannot hold) are failed messages of the job, listed first
        long rejected = settlement.rejectedCount(jobId);
        List<FailedMessage> failed = new ArrayList<>();
        settlement.rejectedMessages(jobId, MANIFEST_FAILED_LIMIT).forEach(r -> failed.add(FailedMessage.rejected(r)));
        failed.addAll(settlement.failedMessages(jobId, MANIFEST_FAILED_LIMIT - failed.size()));
        CompletenessProof proof =
                new CompletenessProof(job.window(), index.count(job.window()), tracking.counts(job.window()));
        return new Evidence(
                counts, rejected, failed, settlement.batchObjects(jobId, MANIFEST_BATCH_OBJECTS_LIMIT), proof);
    }

    /** Writes the list of keys, then the manifest beside it; returns the manifest's key. */
    private String publish(
            JobRun job, String key, String executionId, JobStatus status, String reason, Evidence e, Instant now) {
        String keysKey = keys.exportedKeysKey(job);
        long listed = writeExportedKeys(job.jobId(), keysKey);
        objects.putJson(
                key,
                manifest(
                        job,
                        executionId,
                        status,
                        reason,
                        e.counts(),
                        e.rejected(),
                        e.failed(),
                        e.batchObjects(),
                        e.proof(),
                        keysKey,
                        listed,
                        now));
        return key;
    }

    private long writeExportedKeys(long jobId, String keysKey) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long[] n = {0};
        settlement.exportedObjects(jobId, m -> {
            ObjectNode line =
                    JSON.createObjectNode().put("message_id", m.messageId()).put("key", m.objectKey());
            out.writeBytes(line.toString().getBytes(StandardCharsets.UTF_8));
            out.write('\n');
            n[0]++;
        });
        objects.putJson(keysKey, out.toByteArray());
        return n[0];
    }

    private FinalizeResult result(JobRun job, JobStatus status, String reason, long completed, long failed) {
        String key = job.outcome() == null ? null : job.outcome().manifestKey();
        return new FinalizeResult(
                job.jobId(),
                status,
                status == JobStatus.FAILED && reason == null ? "job failed" : reason,
                key,
                completed,
                failed,
                job.window().start(),
                job.window().end(),
                job.outcome() == null || job.outcome().verdict() == null
                        ? null
                        : job.outcome().verdict().dbValue(),
                // a finalized job that failed with a complete proof failed over its budget (an error has no verdict)
                status == JobStatus.FAILED
                        && job.outcome() != null
                        && job.outcome().verdict() == CompletenessProof.Verdict.COMPLETE);
    }

    private byte[] manifest(
            JobRun job,
            String executionId,
            JobStatus status,
            String reason,
            ProgressCounts counts,
            long rejected,
            List<FailedMessage> failed,
            List<String> batchObjects,
            CompletenessProof proof,
            String keysKey,
            long listed,
            Instant now) {
        ObjectNode m = JSON.createObjectNode();
        m.put("job_id", job.jobId());
        m.put("kind", job.kind().dbValue());
        m.putObject("window")
                .put("start_date", job.window().start().toString())
                .put("end_date", job.window().end().toString());
        if (job.kind() == JobKind.LATE) {
            m.put(
                    "follow_up_of",
                    "window " + job.window() + ": messages indexed after its scheduled job had exported it");
        }
        m.put("status", status.name().toLowerCase(java.util.Locale.ROOT));
        if (reason != null) {
            m.put("reason", reason);
        }
        m.put("reexport", job.reexport());
        m.put("failure_budget", failureBudget.toString());
        m.put("execution_id", executionId);
        m.put("created_at", job.createdAt() == null ? null : job.createdAt().toString());
        m.put("finished_at", now.toString());
        m.putObject("counts")
                .put("extracted", job.extracted())
                .put("already_tracked", job.alreadyTracked())
                .put("rejected", rejected)
                .put("batches", job.batches())
                .put("completed", counts.completed())
                .put("failed", counts.failed() + rejected);
        m.putObject("completeness")
                .put("verdict", proof.verdict().dbValue())
                .put("index_count", proof.indexCount())
                .put("tracked", proof.rows().tracked())
                .put("completed", proof.rows().completed())
                .put("failed", proof.rows().failed())
                .put("detail", proof.describe());
        m.putObject("exported_keys").put("key", keysKey).put("listed", listed).put("format", "ndjson");
        m.put("key_prefix", keys.prefix());
        m.put("key_hash_chars", keys.hashChars());
        m.put("object_key_pattern", keys.keyPattern());
        if (!batchObjects.isEmpty()) {
            // the ndjson-gz output format: a row's s3_path is {key}#{line}
            m.put("batch_object_key_pattern", keys.batchKeyPattern());
            ArrayNode b = m.putArray("batch_objects");
            batchObjects.forEach(b::add);
            m.put("batch_objects_listed", batchObjects.size());
            m.put("batch_objects_complete", batchObjects.size() < MANIFEST_BATCH_OBJECTS_LIMIT);
        }
        ArrayNode f = m.putArray("failed");
        for (FailedMessage fm : failed) {
            ObjectNode entry = f.addObject().put("message_id", fm.messageId());
            if (fm.isRejected()) {
                entry.put("rejected", true).putNull("batch_id");
            } else {
                entry.put("batch_id", fm.batchId());
            }
            entry.put("attempts", fm.attempts()).put("reason", fm.reason());
        }
        m.put("failed_listed", failed.size());
        return m.toString().getBytes(StandardCharsets.UTF_8);
    }
}
