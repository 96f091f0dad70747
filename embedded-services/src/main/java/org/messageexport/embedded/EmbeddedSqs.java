package org.messageexport.embedded;

import java.io.Closeable;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

/** ElasticMQ: an SQS-compatible server (AWS JSON protocol, DLQ redrive, long polling) on a free port. */
final class EmbeddedSqs implements Closeable {
    private final SQSRestServer server;
    private final int port;

    EmbeddedSqs() {
        server = SQSRestServerBuilder.withInterface("127.0.0.1")
                .withDynamicPort()
                .start();
        port = server.waitUntilStarted().localAddress().getPort();
    }

    int port() {
        return port;
    }

    @Override
    public void close() {
        server.stopAndWait();
    }
}
