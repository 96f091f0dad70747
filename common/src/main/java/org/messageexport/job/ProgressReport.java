package org.messageexport.job;

/**
 * One progress check: {@code done} once the window is extracted and every message is completed or
 * failed (or the job deadline passed); {@code waitSeconds} until the next check; counts so far
 * ({@code inProgress} includes expired leases).
 */
public record ProgressReport(
        long jobId,
        boolean done,
        int waitSeconds,
        int polls,
        long pending,
        long inProgress,
        long completed,
        long failed,
        long extracted) {}
