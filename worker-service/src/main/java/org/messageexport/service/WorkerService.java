package org.messageexport.service;

import java.net.URI;
import java.time.Clock;
import org.messageexport.adapter.AwsClients;
import org.messageexport.adapter.ResourceStack;
import org.messageexport.worker.ExportBatchHandler;
import org.messageexport.worker.WorkerComponents;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The worker as a long-running process: the Lambda worker's components and handler ({@link ExportBatchHandler}, so the
 * same use case, logs and metrics) fed by an {@link SqsEventSource} on the work queue, and a {@link HealthEndpoint}.
 * {@link #stop} drains (see {@link SqsEventSource#stop}) and then closes the clients.
 */
public final class WorkerService implements AutoCloseable {
    private final WorkerServiceConfig config;
    /** The components, the SQS client and the health endpoint: closed last first after the drain. */
    private final ResourceStack opened;

    private final SqsEventSource source;
    private final HealthEndpoint health;
    private SqsEventSource.DrainReport stopped;

    private WorkerService(
            WorkerServiceConfig config, ResourceStack opened, SqsEventSource source, HealthEndpoint health) {
        this.config = config;
        this.opened = opened;
        this.source = source;
        this.health = health;
    }

    /** Builds the clients (the database's schema is checked), serves the health endpoint, starts polling. */
    public static WorkerService start(WorkerServiceConfig config) {
        Clock clock = Clock.systemUTC();
        ResourceStack opened = new ResourceStack();
        try {
            WorkerComponents components = opened.push(WorkerComponents.create(config.worker()));
            // one connection per poller, one for the heartbeat, one spare
            SqsClient sqs = opened.push(AwsClients.sqs(config.sqs(), config.concurrency() + 2));
            ExportBatchHandler handler = new ExportBatchHandler(components);
            SqsEventSource source = new SqsEventSource(sqs, config.eventSource(), handler::handle, clock);
            HealthEndpoint health = opened.push(HealthEndpoint.start(config.healthAddress(), source::stats, clock));
            source.start();
            return new WorkerService(config, opened, source, health);
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    public URI healthUri() {
        return health.uri();
    }

    public SqsEventSource.Stats stats() {
        return source.stats();
    }

    /** Drains within the configured drain timeout, then closes the health endpoint and the clients. Once. */
    public synchronized SqsEventSource.DrainReport stop() {
        if (stopped != null) {
            return stopped;
        }
        stopped = source.stop(config.drainTimeout());
        opened.close();
        return stopped;
    }

    @Override
    public void close() {
        stop();
    }
}
