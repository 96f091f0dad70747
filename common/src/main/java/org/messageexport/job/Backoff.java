package org.messageexport.job;

import java.time.Duration;
import java.util.function.Supplier;
import org.messageexport.domain.Deadline;
import org.messageexport.port.TransientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries what failed with a {@link TransientException}, waiting exponentially longer between tries
 * (with jitter, so that workers hit by the same outage do not come back in step), for as long as a
 * deadline allows. Thread-safe.
 */
public final class Backoff {
    private static final Logger log = LoggerFactory.getLogger(Backoff.class);

    /** Waits; the unit tests pass one that only records. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;

        Sleeper THREAD = d -> Thread.sleep(d.toMillis());
    }

    private final Duration initial;
    private final Duration max;
    private final Sleeper sleeper;
    private final Jitter jitter;

    public Backoff(Duration initial, Duration max, Sleeper sleeper) {
        this(initial, max, sleeper, new Jitter());
    }

    public Backoff(Duration initial, Duration max, Sleeper sleeper, Jitter jitter) {
        if (initial.isNegative() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 <= initial <= max, got " + initial + " and " + max);
        }
        this.initial = initial;
        this.max = max;
        this.sleeper = sleeper;
        this.jitter = jitter;
    }

    /** 100 ms doubling up to 3 s, with {@code jitter} (which the owner reseeds after a snapshot restore). */
    public static Backoff standard(Jitter jitter) {
        return new Backoff(Duration.ofMillis(100), Duration.ofSeconds(3), Sleeper.THREAD, jitter);
    }

    /** The wait before try {@code attempt + 1} (attempt counts from 1): between half and all of initial × 2^(attempt-1), at most max. */
    public Duration delay(int attempt) {
        long base = initial.toMillis() << Math.min(20, Math.max(0, attempt - 1));
        long capped = Math.min(base, max.toMillis());
        long half = capped / 2;
        return Duration.ofMillis(half + jitter.upTo(half));
    }

    /**
     * Waits {@code delay(attempt)} and returns true, or returns false at once when the wait would end
     * after {@code deadline}.
     */
    public boolean pause(int attempt, Deadline deadline) {
        Duration d = delay(attempt);
        if (deadline.hasLessThan(d)) {
            return false;
        }
        try {
            sleeper.sleep(d);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Calls {@code action} until it succeeds or fails otherwise than transiently, or {@code deadline} leaves no time for another try. */
    public <T> T call(String what, Supplier<T> action, Deadline deadline) {
        for (int attempt = 1; ; attempt++) {
            try {
                return action.get();
            } catch (TransientException e) {
                if (!pause(attempt, deadline)) {
                    throw e;
                }
                log.warn("{} failed transiently (attempt {}), retrying: {}", what, attempt, e.getMessage());
            }
        }
    }

    public void run(String what, Runnable action, Deadline deadline) {
        call(
                what,
                () -> {
                    action.run();
                    return null;
                },
                deadline);
    }
}
