package org.messageexport.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** The start limit of windows: tries over the budget count, errors do not, one try per execution. */
class WindowRetryPolicyTest {
    private static final ExportWindow DAY = new ExportWindow(LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 2));
    private final WindowRetryPolicy policy = new WindowRetryPolicy(3);

    private static FailedWindow failed(int attempt, boolean overBudget, String execution) {
        return new FailedWindow(7, DAY, JobKind.SCHEDULED, false, execution, attempt, overBudget, "reason");
    }

    @Test
    void aWindowOverBudget_isRetriedByALaterExecution_untilItsTriesReachTheLimit() {
        assertThat(policy.retries(failed(1, true, "e1"), "e2")).isTrue();
        assertThat(policy.retries(failed(2, true, "e2"), "e3")).isTrue();
        assertThat(policy.retries(failed(3, true, "e3"), "e4")).isFalse();
        assertThat(policy.awaitsOperator(failed(3, true, "e3"))).isTrue();
        assertThat(failed(1, true, "e1").nextAttempt()).isEqualTo(2);
    }

    @Test
    void theExecutionThatFailedIt_goesOnWithTheNextWindows_insteadOfRetryingIt() {
        assertThat(policy.retries(failed(1, true, "e1"), "e1")).isFalse();
        assertThat(policy.awaitsOperator(failed(1, true, "e1"))).isFalse();
    }

    @Test
    void aJobStoppedByAnError_isAlwaysRetried_andCountsNoTry() {
        FailedWindow outage = failed(3, false, "e1");

        assertThat(policy.retries(outage, "e2")).isTrue();
        assertThat(policy.awaitsOperator(outage)).isFalse();
        assertThat(outage.nextAttempt()).isEqualTo(3);
    }

    @Test
    void aLimitBelowOne_isRefused() {
        assertThatThrownBy(() -> new WindowRetryPolicy(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
