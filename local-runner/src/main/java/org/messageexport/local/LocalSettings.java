package org.messageexport.local;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.Period;
import java.util.Map;
import java.util.Optional;
import org.messageexport.config.SearchEngine;
import org.messageexport.domain.ObjectKeyScheme;

/**
 * How a local deployment is put together: embedded services (the default) or real endpoints, where
 * exported files land, the job's window settings, and the worker's event source mapping.
 *
 * @param external real endpoints instead of the embedded services (empty: embedded)
 * @param elasticsearch a real Elasticsearch with the other services embedded (only without {@code external})
 * @param extraEnvironment further function environment variables (EnvNames), e.g. MAX_DOCUMENT_BYTES
 * @param searchEngine the engine that holds the messages: the embedded node that is used, or the external cluster's
 */
public record LocalSettings(
        Optional<ExternalEndpoints> external,
        Optional<ExternalElasticsearch> elasticsearch,
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
        Map<String, String> extraEnvironment,
        SearchEngine searchEngine) {

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

    /** A real Elasticsearch for an otherwise embedded deployment. */
    public record ExternalElasticsearch(URI url, String username, String password) {}

    /** The defaults of a local run (embedded services, files under ./local-data/s3, daily windows from {@code firstStartDate}). */
    public static Builder builder(LocalDate firstStartDate) {
        return new Builder(firstStartDate);
    }

    /** Starts from the defaults; each setter changes one aspect. */
    public static final class Builder {
        private Optional<ExternalEndpoints> external = Optional.empty();
        private Optional<ExternalElasticsearch> elasticsearch = Optional.empty();
        private Path s3Directory = Path.of("local-data", "s3");
        private String bucket = "message-export";
        private LocalDate firstStartDate;
        private Period window = Period.ofDays(1);
        private int workerConcurrency = 4;
        private Duration visibilityTimeout = Duration.ofSeconds(30);
        private int maxReceiveCount = 5;
        private Map<String, String> extraEnvironment = Map.of();
        private SearchEngine searchEngine = SearchEngine.DEFAULT;

        private Builder(LocalDate firstStartDate) {
            this.firstStartDate = firstStartDate;
        }

        public Builder window(Period days) {
            this.window = days;
            return this;
        }

        public Builder s3Directory(Path dir) {
            this.s3Directory = dir;
            return this;
        }

        public Builder bucket(String name) {
            this.bucket = name;
            return this;
        }

        public Builder external(ExternalEndpoints endpoints) {
            this.external = Optional.of(endpoints);
            return this;
        }

        public Builder elasticsearch(ExternalElasticsearch cluster) {
            this.elasticsearch = Optional.of(cluster);
            return this;
        }

        public Builder workers(int concurrency, Duration visibility) {
            this.workerConcurrency = concurrency;
            this.visibilityTimeout = visibility;
            return this;
        }

        public Builder maxReceiveCount(int count) {
            this.maxReceiveCount = count;
            return this;
        }

        public Builder environment(Map<String, String> env) {
            this.extraEnvironment = env;
            return this;
        }

        /** Elasticsearch (default) or OpenSearch: the embedded node to start, or what the external cluster runs. */
        public Builder searchEngine(SearchEngine engine) {
            this.searchEngine = engine;
            return this;
        }

        public LocalSettings build() {
            return new LocalSettings(
                    external,
                    external.isPresent() ? Optional.empty() : elasticsearch,
                    s3Directory,
                    bucket,
                    ObjectKeyScheme.DEFAULT_PREFIX,
                    firstStartDate,
                    window,
                    Duration.ofHours(1),
                    workerConcurrency,
                    1,
                    visibilityTimeout,
                    maxReceiveCount,
                    extraEnvironment,
                    searchEngine);
        }
    }
}
