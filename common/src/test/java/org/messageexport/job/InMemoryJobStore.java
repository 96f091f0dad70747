package org.messageexport.job;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.ExtractionCursor;
import org.messageexport.domain.JobKind;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.JobStatus;
import org.messageexport.port.JobStore;

/**
 * The part of {@link JobStore} that progress checks, finalizing and failure recording use (find, heartbeat,
 * finish), in memory with the semantics of the MySQL adapter; the tests set jobs up with {@link #put}.
 * Planning's methods are not needed here ({@code JobPlannerIT} runs them on MySQL).
 */
final class InMemoryJobStore implements JobStore {
    final Map<Long, JobRun> jobs = new LinkedHashMap<>();
    /** The finishes recorded, in order. */
    final List<JobFinish> finishes = new ArrayList<>();
    /** The schedule's cursor {@link #lastNextRunDate} answers; null: planning is not faked (it throws). */
    LocalDate scheduleCursor;

    void put(JobRun job) {
        jobs.put(job.jobId(), job);
    }

    /** A running job of {@code window} owned by {@code executionId}, created at {@code createdAt}, with {@code extracted} ids in batches of 500. */
    static JobRun running(
            long jobId,
            ExportWindow window,
            String executionId,
            Instant createdAt,
            boolean extractionDone,
            long extracted) {
        return new JobRun(
                jobId,
                window,
                JobStatus.RUNNING,
                JobKind.SCHEDULED,
                false,
                executionId,
                createdAt,
                createdAt,
                ExtractionCursor.START,
                extractionDone,
                extracted,
                (extracted + 499) / 500,
                0,
                0,
                null);
    }

    /** A finished job of {@code kind} over {@code window}. */
    static JobRun finished(long jobId, ExportWindow window, JobKind kind, JobStatus status) {
        return new JobRun(
                jobId,
                window,
                status,
                kind,
                false,
                "e",
                null,
                null,
                ExtractionCursor.START,
                true,
                0,
                0,
                0,
                0,
                new JobRun.JobOutcome(0, 0, null, "m.json", null, null, null));
    }

    /** Another execution takes the job over (as after a stale heartbeat). */
    synchronized void giveTo(long jobId, String executionId) {
        JobRun j = jobs.get(jobId);
        put(copy(j, executionId, j.heartbeatAt(), j.status(), j.outcome()));
    }

    private static JobRun copy(
            JobRun j, String executionId, Instant heartbeatAt, JobStatus status, JobRun.JobOutcome outcome) {
        return new JobRun(
                j.jobId(),
                j.window(),
                status,
                j.kind(),
                j.reexport(),
                executionId,
                heartbeatAt,
                j.createdAt(),
                j.cursor(),
                j.extractionDone(),
                j.extracted(),
                j.batches(),
                j.alreadyTracked(),
                j.rejected(),
                outcome);
    }

    @Override
    public synchronized Optional<JobRun> find(long jobId) {
        return Optional.ofNullable(jobs.get(jobId));
    }

    @Override
    public synchronized boolean heartbeat(long jobId, String executionId, Instant now) {
        JobRun j = jobs.get(jobId);
        if (j == null || j.status() != JobStatus.RUNNING || !j.ownedBy(executionId)) {
            return false;
        }
        put(copy(j, j.executionId(), now, j.status(), j.outcome()));
        return true;
    }

    @Override
    public synchronized boolean finish(JobFinish f) {
        JobRun j = jobs.get(f.jobId());
        if (j == null || j.status() != JobStatus.RUNNING || (f.executionId() != null && !j.ownedBy(f.executionId()))) {
            return false;
        }
        finishes.add(f);
        put(copy(
                j,
                j.executionId(),
                j.heartbeatAt(),
                f.status(),
                new JobRun.JobOutcome(
                        f.completed(),
                        f.failed(),
                        f.reason(),
                        f.manifestKey(),
                        f.proof() == null ? null : f.proof().verdict(),
                        f.proof() == null ? null : f.proof().indexCount(),
                        f.proof() == null ? null : f.proof().rows().tracked())));
        return true;
    }

    @Override
    public <T> T underPlanningLock(Supplier<T> work) {
        throw new UnsupportedOperationException("planning is not faked");
    }

    @Override
    public Optional<JobRun> findRunning() {
        throw new UnsupportedOperationException("planning is not faked");
    }

    @Override
    public Optional<JobRun> latest() {
        throw new UnsupportedOperationException("planning is not faked");
    }

    @Override
    public Optional<LocalDate> lastNextRunDate() {
        if (scheduleCursor == null) {
            throw new UnsupportedOperationException("planning is not faked");
        }
        return Optional.of(scheduleCursor);
    }

    @Override
    public synchronized List<ExportWindow> completedScheduledWindowsSince(LocalDate since) {
        return jobs.values().stream()
                .filter(j -> j.status() == JobStatus.COMPLETED && j.kind() == JobKind.SCHEDULED)
                .map(JobRun::window)
                .filter(w -> !w.end().isBefore(since))
                .distinct()
                .sorted(java.util.Comparator.comparing(ExportWindow::start))
                .toList();
    }

    @Override
    public List<org.messageexport.domain.FailedWindow> failedWindows() {
        throw new UnsupportedOperationException("planning is not faked");
    }

    @Override
    public List<ExportWindow> completedWindowsOverlapping(ExportWindow window) {
        throw new UnsupportedOperationException("planning is not faked");
    }

    @Override
    public JobRun create(ExportWindow window, JobKind kind, boolean reexport, String executionId, Instant now) {
        throw new UnsupportedOperationException("planning is not faked");
    }

    @Override
    public boolean takeOver(long jobId, String previousOwner, String executionId, Instant now) {
        throw new UnsupportedOperationException("planning is not faked");
    }

    @Override
    public synchronized boolean markExtractionDone(long jobId, String executionId, Instant now) {
        JobRun j = jobs.get(jobId);
        if (j == null || j.status() != JobStatus.RUNNING || !j.ownedBy(executionId)) {
            return false;
        }
        put(new JobRun(
                j.jobId(),
                j.window(),
                j.status(),
                j.kind(),
                j.reexport(),
                j.executionId(),
                now,
                j.createdAt(),
                j.cursor(),
                true,
                j.extracted(),
                j.batches(),
                j.alreadyTracked(),
                j.rejected(),
                j.outcome()));
        return true;
    }
}
