package org.messageexport.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.messageexport.config.SearchEngine;
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.embedded.EmbeddedServicesExtension;
import org.messageexport.localkit.LocalEndpoints;
import org.messageexport.localkit.SampleDataSeeder;
import org.messageexport.statemachine.ExecutionStatus;
import org.messageexport.testing.TestServices;

/**
 * The same data on Elasticsearch 8.19 and on OpenSearch 3.9, the same export window through the whole local
 * deployment: every exported object holds byte-equal documents (all but the trailing {@code "export"} metadata, whose
 * job id and time differ by run).
 */
@ExtendWith(EmbeddedServicesExtension.class)
class EngineParityIT {
    private static final byte[] EXPORT_METADATA = ",\"export\":{".getBytes(StandardCharsets.UTF_8);

    private final EmbeddedServices services;

    EngineParityIT(EmbeddedServices services) {
        this.services = services;
    }

    @Test
    void sameWindowOnBothEngines_exportsByteEqualDocuments() throws Exception {
        Map<SearchEngine, Map<String, byte[]>> exported = new TreeMap<>();
        for (SearchEngine engine : SearchEngine.values()) {
            // the sample LocalExportIT seeds too: seeding again writes the same documents
            new SampleDataSeeder(LocalEndpoints.of(services, engine).elasticsearch())
                    .seed(LocalExportIT.SAMPLE, n -> {});
            TestServices.truncate(TestServices.dataSource(services));
            LocalSettings settings = LocalSettings.builder(LocalExportIT.DAY1)
                    .s3Directory(services.s3Directory())
                    .bucket("parity-" + engine.value())
                    .searchEngine(engine)
                    .build();
            try (LocalDeployment d = LocalDeployment.start(settings, services, s -> {})) {
                LocalExport.Outcome outcome = new LocalExport(d)
                        .run(
                                LocalExport.input(
                                        Optional.of(LocalExportIT.DAY1),
                                        Optional.of(LocalExportIT.DAY1.plusDays(1)),
                                        false),
                                "parity-" + engine.value(),
                                null,
                                false);
                assertThat(outcome.result().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
                assertThat(outcome.verdict()).isEqualTo("COMPLETED");
                exported.put(engine, documents(d.bucketDirectory().orElseThrow().resolve("exports")));
            }
        }

        Map<String, byte[]> fromElasticsearch = exported.get(SearchEngine.ELASTICSEARCH);
        Map<String, byte[]> fromOpenSearch = exported.get(SearchEngine.OPENSEARCH);
        assertThat(fromElasticsearch).hasSizeGreaterThan(3_000);
        assertThat(fromOpenSearch.keySet()).isEqualTo(fromElasticsearch.keySet());
        fromElasticsearch.forEach((key, bytes) ->
                assertThat(fromOpenSearch.get(key)).as("documents of %s", key).isEqualTo(bytes));
    }

    /** By object key: the object's bytes up to its export metadata (the message and its side documents). */
    private static Map<String, byte[]> documents(Path root) throws Exception {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile)
                    .filter(p -> !p.toString().contains("/manifests/"))
                    .toList()) {
                byte[] bytes = Files.readAllBytes(f);
                int end = indexOf(bytes, EXPORT_METADATA);
                assertThat(end).as("export metadata in %s", f).isPositive();
                out.put(root.relativize(f).toString(), Arrays.copyOf(bytes, end));
            }
        }
        return out;
    }

    private static int indexOf(byte[] bytes, byte[] part) {
        outer:
        for (int i = bytes.length - part.length; i >= 0; i--) {
            for (int j = 0; j < part.length; j++) {
                if (bytes[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
