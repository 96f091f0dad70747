package org.messageexport.infra;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The queue of message batches between the extractor and the worker, with its dead-letter queue.
 * Both are encrypted and refuse plain HTTP.
 */
public final class WorkQueue extends Construct {
    /**
     * Lambda's guidance for SQS event sources: a visibility timeout of at least six times the
     * function timeout (plus the batching window), so a throttled or retried batch is not handed to a
     * second worker while the first still holds it.
     */
    public static final int VISIBILITY_TIMEOUT_FACTOR = 6;

    /** SQS's ceiling for a visibility timeout. */
    private static final int MAX_VISIBILITY_SECONDS = 43_200;

    public record Props(
            int workerTimeoutSeconds, int batchingWindowSeconds, int maxReceiveCount, int dlqRetentionDays) {}

    private final Queue queue;
    private final Queue deadLetterQueue;
    private final int maxReceiveCount;
    private final int visibilityTimeoutSeconds;

    public WorkQueue(Construct scope, String id, Props props) {
        super(scope, id);
        this.maxReceiveCount = props.maxReceiveCount();
        int visibility = VISIBILITY_TIMEOUT_FACTOR * props.workerTimeoutSeconds() + props.batchingWindowSeconds();
        this.visibilityTimeoutSeconds = visibility;
        if (visibility > MAX_VISIBILITY_SECONDS) {
            throw ContextSource.invalid(
                    "workerTimeoutSeconds",
                    "6x it plus the batching window (" + visibility + " s) exceeds SQS's 12-hour visibility timeout");
        }
        deadLetterQueue = Queue.Builder.create(this, "DeadLetterQueue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(props.dlqRetentionDays()))
                .build();
        queue = Queue.Builder.create(this, "Queue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .visibilityTimeout(Duration.seconds(visibility))
                .retentionPeriod(Duration.days(4))
                .deadLetterQueue(DeadLetterQueue.builder()
                        .queue(deadLetterQueue)
                        .maxReceiveCount(props.maxReceiveCount())
                        .build())
                .build();
    }

    public Queue queue() {
        return queue;
    }

    /** The work queue's visibility timeout. */
    public int visibilityTimeoutSeconds() {
        return visibilityTimeoutSeconds;
    }

    /** Deliveries of a batch before SQS moves it to the DLQ; the worker gives up on its last one. */
    public int maxReceiveCount() {
        return maxReceiveCount;
    }

    public Queue deadLetterQueue() {
        return deadLetterQueue;
    }
}
