package org.messageexport.observability;

/**
 * The schedule's health, emitted by Plan job on every plan ({@code Function=plan-job}, namespace
 * {@value Metrics#NAMESPACE}); the CDK stack's alarms watch them. JDK only: the CDK app reads the names.
 */
public final class ScheduleMetrics {
    private ScheduleMetrics() {}

    /** Days from the oldest due day not exported to the latest day a window may end at (0: up to date). */
    public static final String EXPORT_LAG_DAYS = "ExportLagDays";

    /** Windows over their failure budget that reached the retry limit: only an operator moves them on. */
    public static final String WINDOWS_AWAITING_OPERATOR = "WindowsAwaitingOperator";

    /** Windows whose latest job failed (retried by later executions, or waiting for an operator). */
    public static final String WINDOWS_FAILED = "WindowsFailed";
}
