package org.messageexport.adapter;

import java.time.Duration;
import org.messageexport.config.AwsEndpointConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Builds the AWS clients of a process once: region, optional endpoint (local runs), credentials, timeouts. */
public final class AwsClients {
    private AwsClients() {}

    /** An SQS client with its own HTTP client (closed with it): for tools and local runs. */
    public static SqsClient sqs(AwsEndpointConfig config) {
        return sqs(config, 16);
    }

    /** With {@code maxConnections} pooled connections: one per thread that may call SQS at once. */
    public static SqsClient sqs(AwsEndpointConfig config, int maxConnections) {
        return configure(SqsClient.builder(), config)
                .httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(maxConnections)
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(30)))
                .build();
    }

    /** An SQS client over {@code http} (see {@link #sqsHttpClient()}), which the caller closes. */
    public static SqsClient sqs(AwsEndpointConfig config, SdkHttpClient http) {
        return configure(SqsClient.builder(), config).httpClient(http).build();
    }

    /** The SQS client's HTTP client, built on its first request: 16 connections, nothing waits forever. */
    public static ReconnectingHttpClient sqsHttpClient() {
        return new ReconnectingHttpClient(() -> ApacheHttpClient.builder()
                .maxConnections(16)
                .connectionTimeout(Duration.ofSeconds(5))
                .socketTimeout(Duration.ofSeconds(30))
                .build());
    }

    /** Region, endpoint override and credentials on any SDK client builder. */
    public static <B extends AwsClientBuilder<B, C>, C> B configure(B builder, AwsEndpointConfig config) {
        builder.region(Region.of(config.region()));
        config.endpoint().ifPresent(builder::endpointOverride);
        builder.credentialsProvider(
                config.accessKeyId() != null && config.secretAccessKey() != null
                        ? StaticCredentialsProvider.create(
                                AwsBasicCredentials.create(config.accessKeyId(), config.secretAccessKey()))
                        : DefaultCredentialsProvider.builder().build());
        return builder;
    }
}
