package org.messageexport.adapter.sqs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.messageexport.domain.MessageBatch;
import org.messageexport.port.BatchQueue;
import org.messageexport.port.TransientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

/**
 * Sends batches, as {@link BatchMessageCodec} writes them, with SendMessageBatch: at most 10 entries and
 * 256 KiB per call.
 */
public final class SqsBatchQueue implements BatchQueue {
    static final int MAX_ENTRIES = 10;
    static final int MAX_REQUEST_BYTES = 256 * 1024;
    private static final Logger log = LoggerFactory.getLogger(SqsBatchQueue.class);

    private final SqsClient sqs;
    private final String queueUrl;

    public SqsBatchQueue(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void send(List<MessageBatch> batches, AcceptedListener onAccepted) {
        List<SendMessageBatchRequestEntry> group = new ArrayList<>();
        Map<String, Long> batchIdByEntry = new HashMap<>();
        int groupBytes = 0;
        for (MessageBatch batch : batches) {
            String body = BatchMessageCodec.encode(batch);
            int bytes = body.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_REQUEST_BYTES) {
                throw new IllegalArgumentException("batch " + batch.batchId() + " is " + bytes
                        + " bytes as an SQS message, over the 256 KiB limit: lower BATCH_SIZE");
            }
            if (group.size() == MAX_ENTRIES || groupBytes + bytes > MAX_REQUEST_BYTES) {
                sendGroup(group, batchIdByEntry, onAccepted);
                group = new ArrayList<>();
                groupBytes = 0;
            }
            String entryId = "b" + batch.batchId();
            batchIdByEntry.put(entryId, batch.batchId());
            group.add(SendMessageBatchRequestEntry.builder()
                    .id(entryId)
                    .messageBody(body)
                    .build());
            groupBytes += bytes;
        }
        if (!group.isEmpty()) {
            sendGroup(group, batchIdByEntry, onAccepted);
        }
    }

    private void sendGroup(
            List<SendMessageBatchRequestEntry> entries, Map<String, Long> batchIdByEntry, AcceptedListener onAccepted) {
        SendMessageBatchResponse response;
        try {
            response = sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
        } catch (SdkException e) {
            throw new TransientException(
                    "send " + entries.size() + " batches to " + queueUrl + ": " + e.getMessage(), e);
        }
        List<Long> accepted = new ArrayList<>(response.successful().size());
        for (SendMessageBatchResultEntry ok : response.successful()) {
            accepted.add(batchIdByEntry.get(ok.id()));
        }
        for (BatchResultErrorEntry failed : response.failed()) {
            // left in status created: the next extract call sends it again
            log.warn(
                    "batch {} not accepted by the queue: {} {}",
                    batchIdByEntry.get(failed.id()),
                    failed.code(),
                    failed.message());
        }
        if (!accepted.isEmpty()) {
            onAccepted.accepted(accepted);
        }
    }
}
