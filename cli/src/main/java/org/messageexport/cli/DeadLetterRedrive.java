package org.messageexport.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ListMessageMoveTasksResultEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * {@code redrive-dlq}: the dead-lettered batches back to the work queue. SQS's own message move task
 * (StartMessageMoveTask, then ListMessageMoveTasks until it ends) where the queue service has it; where it answers that
 * it does not, receive / send / delete in the same order of guarantees: a message is deleted from the DLQ only after
 * the work queue accepted it (at least once, as SQS itself; a batch delivered twice is harmless: the worker skips
 * completed rows).
 */
final class DeadLetterRedrive {
    enum Method {
        MESSAGE_MOVE_TASK,
        RECEIVE_SEND_DELETE
    }

    /** What moved: how, how many, what was waiting before, and the job/batch ids of the moved bodies when read. */
    record Redrive(Method method, long waitingBefore, long moved, long failed, String note) {}

    private final SqsClient sqs;
    private final Clock clock;

    DeadLetterRedrive(SqsClient sqs, Clock clock) {
        this.sqs = sqs;
        this.clock = clock;
    }

    Redrive redrive(String deadLetterQueueUrl, String workQueueUrl, Duration timeout) throws InterruptedException {
        long waiting = waiting(deadLetterQueueUrl);
        if (waiting == 0) {
            return new Redrive(Method.MESSAGE_MOVE_TASK, 0, 0, 0, "the dead-letter queue is empty");
        }
        String source = arn(deadLetterQueueUrl);
        String destination = arn(workQueueUrl);
        try {
            String handle = sqs.startMessageMoveTask(s -> s.sourceArn(source).destinationArn(destination))
                    .taskHandle();
            return awaitTask(source, handle, waiting, timeout);
        } catch (SqsException e) {
            if (!unsupported(e)) {
                throw e;
            }
            return receiveSendDelete(
                    deadLetterQueueUrl,
                    workQueueUrl,
                    waiting,
                    timeout,
                    e.awsErrorDetails() == null
                            ? e.getMessage()
                            : e.awsErrorDetails().errorCode());
        }
    }

    private Redrive awaitTask(String source, String handle, long waiting, Duration timeout)
            throws InterruptedException {
        Instant until = clock.instant().plus(timeout);
        while (true) {
            List<ListMessageMoveTasksResultEntry> tasks = sqs.listMessageMoveTasks(
                            l -> l.sourceArn(source).maxResults(10))
                    .results();
            ListMessageMoveTasksResultEntry task = tasks.stream()
                    .filter(t -> handle == null || handle.equals(t.taskHandle()) || tasks.size() == 1)
                    .findFirst()
                    .orElse(null);
            if (task != null && !"RUNNING".equals(task.status())) {
                long moved =
                        task.approximateNumberOfMessagesMoved() == null ? 0 : task.approximateNumberOfMessagesMoved();
                String note = "message move task " + task.status()
                        + (task.failureReason() == null ? "" : ": " + task.failureReason());
                return new Redrive(Method.MESSAGE_MOVE_TASK, waiting, moved, Math.max(0, waiting - moved), note);
            }
            if (clock.instant().isAfter(until)) {
                return new Redrive(
                        Method.MESSAGE_MOVE_TASK,
                        waiting,
                        task == null || task.approximateNumberOfMessagesMoved() == null
                                ? 0
                                : task.approximateNumberOfMessagesMoved(),
                        0,
                        "message move task still running after " + timeout + " (it goes on)");
            }
            Thread.sleep(200);
        }
    }

    private Redrive receiveSendDelete(String dlq, String queue, long waiting, Duration timeout, String whyNotMoveTask) {
        long moved = 0;
        long failed = 0;
        Instant until = clock.instant().plus(timeout);
        while (clock.instant().isBefore(until)) {
            List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(dlq)
                            .maxNumberOfMessages(10)
                            .waitTimeSeconds(1)
                            .visibilityTimeout(60)
                            .messageAttributeNames("All"))
                    .messages();
            if (messages.isEmpty()) {
                break;
            }
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < messages.size(); i++) {
                Message m = messages.get(i);
                entries.add(SendMessageBatchRequestEntry.builder()
                        .id(Integer.toString(i))
                        .messageBody(m.body())
                        .messageAttributes(m.messageAttributes())
                        .build());
            }
            SendMessageBatchResponse sent =
                    sqs.sendMessageBatch(s -> s.queueUrl(queue).entries(entries));
            Set<String> ok = sent.successful().stream().map(r -> r.id()).collect(Collectors.toSet());
            List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>();
            for (int i = 0; i < messages.size(); i++) {
                if (ok.contains(Integer.toString(i))) {
                    deletes.add(DeleteMessageBatchRequestEntry.builder()
                            .id(Integer.toString(i))
                            .receiptHandle(messages.get(i).receiptHandle())
                            .build());
                }
            }
            if (!deletes.isEmpty()) {
                sqs.deleteMessageBatch(d -> d.queueUrl(dlq).entries(deletes));
            }
            moved += deletes.size();
            failed += messages.size() - deletes.size();
        }
        return new Redrive(
                Method.RECEIVE_SEND_DELETE,
                waiting,
                moved,
                failed,
                "the queue service has no message move task (" + whyNotMoveTask
                        + "): received, sent to the work queue, then deleted from the DLQ");
    }

    private long waiting(String queueUrl) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(g -> g.queueUrl(queueUrl)
                        .attributeNames(
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        return Long.parseLong(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0"))
                + Long.parseLong(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0"));
    }

    private String arn(String queueUrl) {
        return sqs.getQueueAttributes(g -> g.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes()
                .get(QueueAttributeName.QUEUE_ARN);
    }

    private static boolean unsupported(SqsException e) {
        String code = e.awsErrorDetails() == null
                ? ""
                : String.valueOf(e.awsErrorDetails().errorCode());
        return e.statusCode() == 501
                || code.contains("UnsupportedOperation")
                || code.contains("InvalidAction")
                || code.contains("UnknownOperation")
                || code.contains("NotImplemented");
    }
}
