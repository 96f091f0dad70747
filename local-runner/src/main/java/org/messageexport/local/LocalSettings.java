package org.messageexport.local;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.Period;
import java.util.Map;
import java.util.Optional;

/**
 * How a local deployment is put together: embedded services (the default) or real endpoints, where
 * exported files land, the job's window settings, and the worker's event source mapping.
 *
 * @param external real endpoints instead of the embedded services (empty: embedded)
 * @param extraEnvironment further function environment variables (EnvNames), e.g. MAX_DOCUMENT_BYTES
 */
public record LocalSettings(
        Optional<ExternalEndpoints> external,
        Path s3Directory,
        String bucket,
        String keyPrefix,
        LocalDate firstStartDate,
        Period window,
        Duration safetyLag,
        int workerConcurrency,
        int workerBatchSize,
        Duration visibilityTimeout,
        int maxReceiveCount,
        Map<String, String> extraEnvironment) {

    public LocalSettings {
        extraEnvironment = Map.copyOf(extraEnvironment);
    }

    /** Real services: Elasticsearch, MySQL, and S3/SQS (AWS itself when the endpoints are absent). */
    public record ExternalEndpoints(
            URI elasticsearchUrl,
            String esUsername,
            String esPassword,
            String jdbcUrl,
            String dbUsername,
            String dbPassword,
            Optional<URI> s3Endpoint,
            Optional<URI> sqsEndpoint,
            String queueUrl,
            String region) {}

    public static LocalSettings defaults(LocalDate firstStartDate) {
        return new LocalSettings(
                Optional.empty(),
                Path.of("local-data", "s3"),
                "message-export",
                "exports",
                firstStartDate,
                Period.ofDays(1),
                Duration.ofHours(1),
                4,
                1,
                Duration.ofSeconds(30),
                5,
                Map.of());
    }

    public LocalSettings withWindow(LocalDate first, Period window) {
        return new LocalSettings(
                external,
                s3Directory,
                bucket,
                keyPrefix,
                first,
                window,
                safetyLag,
                workerConcurrency,
                workerBatchSize,
                visibilityTimeout,
                maxReceiveCount,
                extraEnvironment);
    }

    public LocalSettings withS3Directory(Path dir) {
        return new LocalSettings(
                external,
                dir,
                bucket,
                keyPrefix,
                firstStartDate,
                window,
                safetyLag,
                workerConcurrency,
                workerBatchSize,
                visibilityTimeout,
                maxReceiveCount,
                extraEnvironment);
    }

    public LocalSettings withExternal(ExternalEndpoints endpoints, String bucketName) {
        return new LocalSettings(
                Optional.of(endpoints),
                s3Directory,
                bucketName,
                keyPrefix,
                firstStartDate,
                window,
                safetyLag,
                workerConcurrency,
                workerBatchSize,
                visibilityTimeout,
                maxReceiveCount,
                extraEnvironment);
    }

    public LocalSettings withWorkers(int concurrency, Duration visibility) {
        return new LocalSettings(
                external,
                s3Directory,
                bucket,
                keyPrefix,
                firstStartDate,
                window,
                safetyLag,
                concurrency,
                workerBatchSize,
                visibility,
                maxReceiveCount,
                extraEnvironment);
    }

    public LocalSettings withEnvironment(Map<String, String> env) {
        return new LocalSettings(
                external,
                s3Directory,
                bucket,
                keyPrefix,
                firstStartDate,
                window,
                safetyLag,
                workerConcurrency,
                workerBatchSize,
                visibilityTimeout,
                maxReceiveCount,
                env);
    }
}
