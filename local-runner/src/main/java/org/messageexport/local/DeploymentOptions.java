package org.messageexport.local;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.messageexport.config.ConfigException;
import org.messageexport.config.EnvNames;
import org.messageexport.config.SearchEngine;
import org.messageexport.config.SettingFormat;
import org.messageexport.local.LocalSettings.ExternalEndpoints;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Where a local deployment's services are and how its functions are set (picocli mixin of {@code run} and
 * {@code serve}): all embedded (default); {@code --es-url} alone for a real Elasticsearch with the others embedded;
 * {@code --es-url} with {@code --jdbc-url --bucket --queue-url} for real services throughout. Function settings by
 * {@code --config FILE} and {@code --env NAME=VALUE}.
 */
public final class DeploymentOptions {
    @Option(
            names = "--data-dir",
            defaultValue = "local-data",
            description = "Where the embedded S3 keeps its files (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(
            names = "--workers",
            defaultValue = "4",
            description = "Concurrent worker invocations (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(
            names = "--put-concurrency",
            description = "Concurrent S3 PUTs per worker invocation (PUT_CONCURRENCY; default: the worker's, 32).")
    Integer putConcurrency;

    @Option(
            names = "--output-format",
            description = "object (one JSON object per message, the default) or ndjson-gz (one gzip'd NDJSON object"
                    + " per batch) (OUTPUT_FORMAT).")
    String outputFormat;

    @Option(
            names = "--key-hash-prefix",
            description = "Hex characters of the id's hash before the date in object keys, 0-8 (KEY_HASH_PREFIX;"
                    + " default 0: {prefix}/yyyy/MM/dd/{id}.json).")
    Integer keyHashPrefix;

    @Option(
            names = "--tracking-retention-days",
            description = "Days a completed window's tracking rows are kept, then their partitions are dropped"
                    + " (TRACKING_RETENTION_DAYS; default 0: forever).")
    Integer trackingRetentionDays;

    @Option(
            names = "--es-url",
            description = "Use this Elasticsearch instead of the embedded one. Alone: MySQL, SQS and S3 stay embedded"
                    + " (a real cluster's data exported into local files); with --jdbc-url, --bucket and --queue-url:"
                    + " real services throughout.")
    URI esUrl;

    @Option(
            names = "--engine",
            description = "elasticsearch (default) or opensearch: the embedded node to run the export on, or what"
                    + " --es-url runs (SEARCH_ENGINE).",
            converter = EngineConverter.class)
    SearchEngine engine = SearchEngine.DEFAULT;

    /** The one parser of the setting, so the command line accepts what the functions accept. */
    static final class EngineConverter implements CommandLine.ITypeConverter<SearchEngine> {
        @Override
        public SearchEngine convert(String value) {
            return SearchEngine.parse("--engine", value);
        }
    }

    @Option(names = "--es-user")
    String esUser;

    @Option(names = "--es-password")
    String esPassword;

    @Option(names = "--jdbc-url", description = "MySQL, e.g. jdbc:mysql://db:3306/message_export")
    String jdbcUrl;

    @Option(names = "--db-user", defaultValue = "root")
    String dbUser;

    @Option(names = "--db-password")
    String dbPassword;

    @Option(names = "--s3-endpoint", description = "S3-compatible endpoint; omit for AWS S3.")
    URI s3Endpoint;

    @Option(names = "--sqs-endpoint", description = "SQS-compatible endpoint; omit for AWS SQS.")
    URI sqsEndpoint;

    @Option(names = "--bucket", description = "Bucket to export to (required with real endpoints).")
    String bucket;

    @Option(names = "--queue-url", description = "Work queue (required with real endpoints).")
    String queueUrl;

    @Option(names = "--region", defaultValue = "us-east-1")
    String region;

    @Option(
            names = "--s3-sse",
            description = "Server-side encryption of the exported objects (S3_SSE: AES256, aws:kms, none); 'none' for"
                    + " S3-compatible stores that refuse SSE headers.")
    String s3Sse;

