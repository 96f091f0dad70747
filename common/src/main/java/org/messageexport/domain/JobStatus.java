package org.messageexport.domain;

/** The seed's {@code job_runs.status}. */
public enum JobStatus {
    RUNNING,
    COMPLETED,
    FAILED
}
