package org.messageexport.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.messageexport.job.BatchOutcome;

class BatchOutcomeMetricsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-02T10:00:00Z"), ZoneOffset.UTC);

    private final List<String> lines = new ArrayList<>();
    private final BatchOutcomeMetrics metrics = BatchOutcomeMetrics.to("worker", lines::add, CLOCK);

    @Test
    void emit_writesOneEmfLine_withEveryCountAndDurationOfTheOutcome() throws Exception {
        metrics.emit(new BatchOutcome(
                12,
                345,
                true,
                500,
                498,
                2,
                0,
                4,
                2_000_000,
                1234,
                null,
                new BatchOutcome.Phases(10, 200, 30, 900, 40)));

        assertThat(lines).hasSize(1);
        JsonNode line = JSON.readTree(lines.getFirst());
        Map<String, Double> values = new LinkedHashMap<>();
        Map<String, String> units = new LinkedHashMap<>();
        for (JsonNode m : line.at("/_aws/CloudWatchMetrics/0/Metrics")) {
            values.put(m.get("Name").asText(), line.get(m.get("Name").asText()).asDouble());
            units.put(m.get("Name").asText(), m.get("Unit").asText());
        }
        assertThat(values)
                .containsExactly(
                        Map.entry("MessagesExported", 498.0),
                        Map.entry("MessagesFailed", 2.0),
                        Map.entry("MessagesReleased", 0.0),
                        Map.entry("ResultsNotRecorded", 4.0),
                        Map.entry("BytesExported", 2_000_000.0),
                        Map.entry("BatchDuration", 1234.0),
                        Map.entry("BatchesNotSettled", 0.0),
                        Map.entry("ClaimDuration", 10.0),
                        Map.entry("ReadDuration", 200.0),
                        Map.entry("BuildDuration", 30.0),
                        Map.entry("WriteDuration", 900.0),
                        Map.entry("RecordDuration", 40.0));
        assertThat(units)
                .containsEntry("MessagesExported", "Count")
                .containsEntry("BytesExported", "Bytes")
                .containsEntry("WriteDuration", "Milliseconds");
        assertThat(line.get("Function").asText()).isEqualTo("worker");
        assertThat(line.get("jobId").asLong()).isEqualTo(12);
        assertThat(line.get("batchId").asLong()).isEqualTo(345);
        assertThat(line.at("/_aws/Timestamp").asLong()).isEqualTo(CLOCK.millis());
    }

    @Test
    void emit_countsABatchNotSettled_withTheRowsReleased() throws Exception {
        metrics.emit(new BatchOutcome(
                12,
                346,
                false,
                10,
                7,
                0,
                3,
                0,
                700,
                50,
                "3 messages not exported",
                new BatchOutcome.Phases(1, 1, 1, 1, 1)));

        JsonNode line = JSON.readTree(lines.getFirst());
        assertThat(line.get("BatchesNotSettled").asInt()).isEqualTo(1);
        assertThat(line.get("MessagesReleased").asInt()).isEqualTo(3);
        assertThat(line.get("MessagesExported").asInt()).isEqualTo(7);
    }
}
