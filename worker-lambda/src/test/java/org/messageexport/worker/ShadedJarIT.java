package org.messageexport.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.messageexport.adapter.sqs.BatchMessageCodec;
import org.messageexport.config.EnvNames;
import org.messageexport.config.SearchEngine;
import org.messageexport.domain.MessageBatch;
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.embedded.EmbeddedServicesExtension;
import org.messageexport.localkit.LocalEndpoints;
import org.messageexport.localkit.LocalLambdaContext;
import org.messageexport.testing.LambdaArtifacts;
import org.messageexport.testing.TestServices;
import software.amazon.awssdk.services.s3.S3Client;

/** The deployable artifact: small enough, free of server code, and able to export a batch on its own. */
@ExtendWith(EmbeddedServicesExtension.class)
class ShadedJarIT {
    private static final Path JAR = Path.of("target/worker-lambda.jar");
    private static final long MAX_BYTES = 30L * 1024 * 1024;

    @Test
    void jar_isUnder30MB_andHoldsNoEmbeddedServiceOrElasticsearchServerClasses() throws Exception {
        assertThat(JAR).exists();
        long size = Files.size(JAR);
        System.out.printf("worker-lambda.jar: %.1f MB%n", size / 1024.0 / 1024.0);
        assertThat(size).isLessThanOrEqualTo(MAX_BYTES);
        List<String> forbidden = new ArrayList<>();
        try (ZipFile zip = new ZipFile(JAR.toFile())) {
            zip.stream()
                    .map(ZipEntry::getName)
                    .filter(n -> n.endsWith(".class"))
                    .forEach(n -> {
                        boolean esServer =
                                n.startsWith("org/elasticsearch/") && !n.startsWith("org/elasticsearch/client/");
                        boolean openSearchServer =
                                n.startsWith("org/opensearch/") && !n.startsWith("org/opensearch/client/");
                        if (esServer
                                || openSearchServer
                                || n.startsWith("org/apache/lucene/")
                                || n.startsWith("org/messageexport/embedded/")
                                || n.startsWith("org/gaul/")
                                || n.startsWith("org/elasticmq/")
                                || n.startsWith("ch/vorburger/")
                                || n.startsWith("org/junit/")
                                || n.startsWith("io/netty/")
                                || n.startsWith("scala/")) {
                            forbidden.add(n);
                        }
                    });
            assertThat(zip.getEntry("org/messageexport/worker/ExportBatchHandler.class"))
                    .isNotNull();
            assertThat(zip.getEntry("log4j2.xml")).isNotNull();
        }
        assertThat(forbidden).isEmpty();
    }

    @Test
    void jar_holdsNoBenchmarkSampleDataOrLocalOnlyClasses() throws Exception {
        LambdaArtifacts.assertNoLocalTooling(JAR, ExportBatchHandler.class.getName());
    }

    @ParameterizedTest
    @EnumSource(SearchEngine.class)
    void handlerFromTheJar_exportsABatch_inAJvmOfItsOwn_withJsonLogLines(SearchEngine engine, EmbeddedServices services)
            throws Exception {
        DataSource ds = TestServices.dataSource(services);
        TestServices.truncate(ds);
        String bucket = "shaded-jar-it-" + engine.value();
        try (S3Client s3 = services.s3Client()) {
            s3.createBucket(b -> b.bucket(bucket));
            LocalEndpoints endpoints = LocalEndpoints.of(services, engine);
            ExportFixture fixture = new ExportFixture(endpoints.elasticsearch(), "jar", 7);
            fixture.createIndices();
            List<String> ids = IntStream.range(0, 20).mapToObj(i -> "jar-" + i).toList();
            fixture.seed(ids, 3, 100);
            MessageBatch batch = ExportFixture.track(ds, ids);

            Map<String, String> env = new HashMap<>(endpoints.environment(bucket, null));
            env.put(EnvNames.MESSAGES_INDEX, fixture.messagesIndex());
            env.put(EnvNames.SIDE_COLLECTIONS, fixture.sideCollectionsSpec());
            env.put(EnvNames.S3_SSE, "none");
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            // the jar, JarSmokeMain, and local-kit (the in-process Lambda context and SQS event it uses)
            String classpath = JAR.toAbsolutePath()
                    + File.pathSeparator
                    + Path.of("target/test-classes").toAbsolutePath()
                    + File.pathSeparator
                    + Path.of(LocalLambdaContext.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI());
            ProcessBuilder pb = new ProcessBuilder(
                            java,
                            "-Xmx256m",
                            "-cp",
                            classpath,
                            JarSmokeMain.class.getName(),
                            BatchMessageCodec.encode(batch))
                    .redirectErrorStream(true);
            pb.environment().clear();
            pb.environment().putAll(env);
            Process p = pb.start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
            System.out.println(output.lines()
                    .filter(l -> l.startsWith("INIT_MS") || l.startsWith("FIRST_BATCH_MS"))
                    .toList());
            assertThat(p.exitValue()).as(output).isZero();
            assertThat(output).contains("FAILURES=0");

            // the log lines are JSON objects carrying the batch's MDC; the metrics line is EMF
            List<JsonNode> json = new ArrayList<>();
            for (String line : output.lines().filter(l -> l.startsWith("{")).toList()) {
                json.add(ExportFixture.JSON.readTree(line));
            }
            assertThat(json).anySatisfy(l -> {
                assertThat(l.path("message").asText()).startsWith("batch " + batch.batchId() + " settled");
                assertThat(l.path("contextMap").path("jobId").asText()).isEqualTo(Long.toString(batch.jobId()));
                assertThat(l.path("contextMap").path("exported").asText()).isEqualTo("20");
            });
            assertThat(json)
                    .anySatisfy(
                            l -> assertThat(l.path("MessagesExported").asInt()).isEqualTo(20));
            try (Connection c = ds.getConnection();
                    Statement st = c.createStatement();
                    ResultSet rs =
                            st.executeQuery("SELECT COUNT(*) FROM message_tracking WHERE status = 'completed'")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(20);
            }
            assertThat(s3.listObjectsV2(l -> l.bucket(bucket)).keyCount()).isEqualTo(20);
        }
    }
}
