package org.messageexport.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchStatsTest {
    @Test
    void median_ofOddCount_isTheMiddleValue_whateverTheOrder() {
        assertThat(BenchStats.median(List.of(9.0, 1.0, 5.0))).isEqualTo(5.0);
    }

    @Test
    void median_ofEvenCount_isTheMeanOfTheTwoMiddleValues() {
        assertThat(BenchStats.median(List.of(4.0, 1.0, 3.0, 10.0))).isEqualTo(3.5);
    }

    @Test
    void median_ignoresNaN_andIsNaNWhenNothingWasMeasured() {
        assertThat(BenchStats.median(List.of(Double.NaN, 2.0, 4.0))).isEqualTo(3.0);
        assertThat(BenchStats.median(List.of())).isNaN();
        assertThat(BenchStats.median(List.of(Double.NaN))).isNaN();
    }

    @Test
    void percentile_isNearestRank() {
        List<Double> oneToHundred = new ArrayList<>();
        for (int i = 100; i >= 1; i--) {
            oneToHundred.add((double) i);
        }
        assertThat(BenchStats.percentile(oneToHundred, 50)).isEqualTo(50.0);
        assertThat(BenchStats.percentile(oneToHundred, 95)).isEqualTo(95.0);
        assertThat(BenchStats.percentile(oneToHundred, 100)).isEqualTo(100.0);
        assertThat(BenchStats.percentile(oneToHundred, 0.1)).isEqualTo(1.0);
    }

    @Test
    void percentile_ofFewValues_roundsTheRankUp() {
        // 40 batches: p95 is the 38th smallest
        List<Double> forty = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            forty.add(i * 10.0);
        }
        Collections.shuffle(forty, new java.util.Random(7));
        assertThat(BenchStats.percentile(forty, 95)).isEqualTo(380.0);
        assertThat(BenchStats.percentile(forty, 50)).isEqualTo(200.0);
        assertThat(BenchStats.percentile(List.of(7.0), 95)).isEqualTo(7.0);
        assertThat(BenchStats.percentile(List.of(), 95)).isNaN();
    }

    @Test
    void percentile_outsideItsRange_isRefused() {
        assertThatThrownBy(() -> BenchStats.percentile(List.of(1.0), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BenchStats.percentile(List.of(1.0), 101)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ratio_isNaN_whenEitherSideWasNotMeasured() {
        assertThat(BenchStats.ratio(3000, 300)).isEqualTo(10.0);
        assertThat(BenchStats.ratio(1, 0)).isNaN();
        assertThat(BenchStats.ratio(Double.NaN, 2)).isNaN();
        assertThat(BenchStats.ratio(2, Double.NaN)).isNaN();
        assertThat(BenchStats.ratio(0, 5)).isEqualTo(0.0);
    }

    @Test
    void rate_isItemsPerSecond() {
        assertThat(BenchStats.rate(500, 250_000_000L)).isEqualTo(2000.0);
        assertThat(BenchStats.rate(500, 0)).isNaN();
    }

    @Test
    void goal_verdicts_dependOnDirection() {
        assertThat(BenchStats.Goal.atLeast("pipeline/baseline", 12.0, 10.0, "x").verdict())
                .isEqualTo("MET");
        assertThat(BenchStats.Goal.atLeast("pipeline/baseline", 9.9, 10.0, "x").verdict())
                .isEqualTo("MISSED");
        assertThat(BenchStats.Goal.atMost("batch p95", 1000, 1000, "ms").verdict())
                .isEqualTo("MET");
        assertThat(BenchStats.Goal.atMost("batch p95", 1001, 1000, "ms").verdict())
                .isEqualTo("MISSED");
        assertThat(BenchStats.Goal.atMost("heap", Double.NaN, 256, "MB").verdict())
                .isEqualTo("n/a");
    }
}
