package org.messageexport.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** A point in time by which a piece of work must have stopped (e.g. a Lambda invocation's end minus a margin). */
public record Deadline(Instant at, Clock clock) {
    public static Deadline after(Duration budget, Clock clock) {
        return new Deadline(clock.instant().plus(budget), clock);
    }

    public Duration remaining() {
        Duration left = Duration.between(clock.instant(), at);
        return left.isNegative() ? Duration.ZERO : left;
    }

    public boolean hasLessThan(Duration needed) {
        return remaining().compareTo(needed) < 0;
    }

    public boolean expired() {
        return !clock.instant().isBefore(at);
    }
}