    @Option(
            names = "--env",
            paramLabel = "NAME=VALUE",
            description =
                    "A function setting (an EnvNames name: MESSAGES_INDEX, SIDE_COLLECTIONS, MESSAGE_ID_FIELD,"
                            + " KEY_PREFIX, FAILURE_BUDGET, …), checked as the functions check it; repeatable, wins over --config.")
    List<String> env = new ArrayList<>();

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Function settings from a properties file (NAME=VALUE per line, EnvNames names).")
    Path config;

    /**
     * The function settings of --config, --env, --s3-sse, --output-format, --put-concurrency, --key-hash-prefix and
     * --tracking-retention-days, validated (as the functions check them); one line on error.
     */
    Map<String, String> functionSettings(CommandLine cli) {
        try {
            Map<String, String> settings = new LinkedHashMap<>(FunctionSettings.parse(config, env));
            if (putConcurrency != null) {
                settings.put(EnvNames.PUT_CONCURRENCY, Integer.toString(putConcurrency));
            }
            if (s3Sse != null) {
                settings.put(EnvNames.S3_SSE, s3Sse);
            }
            if (keyHashPrefix != null) {
                settings.put(EnvNames.KEY_HASH_PREFIX, keyHashPrefix.toString());
            }
            if (trackingRetentionDays != null) {
                settings.put(EnvNames.TRACKING_RETENTION_DAYS, trackingRetentionDays.toString());
            }
            if (outputFormat != null) {
                settings.put(
                        EnvNames.OUTPUT_FORMAT,
                        SettingFormat.outputFormat("--output-format", outputFormat)
                                .setting());
            }
            FunctionSettings.validate(settings);
            return settings;
        } catch (IllegalArgumentException | ConfigException e) {
            throw new ParameterException(cli, e.getMessage());
        }
    }

    /** Checks the combination of endpoints (before anything starts). */
    void validate(CommandLine cli) {
        if (workers < 1 || (putConcurrency != null && putConcurrency < 1)) {
            throw new ParameterException(cli, "--workers and --put-concurrency must be >= 1");
        }
        boolean anyOther = jdbcUrl != null || s3Endpoint != null || sqsEndpoint != null || queueUrl != null;
        if (esUrl == null && anyOther) {
            throw new ParameterException(
                    cli, "real endpoints start with --es-url (then all of --jdbc-url, --bucket, --queue-url)");
        }
        if (esUrl != null && anyOther && (jdbcUrl == null || bucket == null || queueUrl == null)) {
            throw new ParameterException(
                    cli, "with real MySQL/SQS/S3 give all of --jdbc-url, --bucket and --queue-url (or only --es-url)");
        }
    }

    /** Real services throughout (else embedded, perhaps with a real Elasticsearch). */
    boolean allExternal() {
        return esUrl != null && jdbcUrl != null;
    }

    /** Applies the options to {@code settings}. */
    LocalSettings.Builder configure(LocalSettings.Builder settings, CommandLine cli) {
        settings.s3Directory(dataDir.resolve("s3"))
                .workers(workers, Duration.ofSeconds(30))
                .searchEngine(engine);
        settings.environment(functionSettings(cli));
        if (allExternal()) {
            settings.bucket(bucket)
                    .external(new ExternalEndpoints(
                            esUrl,
                            esUser,
                            esPassword,
                            jdbcUrl,
                            dbUser,
                            dbPassword,
                            Optional.ofNullable(s3Endpoint),
                            Optional.ofNullable(sqsEndpoint),
                            queueUrl,
                            region));
        } else if (esUrl != null) {
            if (bucket != null) {
                settings.bucket(bucket);
            }
            settings.elasticsearch(new LocalSettings.ExternalElasticsearch(esUrl, esUser, esPassword));
        }
        return settings;
    }
}
