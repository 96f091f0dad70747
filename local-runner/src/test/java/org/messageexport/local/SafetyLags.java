package org.messageexport.local;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Safety lags for tests that run scheduled executions: a scheduled execution catches up every due window, so a test
 * that wants it to stop at a given day sets the lag that makes that day the latest end a window may have.
 */
final class SafetyLags {
    private SafetyLags() {}

    /** A {@code SAFETY_LAG} that makes {@code lastEnd} the latest day boundary a window may end at, for the next hours. */
    static String windowsEndingBy(LocalDate lastEnd) {
        return Duration.between(
                        lastEnd.atStartOfDay(ZoneOffset.UTC).plusHours(1).toInstant(), Instant.now())
                .toString();
    }
}
