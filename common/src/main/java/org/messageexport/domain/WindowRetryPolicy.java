package org.messageexport.domain;

/**
 * Spring Batch's start limit for windows: a window over its failure budget is tried again by later executions, up to
 * {@code limit} tries over the budget, while the windows after it proceed; past the limit it stays failed and waits
 * for an operator. A job that failed by an error (an outage that outlasted the retries) is always tried again by the
 * next execution: errors do not count as tries.
 */
public record WindowRetryPolicy(int limit) {
    public WindowRetryPolicy {
        if (limit < 1) {
            throw new IllegalArgumentException("a window retry limit is >= 1, got " + limit);
        }
    }

    /** The window is tried again by {@code executionId}: not past the limit, and not failed in this same execution. */
    public boolean retries(FailedWindow window, String executionId) {
        return !awaitsOperator(window) && !window.triedBy(executionId);
    }

    /** Its tries over the budget reached the limit: only an operator moves it on (a manual run, a larger budget). */
    public boolean awaitsOperator(FailedWindow window) {
        return window.overBudget() && window.attempt() >= limit;
    }
}
