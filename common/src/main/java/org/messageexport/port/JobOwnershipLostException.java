package org.messageexport.port;

/** The execution acting on a job no longer owns it (another execution took it over after a stale heartbeat). */
public class JobOwnershipLostException extends RuntimeException {
    public JobOwnershipLostException(long jobId, String executionId) {
        super("job " + jobId + " is no longer owned by execution " + executionId);
    }
}
