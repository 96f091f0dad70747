package org.messageexport.domain;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * How many messages of a window may fail for good and the window still complete (a batch framework's skip limit):
 * a count ({@code 5}: at most five) or a share of the window's messages ({@code 0.5%}: at most one in two hundred).
 * Permanent failures only: a message whose transient errors still have retries left is never counted.
 */
public record FailureBudget(BigDecimal limit, boolean percentage) {
    public static final FailureBudget NONE = new FailureBudget(BigDecimal.ZERO, false);

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    public FailureBudget {
        Objects.requireNonNull(limit, "limit");
        if (limit.signum() < 0 || percentage && limit.compareTo(HUNDRED) > 0) {
            throw new IllegalArgumentException("a failure budget is a count >= 0 or a percentage 0..100, got " + limit);
        }
        if (!percentage && limit.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException("a failure budget count is a whole number, got " + limit);
        }
    }

    public static FailureBudget count(long n) {
        return new FailureBudget(BigDecimal.valueOf(n), false);
    }

    public static FailureBudget percent(BigDecimal p) {
        return new FailureBudget(p, true);
    }

    /** True when {@code failed} of {@code total} messages are within the budget (a percentage of 0 messages allows 0). */
    public boolean allows(long failed, long total) {
        if (failed <= 0) {
            return true;
        }
        if (!percentage) {
            return BigDecimal.valueOf(failed).compareTo(limit) <= 0;
        }
        // failed / total <= limit / 100, without rounding
        return BigDecimal.valueOf(failed).multiply(HUNDRED).compareTo(limit.multiply(BigDecimal.valueOf(total))) <= 0;
    }

    /** As the setting is written: {@code 5} or {@code 0.5%}. */
    @Override
    public String toString() {
        return limit.stripTrailingZeros().toPlainString() + (percentage ? "%" : "");
    }
}
