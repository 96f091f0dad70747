package org.messageexport.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.messageexport.adapter.sqs.BatchMessageCodec;
import org.messageexport.domain.MessageBatch;
import org.messageexport.job.BatchOutcome;
import org.messageexport.localkit.LocalLambdaContext;
import org.slf4j.MDC;

/** The handler's loop with a stand-in export: what is decoded, exported, reported and measured. */
class ExportBatchHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-02T10:00:00Z"), ZoneOffset.UTC);

    private final List<String> exported = new ArrayList<>();
    private final Map<Long, BatchOutcome> outcomes = new HashMap<>();
    private final List<Map<String, String>> contextDuringExport = new ArrayList<>();
    private final List<String> metricLines = new ArrayList<>();

    private final ExportBatchHandler handler = new ExportBatchHandler(
            (batch, receiveCount, deadline) -> {
                exported.add(batch.batchId() + "@" + receiveCount);
                contextDuringExport.add(MDC.getCopyOfContextMap());
                BatchOutcome outcome = outcomes.get(batch.batchId());
                if (outcome == null) {
                    throw new IllegalStateException("database unreachable");
                }
                return outcome;
            },
            BatchOutcomeMetrics.to(ExportBatchHandler.FUNCTION, metricLines::add, CLOCK),
            CLOCK);

    private static BatchOutcome outcome(long batchId, boolean acknowledged) {
        return new BatchOutcome(
                12,
                batchId,
                acknowledged,
                3,
                acknowledged ? 3 : 1,
                0,
                acknowledged ? 0 : 2,
                0,
                300,
                40,
                acknowledged ? null : "2 messages not exported (released)",
                new BatchOutcome.Phases(1, 2, 3, 4, 5));
    }

    private static SQSMessage record(String id, String body, String receiveCount) {
        SQSMessage m = new SQSMessage();
        m.setMessageId(id);
        m.setBody(body);
        if (receiveCount != null) {
            m.setAttributes(Map.of("ApproximateReceiveCount", receiveCount));
        }
        return m;
    }

    private static String body(long batchId) {
        return BatchMessageCodec.encode(new MessageBatch(12, batchId, List.of("a", "b", "c")));
    }

    private SQSBatchResponse handle(Duration budget, SQSMessage... records) {
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(records));
        return handler.handleRequest(event, LocalLambdaContext.of("worker", budget));
    }

    private static List<String> failedIds(SQSBatchResponse response) {
        return response.getBatchItemFailures().stream()
                .map(BatchItemFailure::getItemIdentifier)
                .toList();
    }

    @Test
    void handle_reportsMalformedAndUnsettledRecords_andAcknowledgesTheOthers() {
        outcomes.put(1L, outcome(1, true));
        outcomes.put(2L, outcome(2, false));

        SQSBatchResponse response = handle(
                Duration.ofMinutes(1),
                record("ok", body(1), "1"),
                record("not-json", "{\"jobId\":", "1"),
                record("unsettled", body(2), "3"),
                record("throws", body(3), "2"));

        assertThat(failedIds(response)).containsExactly("not-json", "unsettled", "throws");
        assertThat(exported).containsExactly("1@1", "2@3", "3@2");
    }

    @Test
    void handle_readsTheReceiveCount_andTakesOneWhenItIsMissingOrBad() {
        outcomes.put(1L, outcome(1, true));

        handle(Duration.ofMinutes(1), record("a", body(1), "4"), record("b", body(1), null), record("c", body(1), "x"));

        assertThat(exported).containsExactly("1@4", "1@1", "1@1");
    }

    @Test
    void handle_leavesRecordsForARedelivery_whenNoTimeIsLeft() {
        outcomes.put(1L, outcome(1, true));

        SQSBatchResponse response = handle(Duration.ZERO, record("late", body(1), "1"));

        assertThat(failedIds(response)).containsExactly("late");
        assertThat(exported).isEmpty();
    }

    @Test
    void handle_emitsOneMetricsLinePerExportedBatch() throws Exception {
        outcomes.put(1L, outcome(1, true));
        outcomes.put(2L, outcome(2, false));

        handle(
                Duration.ofMinutes(1),
                record("ok", body(1), "1"),
                record("bad", "[]", "1"),
                record("unsettled", body(2), "1"));

        assertThat(metricLines).hasSize(2);
        assertThat(JSON.readTree(metricLines.get(0)).get("BatchesNotSettled").asInt())
                .isZero();
        assertThat(JSON.readTree(metricLines.get(1)).get("BatchesNotSettled").asInt())
                .isEqualTo(1);
        assertThat(JSON.readTree(metricLines.get(1)).get("MessagesReleased").asInt())
                .isEqualTo(2);
    }

    @Test
    void handle_logsEachRecordWithItsIds_andLeavesNoContextBehind() {
        outcomes.put(7L, outcome(7, true));

        handle(Duration.ofMinutes(1), record("sqs-1", body(7), "1"));

        assertThat(contextDuringExport.getFirst())
                .containsEntry("sqsMessageId", "sqs-1")
                .containsEntry("jobId", "12")
                .containsEntry("batchId", "7");
        assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
    }

    @Test
    void handle_anEventWithoutRecords_reportsNothing() {
        SQSBatchResponse response =
                handler.handleRequest(new SQSEvent(), LocalLambdaContext.of("worker", Duration.ofMinutes(1)));

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(exported).isEmpty();
    }
}
