package org.messageexport.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Plays Lambda's SQS event source mapping for the worker: {@code concurrency} pollers each receive up
 * to {@code batchSize} messages (long polling), invoke the handler with an {@link SQSEvent}, delete
 * what it did not report in {@code batchItemFailures} and leave the rest to reappear after the
 * visibility timeout (the queue's redrive policy moves them to the DLQ after max receives). A handler
 * that throws fails the whole batch, as on AWS.
 */
public final class SqsEventSourcePoller implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SqsEventSourcePoller.class);

    private final SqsClient sqs;
    private final String queueUrl;
    private final String queueArn;
    private final int batchSize;
    private final Duration visibilityTimeout;
    private final BiFunction<SQSEvent, Context, SQSBatchResponse> handler;
    private final Supplier<Context> contexts;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong failedRecords = new AtomicLong();

    public SqsEventSourcePoller(
            SqsClient sqs,
            String queueUrl,
            String queueArn,
            int batchSize,
            Duration visibilityTimeout,
            int concurrency,
            BiFunction<SQSEvent, Context, SQSBatchResponse> handler,
            Supplier<Context> contexts) {
        if (batchSize < 1 || batchSize > 10) {
            throw new IllegalArgumentException("batch size must be 1..10, got " + batchSize);
        }
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.queueArn = queueArn;
        this.batchSize = batchSize;
        this.visibilityTimeout = visibilityTimeout;
        this.handler = handler;
        this.contexts = contexts;
        for (int i = 0; i < concurrency; i++) {
            Thread t = new Thread(this::poll, "sqs-poller-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
    }

    public SqsEventSourcePoller start() {
        threads.forEach(Thread::start);
        return this;
    }

    public long invocations() {
        return invocations.get();
    }

    /** Records reported as failed (or in a batch whose handler threw). */
    public long failedRecords() {
        return failedRecords.get();
    }

    private void poll() {
        while (running.get()) {
            try {
                List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl)
                                .maxNumberOfMessages(batchSize)
                                .waitTimeSeconds(1)
                                .visibilityTimeout((int) visibilityTimeout.toSeconds())
                                .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
                        .messages();
                if (!messages.isEmpty()) {
                    deliver(messages);
                }
            } catch (RuntimeException e) {
                if (running.get()) {
                    log.warn("polling {} failed: {}", queueUrl, e.toString());
                    sleep(500);
                }
            }
        }
    }

    private void deliver(List<Message> messages) {
        SQSEvent event = new SQSEvent();
        List<SQSMessage> records = new ArrayList<>(messages.size());
        for (Message m : messages) {
            SQSMessage r = new SQSMessage();
            r.setMessageId(m.messageId());
            r.setReceiptHandle(m.receiptHandle());
            r.setBody(m.body());
            r.setMd5OfBody(m.md5OfBody());
            r.setEventSource("aws:sqs");
            r.setEventSourceArn(queueArn);
            r.setAwsRegion("us-east-1");
            Map<String, String> attributes = new HashMap<>();
            m.attributes().forEach((k, v) -> attributes.put(k.toString(), v));
            r.setAttributes(attributes);
            records.add(r);
        }
        event.setRecords(records);
        invocations.incrementAndGet();
        Set<String> failed = new HashSet<>();
        try {
            SQSBatchResponse response = handler.apply(event, contexts.get());
            if (response != null && response.getBatchItemFailures() != null) {
                response.getBatchItemFailures().forEach(f -> failed.add(f.getItemIdentifier()));
            }
        } catch (RuntimeException e) {
            log.warn(
                    "worker invocation failed, its {} records will be delivered again: {}",
                    records.size(),
                    e.toString());
            records.forEach(r -> failed.add(r.getMessageId()));
        }
        failedRecords.addAndGet(failed.size());
        List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
        for (Message m : messages) {
            if (!failed.contains(m.messageId())) {
                done.add(DeleteMessageBatchRequestEntry.builder()
                        .id(m.messageId())
                        .receiptHandle(m.receiptHandle())
                        .build());
            }
        }
        if (!done.isEmpty()) {
            sqs.deleteMessageBatch(d -> d.queueUrl(queueUrl).entries(done));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running.set(false);
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
