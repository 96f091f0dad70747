package org.messageexport.embedded;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.messageexport.opensearchnode.OpenSearchNodeMain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node OpenSearch 3.9 in a child JVM (its netty 4.2 and Lucene 10 cannot share this JVM's classpath with the
 * Elasticsearch 8.19 node), HTTP on 127.0.0.1 and a free port. The child's classpath is the one the build wrote into
 * the opensearch-node jar; the child stops when its stdin closes, so it does not outlive this JVM.
 */
final class EmbeddedOpenSearch implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedOpenSearch.class);
    private static final String CLASSPATH_RESOURCE = "classpath.txt";
    private static final long START_TIMEOUT_SECONDS = 120;

    private final Process process;
    private final int httpPort;

    EmbeddedOpenSearch(Path home) throws IOException {
        Files.createDirectories(home);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(
                "-Xms256m",
                "-Xmx512m",
                "-XX:+ExitOnOutOfMemoryError",
                "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED",
                "-da",
                "-Dembedded.log.level=" + System.getProperty("embedded.log.level", "warn")));
        if (Runtime.version().feature() >= 23) {
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.addAll(List.of("-cp", classpath(), OpenSearchNodeMain.class.getName(), home.toString()));
        process = new ProcessBuilder(command).redirectErrorStream(false).start();
        relay(process.getErrorStream(), "opensearch-stderr");
        try {
            httpPort = awaitPort(process.getInputStream());
        } catch (IOException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** The node's own class directory or jar, then its runtime classpath as the build resolved it. */
    private static String classpath() throws IOException {
        URL file = OpenSearchNodeMain.class.getResource(CLASSPATH_RESOURCE);
        URL self =
                OpenSearchNodeMain.class.getProtectionDomain().getCodeSource().getLocation();
        if (file == null) {
            throw new IOException("opensearch-node has no " + CLASSPATH_RESOURCE + " (build the module with Maven)");
        }
        try (InputStream in = file.openStream()) {
            String dependencies = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            return Path.of(self.toURI()) + java.io.File.pathSeparator + dependencies;
        } catch (URISyntaxException e) {
            throw new IOException("opensearch-node location " + self + ": " + e.getMessage(), e);
        }
    }

    private int awaitPort(InputStream stdout) throws IOException {
        CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
            BufferedReader reader = new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8));
            try {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.startsWith(OpenSearchNodeMain.READY_PREFIX)) {
                        int p = Integer.parseInt(line.substring(OpenSearchNodeMain.READY_PREFIX.length())
                                .trim());
                        relay(stdout, "opensearch-stdout");
                        return p;
                    }
                    log.info("opensearch: {}", line);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            throw new IllegalStateException("the OpenSearch child JVM exited before it was ready");
        });
        try {
            return port.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException(
                    "OpenSearch node did not start: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("OpenSearch node did not start within " + START_TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the OpenSearch node started", e);
        }
    }

    private static void relay(InputStream stream, String name) {
        Thread.ofPlatform().daemon().name(name).start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    log.info("opensearch: {}", line);
                }
            } catch (IOException e) {
                // the child is gone
            }
        });
    }

    int httpPort() {
        return httpPort;
    }

    /** Closes the child's stdin (it stops its node and exits); forcibly after 30 s. */
    @Override
    public void close() throws IOException {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
