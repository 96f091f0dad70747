package org.messageexport.localkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import org.junit.jupiter.api.Test;

class SqsEventsTest {
    @Test
    void of_isOneRecordWithTheBodyAndItsReceiveCount() {
        SQSEvent event = SqsEvents.of("m-1", "{\"batchId\":1}", 3);

        assertThat(event.getRecords()).singleElement().satisfies(r -> {
            assertThat(r.getMessageId()).isEqualTo("m-1");
            assertThat(r.getBody()).isEqualTo("{\"batchId\":1}");
            assertThat(r.getEventSource()).isEqualTo("aws:sqs");
            assertThat(r.getAttributes()).containsEntry("ApproximateReceiveCount", "3");
        });
    }
}
