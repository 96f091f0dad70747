package org.messageexport.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class JitterTest {
    private static long[] draws(Jitter jitter) {
        return LongStream.range(0, 32).map(i -> jitter.upTo(1_000_000)).toArray();
    }

    @Test
    void reseed_makesInstancesRestoredFromOneSnapshotDiverge() {
        // two restored environments start from the same memory: the same seed
        Jitter first = new Jitter(42);
        Jitter second = new Jitter(42);
        assertThat(draws(first)).as("without a reseed they wait in step").isEqualTo(draws(second));
        first.reseed();
        second.reseed();
        assertThat(draws(first)).isNotEqualTo(draws(second));
    }

    @Test
    void upTo_staysWithinTheBound() {
        Jitter jitter = new Jitter();
        assertThat(LongStream.range(0, 1000).map(i -> jitter.upTo(10))).allMatch(v -> v >= 0 && v <= 10);
        assertThat(jitter.upTo(0)).isZero();
    }
}
