package org.messageexport.domain;

import java.util.Locale;

/**
 * Why a job exists ({@code job_runs.kind}). Only scheduled jobs read and advance the schedule's cursor
 * ({@code next_run_date}): a manual window is extra work and never moves it, a late job is a follow-up of a
 * completed window that exports the messages indexed after that window's job ended.
 */
public enum JobKind {
    SCHEDULED,
    MANUAL,
    LATE;

    /** The column's value. */
    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static JobKind ofDbValue(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** The one rule of the schedule: only a scheduled job, once completed, moves {@code next_run_date}. */
    public boolean advancesSchedule() {
        return this == SCHEDULED;
    }
}
