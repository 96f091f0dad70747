package org.messageexport.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.messageexport.domain.Deadline;
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.embedded.EmbeddedServicesExtension;
import org.messageexport.testing.TestQueues;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/** The event source mapping's semantics on a real SQS (ElasticMQ): deliveries, deletes, redeliveries, heartbeat, drain. */
@ExtendWith(EmbeddedServicesExtension.class)
class SqsEventSourceIT {
    /** A liveness guard for waits, not a timing goal. */
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final TestQueues queues;
    private final SqsClient sqs;
    private final String queueUrl;
    private final List<SqsEventSource> started = new ArrayList<>();
    private final CountDownLatch freeHandlers = new CountDownLatch(1);

    SqsEventSourceIT(EmbeddedServices services) {
        this.queues = new TestQueues(services.sqs());
        this.sqs = queues.client();
        this.queueUrl = queues.create("event-source");
    }

    @AfterEach
    void stopAll() {
        freeHandlers.countDown();
        started.forEach(s -> s.stop(Duration.ofSeconds(5)));
        queues.close();
    }

    private SqsEventSource start(int concurrency, int batchSize, Duration visibility, SqsEventSource.BatchHandler h) {
        SqsEventSource source = new SqsEventSource(
                sqs,
                new SqsEventSource.Settings(
                        queueUrl, concurrency, batchSize, Duration.ofMinutes(1), visibility, Duration.ofSeconds(1)),
                h,
                Clock.systemUTC());
        started.add(source);
        return source.start();
    }

