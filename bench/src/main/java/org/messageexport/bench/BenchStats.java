package org.messageexport.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The bench's arithmetic: medians over repetitions, percentiles of batch times, ratios and goals. */
final class BenchStats {
    private BenchStats() {}

    /** The median (mean of the two middle values for an even count); NaN for no values. NaNs are ignored. */
    static double median(Collection<Double> values) {
        List<Double> sorted = sortedFinite(values);
        int n = sorted.size();
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }

    /**
     * The nearest-rank percentile: the smallest value such that at least {@code p}% of the values are less
     * or equal to it ({@code p} in (0, 100]); NaN for no values.
     */
    static double percentile(Collection<Double> values, double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
        }
        List<Double> sorted = sortedFinite(values);
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(1, rank) - 1);
    }

    /** {@code numerator / denominator}, NaN when either is not a positive finite number. */
    static double ratio(double numerator, double denominator) {
        if (!(numerator >= 0) || !(denominator > 0) || Double.isInfinite(numerator) || Double.isInfinite(denominator)) {
            return Double.NaN;
        }
        return numerator / denominator;
    }

    /** Items per second; NaN for no time. */
    static double rate(long items, long nanos) {
        return nanos <= 0 ? Double.NaN : items * 1e9 / nanos;
    }

    /** A figure and its goal: at least {@code target} (throughput ratios) or at most (latency, memory, size). */
    record Goal(String name, double value, double target, boolean atMost, String unit) {
        static Goal atLeast(String name, double value, double target, String unit) {
            return new Goal(name, value, target, false, unit);
        }

        static Goal atMost(String name, double value, double target, String unit) {
            return new Goal(name, value, target, true, unit);
        }

        /** MET, MISSED, or n/a when the figure was not measured. */
        String verdict() {
            if (Double.isNaN(value)) {
                return "n/a";
            }
            return (atMost ? value <= target : value >= target) ? "MET" : "MISSED";
        }
    }

    private static List<Double> sortedFinite(Collection<Double> values) {
        List<Double> out = new ArrayList<>(values.size());
        for (Double v : values) {
            if (v != null && !v.isNaN()) {
                out.add(v);
            }
        }
        out.sort(null);
        return out;
    }
}
