package org.messageexport.job;

import java.time.LocalDate;
import java.util.Optional;

/**
 * What an execution asks the planner for: the next scheduled window (no dates) or, when started by
 * hand, a named window, possibly a re-export of messages exported before.
 */
public record PlanRequest(
        String executionId, Optional<LocalDate> startDate, Optional<LocalDate> endDate, boolean reexport) {
    /** The keys a manual execution's input may have; any other key is refused (a misspelling must not run the schedule). */
    public static final java.util.List<String> FIELDS = java.util.List.of("startDate", "endDate", "reexport");

    public static PlanRequest scheduled(String executionId) {
        return new PlanRequest(executionId, Optional.empty(), Optional.empty(), false);
    }

    public boolean namesWindow() {
        return startDate.isPresent() || endDate.isPresent();
    }
}
