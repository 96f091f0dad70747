package org.messageexport.embedded;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.http.HttpServerTransport;
import org.elasticsearch.node.EmbeddedNode;
import org.elasticsearch.node.Node;
import org.elasticsearch.transport.netty4.Netty4Plugin;

/** A single-node Elasticsearch 8.19 inside this JVM, HTTP on 127.0.0.1 and a free port. */
final class EmbeddedElasticsearch implements Closeable {
    private static boolean loggingConfigured;
    /** Held: java.util.logging keeps only weak references to loggers, and a collected one forgets its level. */
    private static final java.util.logging.Logger LUCENE_JUL = java.util.logging.Logger.getLogger("org.apache.lucene");

    private final Node node;
    private final int httpPort;

    EmbeddedElasticsearch(Path home) throws IOException {
        Files.createDirectories(home);
        Settings settings = Settings.builder()
                .put("cluster.name", "message-export-embedded")
                .put("node.name", "embedded-1")
                .put("path.home", home.toString())
                .put("path.data", home.resolve("data").toString())
                .put("discovery.type", "single-node")
                .put("network.host", "127.0.0.1")
                .put("http.port", "0")
                .put("transport.port", "0")
                .put("http.type", "netty4")
                .put("transport.type", "netty4")
                // client and server share one heap: the real-memory breaker would trip on the client's garbage
                .put("indices.breaker.total.use_real_memory", false)
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                .put("action.destructive_requires_name", false)
                .build();
        configureLogging();
        node = new EmbeddedNode(settings, List.of(Netty4Plugin.class, RootInfoPlugin.class));
        try {
            node.start();
        } catch (Exception e) {
            node.close();
            throw new IOException("Elasticsearch node did not start: " + e.getMessage(), e);
        }
        httpPort = node.injector()
                .getInstance(HttpServerTransport.class)
                .boundAddress()
                .publishAddress()
                .getPort();
    }

    /**
     * ES's logging setup is JVM-global. It must run after log4j2 read the project's file (see
     * {@link EmbeddedServices}), else log4j2 stays on ES's default configuration and everything is silent.
     */
    static synchronized void configureLogging() {
        if (!loggingConfigured) {
            // Lucene logs through java.util.logging (vector API and mmap notices on every start)
            LUCENE_JUL.setLevel(java.util.logging.Level.SEVERE);
            LogConfigurator.configureESLogging();
            LogConfigurator.configureWithoutConfig(Settings.EMPTY);
            loggingConfigured = true;
        }
    }

    int httpPort() {
        return httpPort;
    }

    @Override
    public void close() throws IOException {
        node.close();
        try {
            node.awaitClose(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
