package org.messageexport.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressMeterTest {
    @Test
    void rateAndEta_comeFromTheWholeWatch() {
        ProgressMeter meter = new ProgressMeter();
        meter.add(new ProgressMeter.Reading(0, 10_000, 0));
        meter.add(new ProgressMeter.Reading(1_000, 10_000, 1_000_000_000L));
        meter.add(new ProgressMeter.Reading(4_000, 10_000, 2_000_000_000L));

        assertThat(meter.rate()).isEqualTo(2_000.0);
        assertThat(meter.eta()).contains(Duration.ofSeconds(3));
        assertThat(meter.line("job 7 "))
                .isEqualTo("job 7 [#########---------------] 4,000/10,000  40%  2,000 msg/s  ETA 3s");
    }

    @Test
    void noEta_beforeAnythingSettled() {
        ProgressMeter meter = new ProgressMeter();
        meter.add(new ProgressMeter.Reading(0, 500, 0));
        meter.add(new ProgressMeter.Reading(0, 500, 5_000_000_000L));

        assertThat(meter.rate()).isZero();
        assertThat(meter.eta()).isEmpty();
        assertThat(meter.line("")).endsWith("ETA ?");
    }

    @Test
    void human_readsAsMinutesAndHours() {
        assertThat(ProgressMeter.human(Duration.ofSeconds(59))).isEqualTo("59s");
        assertThat(ProgressMeter.human(Duration.ofSeconds(125))).isEqualTo("2m5s");
        assertThat(ProgressMeter.human(Duration.ofMinutes(185))).isEqualTo("3h5m");
    }
}
