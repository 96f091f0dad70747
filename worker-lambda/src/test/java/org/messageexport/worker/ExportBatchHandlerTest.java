package org.messageexport.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.messageexport.domain.MessageBatch;

class ExportBatchHandlerTest {
    @Test
    void parse_readsTheBatchMessage() {
        MessageBatch b = ExportBatchHandler.parse("{\"jobId\":12,\"batchId\":345,\"messageIds\":[\"a\",\"b/c\"]}");

        assertThat(b).isEqualTo(new MessageBatch(12, 345, java.util.List.of("a", "b/c")));
    }

    @Test
    void parse_refusesMalformedBodies_withTheReason() {
        assertThatThrownBy(() -> ExportBatchHandler.parse("{\"jobId\":1,")).hasMessageStartingWith("body is not JSON");
        assertThatThrownBy(() -> ExportBatchHandler.parse("[1]")).hasMessage("body is not a JSON object");
        assertThatThrownBy(() -> ExportBatchHandler.parse("{\"jobId\":\"x\",\"batchId\":1,\"messageIds\":[\"a\"]}"))
                .hasMessage("jobId must be a whole number");
        assertThatThrownBy(() -> ExportBatchHandler.parse("{\"jobId\":1,\"batchId\":1.5,\"messageIds\":[\"a\"]}"))
                .hasMessage("batchId must be a whole number");
        assertThatThrownBy(() -> ExportBatchHandler.parse("{\"jobId\":1,\"batchId\":1,\"messageIds\":[]}"))
                .hasMessageStartingWith("messageIds must be a non-empty array");
        assertThatThrownBy(() -> ExportBatchHandler.parse("{\"jobId\":1,\"batchId\":1,\"messageIds\":[\"a\",7]}"))
                .hasMessageStartingWith("messageIds must be a non-empty array of non-empty strings");
        assertThatThrownBy(() -> ExportBatchHandler.parse(null)).hasMessage("body is not a JSON object");
    }
}
