package org.messageexport.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The README's cost table is this model at one million messages. */
class CostModelTest {
    @Test
    void oneMillionMessages_atTheGoal_matchTheReadmeTable() {
        CostModel.Cost c = new CostModel(CostModel.GOAL_SECONDS_PER_BATCH).cost(1_000_000, 4_000_000_000L, 1);

        assertThat(c.puts()).isEqualTo(1_000_001);
        assertThat(c.s3Puts()).isEqualTo(5.00, offset(0.001));
        assertThat(c.workerGbSeconds()).isEqualTo(4_000);
        assertThat(c.worker()).isEqualTo(0.05, offset(0.005));
        assertThat(c.extractor()).isEqualTo(0.003, offset(0.001));
        assertThat(c.sqs()).isEqualTo(0.002, offset(0.0005));
        assertThat(c.stepFunctions()).isEqualTo(0.001, offset(0.0005));
        assertThat(c.total()).isBetween(5.05, 5.20);
        assertThat(c.storagePerMonth()).isEqualTo(0.092, offset(0.001));
    }

    @Test
    void oneMillionMessages_atTheLocalMedian_isTheTablesUpperBound() {
        CostModel.Cost c = new CostModel(CostModel.LOCAL_MEDIAN_SECONDS_PER_BATCH).cost(1_000_000, 0, 1);

        assertThat(c.workerGbSeconds()).isEqualTo(12_000);
        assertThat(c.worker()).isEqualTo(0.16, offset(0.005));
        assertThat(c.total()).isBetween(5.05, 5.20);
    }

    @Test
    void duration_isRoundsOfBatchesAtTheConcurrency_plusExtraction() {
        CostModel model = new CostModel(3.0);

        // 2,001 messages: 5 batches, 4 at once = 2 rounds of 3 s; extraction 0.2 s
        assertThat(model.duration(2_001, 4)).isEqualTo(Duration.ofMillis(6_200));
        assertThat(model.duration(0, 4)).isEqualTo(Duration.ZERO);
    }
}
