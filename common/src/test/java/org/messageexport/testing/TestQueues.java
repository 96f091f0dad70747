package org.messageexport.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.messageexport.adapter.AwsClients;
import org.messageexport.config.AwsEndpointConfig;
import org.messageexport.embedded.AwsEndpoint;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** Queues on the embedded SQS for tests: a fresh one per test, drained and decoded. */
public final class TestQueues implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final SqsClient sqs;

    public TestQueues(AwsEndpoint endpoint) {
        this.sqs = AwsClients.sqs(new AwsEndpointConfig(
                java.util.Optional.of(endpoint.url()),
                endpoint.region(),
                endpoint.accessKeyId(),
                endpoint.secretAccessKey()));
    }

    public SqsClient client() {
        return sqs;
    }

    public String create(String prefix) {
        return sqs.createQueue(q -> q.queueName(
                                prefix + "-" + UUID.randomUUID().toString().substring(0, 8))
                        .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "300")))
                .queueUrl();
    }

    public int depth(String queueUrl) {
        return Integer.parseInt(sqs.getQueueAttributes(
                        a -> a.queueUrl(queueUrl).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                .attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
    }

    /** Receives (and deletes) every message on the queue, bodies parsed. */
    public List<JsonNode> drain(String queueUrl) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        while (true) {
            List<Message> got = sqs.receiveMessage(
                            r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0))
                    .messages();
            if (got.isEmpty()) {
                return out;
            }
            for (Message m : got) {
                out.add(JSON.readTree(m.body()));
                sqs.deleteMessage(d -> d.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            }
        }
    }

    @Override
    public void close() {
        sqs.close();
    }
}
