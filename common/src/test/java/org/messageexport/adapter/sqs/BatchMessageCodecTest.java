package org.messageexport.adapter.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.messageexport.domain.MessageBatch;

class BatchMessageCodecTest {
    @Test
    void encode_writesJobBatchAndIds() {
        assertThat(BatchMessageCodec.encode(new MessageBatch(12, 345, List.of("a", "b/c", "é\""))))
                .isEqualTo("{\"jobId\":12,\"batchId\":345,\"messageIds\":[\"a\",\"b/c\",\"é\\\"\"]}");
    }

    @Test
    void decode_readsWhatEncodeWrote() {
        MessageBatch batch = new MessageBatch(12, 345, List.of("a", "b/c", "ünïcødé-✓", "x".repeat(255)));

        assertThat(BatchMessageCodec.decode(BatchMessageCodec.encode(batch))).isEqualTo(batch);
    }

    @Test
    void decode_readsTheBatchMessage() {
        MessageBatch b = BatchMessageCodec.decode("{\"jobId\":12,\"batchId\":345,\"messageIds\":[\"a\",\"b/c\"]}");

        assertThat(b).isEqualTo(new MessageBatch(12, 345, List.of("a", "b/c")));
    }

    @Test
    void decode_refusesMalformedBodies_withTheReason() {
        assertThatThrownBy(() -> BatchMessageCodec.decode("{\"jobId\":1,"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("body is not JSON");
        assertThatThrownBy(() -> BatchMessageCodec.decode("[1]")).hasMessage("body is not a JSON object");
        assertThatThrownBy(() -> BatchMessageCodec.decode("{\"jobId\":\"x\",\"batchId\":1,\"messageIds\":[\"a\"]}"))
                .hasMessage("jobId must be a whole number");
        assertThatThrownBy(() -> BatchMessageCodec.decode("{\"jobId\":1,\"batchId\":1.5,\"messageIds\":[\"a\"]}"))
                .hasMessage("batchId must be a whole number");
        assertThatThrownBy(() -> BatchMessageCodec.decode("{\"jobId\":1,\"batchId\":1,\"messageIds\":[]}"))
                .hasMessageStartingWith("messageIds must be a non-empty array");
        assertThatThrownBy(() -> BatchMessageCodec.decode("{\"jobId\":1,\"batchId\":1,\"messageIds\":[\"a\",7]}"))
                .hasMessageStartingWith("messageIds must be a non-empty array of non-empty strings");
        assertThatThrownBy(() -> BatchMessageCodec.decode(null)).hasMessage("body is not a JSON object");
    }
}
