package org.messageexport.domain;

/**
 * A window whose most recent job failed and that no completed job covers: it is tried again by a later execution,
 * or waits for an operator once its tries over the failure budget reached the limit.
 *
 * @param kind the failed job's kind: its retry is a job of the same kind
 * @param attempt the failed job's try at the window: 1 + the earlier tries that ended over the failure budget
 * @param overBudget the job failed because more messages failed than the budget allows (not because of an error)
 * @param executionId the execution that ran the failed job
 */
public record FailedWindow(
        long jobId,
        ExportWindow window,
        JobKind kind,
        boolean reexport,
        String executionId,
        int attempt,
        boolean overBudget,
        String reason) {

    /** True when {@code execution} made this try (an execution retries a window only once: later runs retry it). */
    public boolean triedBy(String execution) {
        return execution != null && execution.equals(executionId);
    }

    /** The try number of the next job of this window: a failure over the budget counts, an error does not. */
    public int nextAttempt() {
        return overBudget ? attempt + 1 : attempt;
    }
}
