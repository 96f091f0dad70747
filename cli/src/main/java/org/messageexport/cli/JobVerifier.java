package org.messageexport.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.ObjectKeyScheme;
import org.messageexport.domain.ProgressCounts;
import org.messageexport.job.InvalidRequestException;
import org.messageexport.port.JobExplorer;
import org.messageexport.port.JobSettlement;
import org.messageexport.port.JobStore;
import org.messageexport.port.WindowCensus;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code verify}: a job's completeness recomputed now from the sources, each compared with the next: the index's count
 * of the window, the job's rows (by status) and its recorded counts, the objects in the bucket (one listing of the
 * common prefix of the job's keys, not a HEAD per object; one per hashed folder with {@code KEY_HASH_PREFIX}), and
 * the manifest. Every disagreement is one line.
 */
final class JobVerifier {
    /** Missing keys listed at most (the count is exact). */
    static final int MISSING_LISTED = 20;

    record Verification(
            long jobId,
            String window,
            String status,
            long indexCount,
            ProgressCounts rows,
            long recordedCompleted,
            long recordedFailed,
            long objectsExpected,
            long objectsFound,
            List<String> missingObjects,
            String manifestKey,
            String verdict,
            List<String> differences) {
        boolean ok() {
            return differences.isEmpty();
        }
    }

    private final JobStore jobs;
    private final JobExplorer explorer;
    private final JobSettlement settlement;
    private final WindowCensus census;
    private final S3Client s3;
    private final String bucket;
    private final Manifests manifests;
    private final Clock clock;

    JobVerifier(
            JobStore jobs,
            JobExplorer explorer,
            JobSettlement settlement,
            WindowCensus census,
            S3Client s3,
            String bucket,
            Manifests manifests,
            Clock clock) {
        this.jobs = jobs;
        this.explorer = explorer;
        this.settlement = settlement;
        this.census = census;
        this.s3 = s3;
        this.bucket = bucket;
        this.manifests = manifests;
        this.clock = clock;
    }

    Verification verify(long jobId) {
        JobRun job =
                jobs.find(jobId).orElseThrow(() -> new InvalidRequestException("job " + jobId + " does not exist"));
        List<String> differences = new ArrayList<>();
        long indexCount = census.count(job.window());
        ProgressCounts rows = settlement.counts(jobId, clock.instant());
        if (job.outcome() == null) {
            differences.add("job " + jobId + " is still running: its counts are not final");
        }
        if (indexCount != rows.total()) {
            differences.add("index: " + indexCount + " messages in " + job.window() + ", rows of the job: "
                    + rows.total() + " ("
                    + (indexCount > rows.total()
                            ? (indexCount - rows.total()) + " not tracked by this job: late arrivals, or exported by"
                                    + " another job"
                            : (rows.total() - indexCount) + " more rows than messages: deleted from the index since")
                    + ")");
        }
        if (job.outcome() != null && rows.pending() + rows.inProgress() + rows.stalled() > 0) {
            differences.add("rows: " + (rows.pending() + rows.inProgress() + rows.stalled())
                    + " not settled (pending or in progress) in a finished job");
        }
        long recordedCompleted = job.outcome() == null ? 0 : job.outcome().completed();
        long recordedFailed = job.outcome() == null ? 0 : job.outcome().failed();
        if (job.outcome() != null && (recordedCompleted != rows.completed() || recordedFailed != rows.failed())) {
            differences.add("job record: " + recordedCompleted + " completed / " + recordedFailed + " failed, rows: "
                    + rows.completed() + " / " + rows.failed());
        }

        Set<String> expected = new HashSet<>();
        explorer.forEachExportedPath(jobId, path -> {
            if (path != null) {
                // key#line: one object holds several messages
                expected.add(ObjectKeyScheme.parseLinePath(path)
                        .map(ObjectKeyScheme.LineRef::key)
                        .orElse(path));
            }
        });
        long expectedObjects = expected.size();
        long found = 0;
        for (String prefix : listingPrefixes(expected)) {
            for (S3Object o : s3.listObjectsV2Paginator(l -> l.bucket(bucket).prefix(prefix))
                    .contents()) {
                if (expected.remove(o.key())) {
                    found++;
                }
            }
        }
        List<String> missing = expected.stream().sorted().limit(MISSING_LISTED).toList();
        if (!expected.isEmpty()) {
            differences.add("bucket: " + expected.size() + " of " + expectedObjects
                    + " objects of completed rows are missing, first: " + missing.getFirst());
        }

        String manifestKey = job.outcome() == null ? null : job.outcome().manifestKey();
        String verdict = null;
        if (job.outcome() != null) {
            Optional<JsonNode> manifest = manifests.read(manifestKey);
            if (manifest.isEmpty()) {
                differences.add("manifest: " + (manifestKey == null ? "none recorded" : manifestKey + " is missing"));
            } else {
                JsonNode m = manifest.get();
                verdict = Manifests.verdict(m).orElse(null);
                long mc = m.at("/counts/completed").asLong(-1);
                long mf = m.at("/counts/failed").asLong(-1);
                if (mc != rows.completed() || mf != rows.failed()) {
                    differences.add("manifest: " + mc + " completed / " + mf + " failed, rows: " + rows.completed()
                            + " / " + rows.failed());
                }
                long listed = m.path("failed").size();
                if (listed < Math.min(rows.failed(), 10_000)) {
                    differences.add("manifest: lists " + listed + " failed messages, rows: " + rows.failed());
                }
            }
        }
        return new Verification(
                jobId,
                job.window().toString(),
                job.status().name().toLowerCase(java.util.Locale.ROOT),
                indexCount,
                rows,
                recordedCompleted,
                recordedFailed,
                expectedObjects,
                found,
                missing,
                manifestKey,
                verdict,
                List.copyOf(differences));
    }

    /** Hashed folders listed one by one at most (16^3); past that, their common parent is listed once. */
    static final int MAX_LISTINGS = 4096;

    /**
     * The prefixes to list to see every key: their {@link #commonDirectory}, or, when the keys lie in folders below it
     * (a hashed key prefix: {@code exports/3f/2026/…}, {@code exports/a0/2026/…}), each such folder's own common
     * directory, so that the listing stays inside the job's days instead of walking every day of every hashed folder.
     */
    static List<String> listingPrefixes(Set<String> keys) {
        if (keys.isEmpty()) {
            return List.of();
        }
        String common = commonDirectory(keys);
        java.util.Map<String, Set<String>> byFolder = new java.util.TreeMap<>();
        for (String k : keys) {
            int slash = k.indexOf('/', common.length());
            if (slash < 0) {
                return List.of(common); // a key right in the common folder: one listing sees them all
            }
            byFolder.computeIfAbsent(k.substring(0, slash + 1), f -> new HashSet<>())
                    .add(k);
        }
        if (byFolder.size() == 1 || byFolder.size() > MAX_LISTINGS) {
            return List.of(common);
        }
        return byFolder.values().stream().map(JobVerifier::commonDirectory).toList();
    }

    /** The longest prefix ending in '/' that all keys share ("" when none). */
    static String commonDirectory(Set<String> keys) {
        String common = null;
        for (String k : keys) {
            if (common == null) {
                common = k;
            } else {
                int i = 0;
                int n = Math.min(common.length(), k.length());
                while (i < n && common.charAt(i) == k.charAt(i)) {
                    i++;
                }
                common = common.substring(0, i);
            }
        }
        int slash = common == null ? -1 : common.lastIndexOf('/');
        return slash < 0 ? "" : common.substring(0, slash + 1);
    }
}