    private void send(String... bodies) {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < bodies.length; i++) {
            entries.add(SendMessageBatchRequestEntry.builder()
                    .id("m" + i)
                    .messageBody(bodies[i])
                    .build());
        }
        sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
    }

    private static SQSBatchResponse failing(List<SQSMessage> records) {
        return SQSBatchResponse.builder()
                .withBatchItemFailures(records.stream()
                        .map(r -> BatchItemFailure.builder()
                                .withItemIdentifier(r.getMessageId())
                                .build())
                        .toList())
                .build();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited %s for %s", PATIENCE, what).isLessThan(end);
            Thread.sleep(50);
        }
    }

    private int visibleAndHidden() {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(q -> q.queueUrl(queueUrl)
                        .attributeNames(
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        return Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    /** Receives what is visible right now (no wait), without deleting it. */
    private List<Message> visibleNow() {
        return sqs.receiveMessage(r -> r.queueUrl(queueUrl)
                        .maxNumberOfMessages(10)
                        .waitTimeSeconds(1)
                        .visibilityTimeout(60)
                        .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
                .messages();
    }

    @Test
    void settledRecordsAreDeleted_andReportedFailuresAreDeliveredAgainAfterTheVisibilityTimeout() throws Exception {
        List<String> deliveries = new CopyOnWriteArrayList<>();
        SqsEventSource source = start(1, 10, Duration.ofSeconds(4), (event, deadline) -> {
            List<SQSMessage> failed = new ArrayList<>();
            for (SQSMessage r : event.getRecords()) {
                String count = r.getAttributes().get("ApproximateReceiveCount");
                deliveries.add(r.getBody() + "#" + count);
                if (r.getBody().startsWith("fail") && count.equals("1")) {
                    failed.add(r);
                }
            }
            return failing(failed);
        });
        send("ok-1", "fail-2", "ok-3");

        await(
                "the failed record's second delivery and an empty queue",
                () -> deliveries.contains("fail-2#2")
                        && source.stats().inFlightBatches() == 0
                        && visibleAndHidden() == 0);

        assertThat(deliveries).containsExactlyInAnyOrder("ok-1#1", "fail-2#1", "ok-3#1", "fail-2#2");
        assertThat(source.stats().recordsDeleted()).isEqualTo(3);
        assertThat(source.stats().recordsFailed()).isEqualTo(1);
    }

    @Test
    void aHandlerThatThrows_failsEveryRecordOfItsEvent() throws Exception {
        List<String> deliveries = new CopyOnWriteArrayList<>();
        SqsEventSource source = start(1, 10, Duration.ofSeconds(4), (event, deadline) -> {
            event.getRecords().forEach(r -> deliveries.add(r.getBody()));
            if (event.getRecords().stream()
                    .anyMatch(r ->
                            r.getAttributes().get("ApproximateReceiveCount").equals("1"))) {
                throw new IllegalStateException("database unreachable");
            }
            return SQSBatchResponse.builder().withBatchItemFailures(List.of()).build();
        });
        send("a", "b");

        await("a second delivery of both", () -> deliveries.size() >= 4 && visibleAndHidden() == 0);

        assertThat(deliveries).containsExactlyInAnyOrder("a", "a", "b", "b");
        assertThat(source.stats().recordsFailed()).isEqualTo(2);
        assertThat(source.stats().recordsDeleted()).isEqualTo(2);
    }

    @Test
    void theEvent_carriesWhatLambdaDelivers_andTheDeadlineIsTheBatchTimeout() throws Exception {
        AtomicReference<SQSMessage> seen = new AtomicReference<>();
        AtomicReference<Deadline> given = new AtomicReference<>();
        start(1, 1, Duration.ofSeconds(30), (event, deadline) -> {
            seen.set(event.getRecords().getFirst());
            given.set(deadline);
            return failing(List.of());
        });
        send("{\"jobId\":1}");

        await("a delivery", () -> seen.get() != null);

        String arn = sqs.getQueueAttributes(a -> a.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes()
                .get(QueueAttributeName.QUEUE_ARN);
        SQSMessage r = seen.get();
        assertThat(r.getBody()).isEqualTo("{\"jobId\":1}");
        assertThat(r.getMessageId()).isNotBlank();
        assertThat(r.getReceiptHandle()).isNotBlank();
        assertThat(r.getAttributes()).containsEntry("ApproximateReceiveCount", "1");
        assertThat(r.getEventSource()).isEqualTo("aws:sqs");
        assertThat(r.getEventSourceArn()).isEqualTo(arn);
        assertThat(r.getAwsRegion()).isEqualTo(EmbeddedServices.REGION);
        assertThat(given.get().remaining()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void heartbeat_keepsABatchThatRunsLongerThanTheVisibilityTimeoutFromASecondPoller() throws Exception {
        List<String> deliveries = new CopyOnWriteArrayList<>();
        // visibility 6 s, renewed every 2 s (4 s to spare for a renewal on a loaded machine); the batch takes 14 s,
        // twice the visibility timeout and more
        SqsEventSource source = start(2, 1, Duration.ofSeconds(6), (event, deadline) -> {
            event.getRecords().forEach(r -> deliveries.add(r.getBody()));
            sleep(Duration.ofSeconds(14));
            return failing(List.of());
        });
        send("slow");

        await("the slow batch's end", () -> source.stats().recordsDeleted() == 1);

        assertThat(deliveries).containsExactly("slow");
        assertThat(source.stats().heartbeats())
                .as("renewals that kept it hidden")
                .isGreaterThanOrEqualTo(3);
        assertThat(visibleAndHidden()).isZero();
    }

    @Test
    void concurrency_runsThatManyBatchesAtOnce() throws Exception {
        CyclicBarrier allThree = new CyclicBarrier(3);
        List<String> passed = Collections.synchronizedList(new ArrayList<>());
        SqsEventSource source = start(3, 1, Duration.ofSeconds(30), (event, deadline) -> {
            try {
                // only three batches running at the same time get past this
                allThree.await(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("fewer than three batches ran at once", e);
            }
            passed.add(event.getRecords().getFirst().getBody());
            return failing(List.of());
        });
        send("1", "2", "3");

        await("three batches", () -> source.stats().recordsDeleted() == 3);

        assertThat(passed).containsExactlyInAnyOrder("1", "2", "3");
        assertThat(source.stats().recordsFailed()).isZero();
    }

    @Test
    void stop_letsTheBatchesInFlightFinish_deletesWhatTheySettled_andMakesTheRestVisibleAtOnce() throws Exception {
        AtomicReference<SqsEventSource> self = new AtomicReference<>();
        // a visibility timeout of a minute: what is visible again right after the stop was made visible by it
        SqsEventSource source = start(2, 1, Duration.ofSeconds(60), (event, deadline) -> {
            awaitState(self.get(), SqsEventSource.State.DRAINING);
            return failing(event.getRecords().stream()
                    .filter(r -> r.getBody().startsWith("fail"))
                    .toList());
        });
        self.set(source);
        send("ok", "fail");
        await("both batches in flight", () -> source.stats().inFlightBatches() == 2);

        SqsEventSource.DrainReport report = source.stop(Duration.ofSeconds(30));

        assertThat(report.timedOut()).isFalse();
        assertThat(report.batchesFinished()).isEqualTo(2);
        assertThat(report.recordsReleased()).isEqualTo(1);
        assertThat(source.stats().state()).isEqualTo(SqsEventSource.State.STOPPED);
        assertThat(source.stats().recordsDeleted()).isEqualTo(1);
        List<Message> visible = visibleNow();
        assertThat(visible).extracting(Message::body).containsExactly("fail");
        assertThat(visible.getFirst().attributes())
                .containsEntry(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "2");
    }

    @Test
    void stop_whenTheDrainTimeoutEnds_makesTheRecordsStillHeldVisibleAtOnce() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        SqsEventSource source = start(1, 10, Duration.ofSeconds(60), (event, deadline) -> {
            inside.countDown();
            try {
                freeHandlers.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return failing(List.of());
        });
        send("stuck");
        assertThat(inside.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();

        SqsEventSource.DrainReport report = source.stop(Duration.ofSeconds(1));

        assertThat(report.timedOut()).isTrue();
        assertThat(report.batchesFinished()).isZero();
        assertThat(report.recordsReleased()).isEqualTo(1);
        assertThat(visibleNow()).extracting(Message::body).containsExactly("stuck");
    }

    private static void awaitState(SqsEventSource source, SqsEventSource.State state) {
        long end = System.nanoTime() + PATIENCE.toNanos();
        while (source.stats().state() != state && System.nanoTime() < end) {
            sleep(Duration.ofMillis(20));
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
