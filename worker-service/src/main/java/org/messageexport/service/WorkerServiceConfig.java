package org.messageexport.service;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import org.messageexport.adapter.secrets.SecretsManagerLookup;
import org.messageexport.config.AwsEndpointConfig;
import org.messageexport.config.ConfigException;
import org.messageexport.config.Env;
import org.messageexport.config.EnvNames;
import org.messageexport.config.SecretLookup;
import org.messageexport.worker.WorkerComponents;
import org.messageexport.worker.WorkerConfig;

/**
 * The worker service's configuration: the worker's own ({@link WorkerConfig}, the same variables as the Lambda
 * function's) plus the queue and what Lambda's event source mapping would otherwise decide. Read once from the
 * environment; an invalid value fails at start with one line naming the variable.
 */
public record WorkerServiceConfig(
        WorkerConfig worker,
        String queueUrl,
        AwsEndpointConfig sqs,
        int concurrency,
        int batchSize,
        Duration batchTimeout,
        Duration visibilityTimeout,
        Duration drainTimeout,
        InetSocketAddress healthAddress) {

    public static final int DEFAULT_CONCURRENCY = 4;
    public static final Duration DEFAULT_BATCH_TIMEOUT = Duration.ofMinutes(2);
    /** SQS's longest long poll: a stop waits for the receives under way too. */
    public static final Duration POLL_WAIT = Duration.ofSeconds(20);

    public static final String DEFAULT_HEALTH_ADDRESS = "127.0.0.1:8080";

    /** Secrets (the {@code *_SECRET_ARN} variables) from AWS Secrets Manager, as the worker function reads them. */
    public static WorkerServiceConfig fromEnv(Map<String, String> environment) {
        Env env = new Env(environment);
        return fromEnv(environment, new SecretsManagerLookup(env.string("AWS_REGION", "us-east-1")));
    }

    public static WorkerServiceConfig fromEnv(Map<String, String> environment, SecretLookup secrets) {
        Env env = new Env(environment);
        Duration batchTimeout = env.duration(EnvNames.WORKER_BATCH_TIMEOUT, DEFAULT_BATCH_TIMEOUT);
        Duration visibility = env.duration(EnvNames.WORKER_VISIBILITY_TIMEOUT, defaultVisibility(batchTimeout));
        Duration leaseCeiling = batchTimeout.plus(WorkerComponents.SETTLE_RESERVE);
        if (visibility.compareTo(leaseCeiling) < 0) {
            // a batch's leases last up to its deadline + the settle reserve: a redelivery after a crash must come later
            throw new ConfigException(EnvNames.WORKER_VISIBILITY_TIMEOUT + " must be at least "
                    + EnvNames.WORKER_BATCH_TIMEOUT + " + " + WorkerComponents.SETTLE_RESERVE.toSeconds() + " s ("
                    + leaseCeiling + "), so that a redelivery after a crash finds the leases expired; got "
                    + visibility);
        }
        if (visibility.compareTo(Duration.ofHours(12)) > 0) {
            throw new ConfigException(
                    EnvNames.WORKER_VISIBILITY_TIMEOUT + " must be at most PT12H (SQS's limit), got " + visibility);
        }
        int batchSize = env.positiveInt(EnvNames.WORKER_BATCH_SIZE, 1);
        if (batchSize > 10) {
            throw new ConfigException(
                    EnvNames.WORKER_BATCH_SIZE + " must be 1..10 (SQS's receive limit), got " + batchSize);
        }
        return new WorkerServiceConfig(
                WorkerConfig.fromEnv(environment, secrets),
                env.required(EnvNames.QUEUE_URL),
                AwsEndpointConfig.from(env, EnvNames.SQS_ENDPOINT),
                env.positiveInt(EnvNames.WORKER_CONCURRENCY, DEFAULT_CONCURRENCY),
                batchSize,
                batchTimeout,
                visibility,
                env.duration(EnvNames.WORKER_DRAIN_TIMEOUT, defaultDrainTimeout(batchTimeout)),
                address(env.string(EnvNames.HEALTH_ADDRESS, DEFAULT_HEALTH_ADDRESS)));
    }

    /** The batch timeout + 30 s: long enough for the leases (see {@link EnvNames#WORKER_VISIBILITY_TIMEOUT}). */
    public static Duration defaultVisibility(Duration batchTimeout) {
        return batchTimeout.plusSeconds(30);
    }

    /** Batches in flight end by their deadline, receives under way within a poll wait. */
    public static Duration defaultDrainTimeout(Duration batchTimeout) {
        return batchTimeout.plus(POLL_WAIT);
    }

    public SqsEventSource.Settings eventSource() {
        return new SqsEventSource.Settings(
                queueUrl, concurrency, batchSize, batchTimeout, visibilityTimeout, POLL_WAIT);
    }

    static InetSocketAddress address(String value) {
        int colon = value.lastIndexOf(':');
        String problem = EnvNames.HEALTH_ADDRESS + " must be host:port such as 127.0.0.1:8080, got '" + value + "'";
        if (colon <= 0 || colon == value.length() - 1) {
            throw new ConfigException(problem);
        }
        try {
            int port = Integer.parseInt(value.substring(colon + 1));
            if (port < 0 || port > 65_535) {
                throw new ConfigException(problem);
            }
            return new InetSocketAddress(value.substring(0, colon), port);
        } catch (NumberFormatException e) {
            throw new ConfigException(problem);
        }
    }
}
