package org.messageexport.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Rate and ETA of a job from successive readings of its settled rows (completed + failed) against the rows it
 * tracks: the rate is over the whole watch (steady, not the last second's jitter); no ETA until something settled.
 */
final class ProgressMeter {
    /** One reading: how many rows are settled and tracked, {@code nanos} since the watch began. */
    record Reading(long settled, long tracked, long nanos) {}

    private Reading first;
    private Reading last;

    void add(Reading reading) {
        if (first == null) {
            first = reading;
        }
        last = reading;
    }

    /** Rows settled per second since the first reading; 0 before two readings or while nothing settled. */
    double rate() {
        if (first == null || last.nanos() <= first.nanos()) {
            return 0;
        }
        return (last.settled() - first.settled()) / ((last.nanos() - first.nanos()) / 1e9);
    }

    /** Time left at the current rate; empty while the rate is unknown. */
    Optional<Duration> eta() {
        double rate = rate();
        if (rate <= 0 || last == null) {
            return Optional.empty();
        }
        long left = Math.max(0, last.tracked() - last.settled());
        return Optional.of(Duration.ofMillis((long) (left / rate * 1000)));
    }

    /** {@code [#########-----------]  4,500/10,000  45%  1,250 msg/s  ETA 4s}. */
    String line(String prefix) {
        long settled = last == null ? 0 : last.settled();
        long tracked = last == null ? 0 : last.tracked();
        int width = 24;
        int filled = tracked == 0 ? 0 : (int) Math.min(width, settled * width / tracked);
        String bar = "#".repeat(filled) + "-".repeat(width - filled);
        String eta = eta().map(ProgressMeter::human).orElse("?");
        return String.format(
                Locale.ROOT,
                "%s[%s] %,d/%,d %3d%%  %,.0f msg/s  ETA %s",
                prefix,
                bar,
                settled,
                tracked,
                tracked == 0 ? 0 : settled * 100 / tracked,
                rate(),
                eta);
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        return s < 60 ? s + "s" : s < 3600 ? (s / 60) + "m" + (s % 60) + "s" : (s / 3600) + "h" + (s % 3600 / 60) + "m";
    }
}
