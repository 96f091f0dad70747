package org.messageexport.adapter.sqs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.messageexport.domain.MessageBatch;

/**
 * The wire format of a batch on the queue, the one place it is written and read: the SQS message body
 * {@code {"jobId":12,"batchId":345,"messageIds":["a","b"]}}. Extraction writes it, the worker reads it,
 * benchmarks and tests build it here too. Thread-safe.
 */
public final class BatchMessageCodec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BatchMessageCodec() {}

    /** The message body of {@code batch}. */
    public static String encode(MessageBatch batch) {
        ObjectNode body = JSON.createObjectNode().put("jobId", batch.jobId()).put("batchId", batch.batchId());
        ArrayNode ids = body.putArray("messageIds");
        batch.messageIds().forEach(ids::add);
        return body.toString();
    }

    /**
     * The batch a message body holds.
     *
     * @throws IllegalArgumentException naming the problem in one line, when {@code body} is null, not a JSON
     *     object, or lacks a whole-number {@code jobId} or {@code batchId} or a non-empty array of non-empty
     *     string {@code messageIds}
     */
    public static MessageBatch decode(String body) {
        JsonNode root;
        try {
            root = body == null ? null : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("body is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("body is not a JSON object");
        }
        JsonNode jobId = root.get("jobId");
        JsonNode batchId = root.get("batchId");
        JsonNode ids = root.get("messageIds");
        if (jobId == null || !jobId.canConvertToLong() || !jobId.isIntegralNumber()) {
            throw new IllegalArgumentException("jobId must be a whole number");
        }
        if (batchId == null || !batchId.canConvertToLong() || !batchId.isIntegralNumber()) {
            throw new IllegalArgumentException("batchId must be a whole number");
        }
        if (ids == null || !ids.isArray() || ids.isEmpty()) {
            throw new IllegalArgumentException("messageIds must be a non-empty array of strings");
        }
        List<String> messageIds = new ArrayList<>(ids.size());
        for (JsonNode id : ids) {
            if (!id.isTextual() || id.asText().isEmpty()) {
                throw new IllegalArgumentException("messageIds must be a non-empty array of non-empty strings");
            }
            messageIds.add(id.asText());
        }
        return new MessageBatch(jobId.asLong(), batchId.asLong(), messageIds);
    }
}
