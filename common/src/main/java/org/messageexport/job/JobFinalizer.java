package org.messageexport.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.messageexport.domain.FailedMessage;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.JobStatus;
import org.messageexport.domain.ProgressCounts;
import org.messageexport.observability.Metrics;
import org.messageexport.port.JobOwnershipLostException;
import org.messageexport.port.JobStore;
import org.messageexport.port.JobStore.JobFinish;
import org.messageexport.port.ObjectStore;
import org.messageexport.port.TrackingStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a job: what is still unsettled fails, the job completes when its failures are within the
 * budget (the next window then starts at its end) and fails otherwise (the next run redoes the window
 * and exports only what did not complete). The manifest (counts, failed ids with reasons, where the
 * objects are) is written before the job row changes, so a completed job always has one. Calling it
 * again for a finished job answers the recorded outcome.
 */
public final class JobFinalizer {
    private static final Logger log = LoggerFactory.getLogger(JobFinalizer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Failed ids listed in the manifest at most; the count is always exact. */
    static final int MANIFEST_FAILED_LIMIT = 10_000;

    private final JobStore jobs;
    private final TrackingStore tracking;
    private final ObjectStore objects;
    private final String keyPrefix;
    private final int failureBudget;
    private final Clock clock;

    public JobFinalizer(
            JobStore jobs,
            TrackingStore tracking,
            ObjectStore objects,
            String keyPrefix,
            int failureBudget,
            Clock clock) {
        this.jobs = jobs;
        this.tracking = tracking;
        this.objects = objects;
        this.keyPrefix = keyPrefix;
        this.failureBudget = failureBudget;
        this.clock = clock;
    }

    public String manifestKey(JobRun job) {
        return (keyPrefix.isEmpty() ? "" : keyPrefix + "/") + "manifests/"
                + job.window().start() + "_" + job.window().end() + "_job-" + job.jobId() + ".json";
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
        int leftovers = tracking.failUnsettled(jobId, "not exported when the job ended", now, false);
        ProgressCounts counts = tracking.counts(jobId, now);
        List<FailedMessage> failed = tracking.failedMessages(jobId, MANIFEST_FAILED_LIMIT);
        JobStatus status = counts.failed() <= failureBudget ? JobStatus.COMPLETED : JobStatus.FAILED;
        String reason = status == JobStatus.COMPLETED
                ? null
                : counts.failed() + " of " + counts.total()
                        + " messages failed (failure budget " + failureBudget + "); first: "
                        + failed.getFirst().messageId() + ": "
                        + failed.getFirst().reason();
        String key = manifestKey(job);
        objects.putJson(key, manifest(job, executionId, status, reason, counts, failed, now));
        if (!jobs.finish(new JobFinish(
                jobId,
                executionId,
                status,
                reason,
                counts.completed(),
                counts.failed(),
                key,
                status == JobStatus.COMPLETED ? job.window().end() : null,
                now))) {
            throw new JobOwnershipLostException(jobId, executionId);
        }
        log.info(
                "job {} for {} {}: {} completed, {} failed ({} left unsettled); manifest {}",
                jobId,
                job.window(),
                status,
                counts.completed(),
                counts.failed(),
                leftovers,
                key);
        metrics.property("jobId", jobId)
                .put("JobsCompleted", status == JobStatus.COMPLETED ? 1 : 0, Metrics.Unit.Count)
                .put("JobsFailed", status == JobStatus.FAILED ? 1 : 0, Metrics.Unit.Count)
                .put("MessagesExported", counts.completed(), Metrics.Unit.Count)
                .put("MessagesFailed", counts.failed(), Metrics.Unit.Count)
                .emit();
        return new FinalizeResult(
                jobId,
                status,
                reason,
                key,
                counts.completed(),
                counts.failed(),
                job.window().start(),
                job.window().end());
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
                job.window().end());
    }

    private byte[] manifest(
            JobRun job,
            String executionId,
            JobStatus status,
            String reason,
            ProgressCounts counts,
            List<FailedMessage> failed,
            Instant now) {
        ObjectNode m = JSON.createObjectNode();
        m.put("job_id", job.jobId());
        m.putObject("window")
                .put("start_date", job.window().start().toString())
                .put("end_date", job.window().end().toString());
        m.put("status", status.name().toLowerCase(java.util.Locale.ROOT));
        if (reason != null) {
            m.put("reason", reason);
        }
        m.put("reexport", job.reexport());
        m.put("execution_id", executionId);
        m.put("created_at", job.createdAt() == null ? null : job.createdAt().toString());
        m.put("finished_at", now.toString());
        m.putObject("counts")
                .put("extracted", job.extracted())
                .put("batches", job.batches())
                .put("completed", counts.completed())
                .put("failed", counts.failed());
        m.put("key_prefix", keyPrefix);
        m.put(
                "object_key_pattern",
                (keyPrefix.isEmpty() ? "" : keyPrefix + "/") + "{yyyy}/{MM}/{dd}/{message_id}.json");
        ArrayNode f = m.putArray("failed");
        for (FailedMessage fm : failed) {
            f.addObject()
                    .put("message_id", fm.messageId())
                    .put("batch_id", fm.batchId())
                    .put("attempts", fm.attempts())
                    .put("reason", fm.reason());
        }
        m.put("failed_listed", failed.size());
        return m.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
