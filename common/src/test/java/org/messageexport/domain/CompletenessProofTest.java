package org.messageexport.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class CompletenessProofTest {
    private static final ExportWindow W =
            new ExportWindow(LocalDate.parse("2026-11-01"), LocalDate.parse("2026-11-02"));

    @Test
    void complete_whenEveryMessageOfTheIndexIsTracked_andEveryRowSettled() {
        CompletenessProof proof = new CompletenessProof(W, 10, new TrackedCounts(10, 9, 1));

        assertThat(proof.verdict()).isEqualTo(CompletenessProof.Verdict.COMPLETE);
        assertThat(proof.describe())
                .isEqualTo("complete: index holds 10 messages for [2026-11-01, 2026-11-02), 10 tracked, 9 completed,"
                        + " 1 failed");
    }

    @Test
    void mismatch_whenTheIndexHoldsMoreThanTheRows_namingTheUntracked() {
        CompletenessProof proof = new CompletenessProof(W, 12, new TrackedCounts(10, 10, 0));

        assertThat(proof.verdict()).isEqualTo(CompletenessProof.Verdict.MISMATCH);
        assertThat(proof.untracked()).isEqualTo(2);
        assertThat(proof.describe()).endsWith("; 2 messages of the index are not tracked");
    }

    @Test
    void mismatch_whenRowsAreUnsettled_orTheIndexLostMessages() {
        assertThat(new CompletenessProof(W, 10, new TrackedCounts(10, 8, 1)).describe())
                .endsWith("; 1 rows neither completed nor failed");
        assertThat(new CompletenessProof(W, 9, new TrackedCounts(10, 10, 0)).describe())
                .endsWith("; 1 tracked messages are no longer in the index");
    }

    @Test
    void onlyScheduledJobsAdvanceTheSchedule() {
        assertThat(JobKind.SCHEDULED.advancesSchedule()).isTrue();
        assertThat(JobKind.MANUAL.advancesSchedule()).isFalse();
        assertThat(JobKind.LATE.advancesSchedule()).isFalse();
    }
}
