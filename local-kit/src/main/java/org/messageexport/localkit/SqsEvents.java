package org.messageexport.localkit;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import java.util.List;
import java.util.Map;

/**
 * The {@link SQSEvent} that Lambda's SQS event source mapping hands the worker, built for in-process calls (tests).
 * The event of messages received from a queue is the worker service's {@code SqsEventSource}.
 */
public final class SqsEvents {
    /** The attribute the worker reads to know a message's delivery count. */
    public static final String RECEIVE_COUNT = "ApproximateReceiveCount";

    private SqsEvents() {}

    /** An event of one record whose body is {@code body}, delivered for the {@code receiveCount}-th time. */
    public static SQSEvent of(String messageId, String body, int receiveCount) {
        return event(List.of(record(messageId, body, Map.of(RECEIVE_COUNT, Integer.toString(receiveCount)))));
    }

    private static SQSMessage record(String messageId, String body, Map<String, String> attributes) {
        SQSMessage r = new SQSMessage();
        r.setMessageId(messageId);
        r.setBody(body);
        r.setEventSource("aws:sqs");
        r.setAttributes(attributes);
        return r;
    }

    private static SQSEvent event(List<SQSMessage> records) {
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }
}
