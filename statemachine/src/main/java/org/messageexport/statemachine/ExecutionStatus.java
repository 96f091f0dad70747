package org.messageexport.statemachine;

/** How a state machine execution ended, as Step Functions names it. */
public enum ExecutionStatus {
    SUCCEEDED,
    FAILED,
    TIMED_OUT,
    ABORTED
}
