package org.messageexport.opensearchnode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.opensearch.Version;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.http.HttpServerTransport;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.plugins.PluginInfo;
import org.opensearch.transport.Netty4ModulePlugin;

/**
 * A single-node OpenSearch on 127.0.0.1 and a free HTTP port, as a program: {@code OpenSearchNodeMain <home>}. Prints
 * {@value #READY_PREFIX}{@code <port>} on stdout once the node answers, and stops (deleting nothing: the parent owns
 * {@code home}) when its stdin reaches end of file, i.e. when the parent closes it or dies.
 */
public final class OpenSearchNodeMain {
    public static final String READY_PREFIX = "OPENSEARCH_HTTP_PORT=";

    private OpenSearchNodeMain() {}

    /** Node's constructor that takes classpath plugins: no test framework, no plugin directory. */
    static final class ClasspathNode extends Node {
        ClasspathNode(Settings settings, Collection<Class<? extends Plugin>> plugins) {
            super(
                    InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), null, () -> "embedded"),
                    plugins.stream().map(ClasspathNode::info).toList(),
                    true);
        }

        private static PluginInfo info(Class<? extends Plugin> c) {
            return new PluginInfo(
                    c.getName(), "classpath plugin", "NA", Version.CURRENT, "21", c.getName(), null, List.of(), false);
        }

        /** One node per JVM here; skipping the static log hook-up as the test framework's MockNode does. */
        @Override
        protected void configureNodeAndClusterIdStateListener(ClusterService clusterService) {}
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: OpenSearchNodeMain <home directory>");
            System.exit(2);
        }
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "classpath:log4j2-opensearch-node.properties");
        }
        // log4j2 reads our file first; LogConfigurator would otherwise install its own (root at ERROR, nothing shown)
        org.apache.logging.log4j.LogManager.getLogger(OpenSearchNodeMain.class);
        LogConfigurator.registerErrorListener();
        LogConfigurator.configureWithoutConfig(Settings.EMPTY);

        Path home = Path.of(args[0]);
        Files.createDirectories(home);
        Settings settings = Settings.builder()
                .put("cluster.name", "message-export-embedded")
                .put("node.name", "embedded-opensearch-1")
                .put("path.home", home.toString())
                .put("path.data", home.resolve("data").toString())
                .put("discovery.type", "single-node")
                .put("network.host", "127.0.0.1")
                .put("http.port", "0")
                .put("transport.port", "0")
                .put("http.type", "netty4")
                .put("transport.type", "netty4")
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                .put("action.destructive_requires_name", false)
                .put("indices.breaker.total.use_real_memory", false)
                .build();
        Node node = new ClasspathNode(settings, List.of(Netty4ModulePlugin.class));
        try {
            node.start();
            int port = node.injector()
                    .getInstance(HttpServerTransport.class)
                    .boundAddress()
                    .publishAddress()
                    .getPort();
            System.out.println(READY_PREFIX + port);
            System.out.flush();
            awaitEndOfInput(System.in);
        } finally {
            node.close();
            node.awaitClose(30, TimeUnit.SECONDS);
        }
        System.exit(0);
    }

    private static void awaitEndOfInput(InputStream in) {
        try {
            while (in.read() >= 0) {
                // the parent writes nothing; end of file means: stop
            }
        } catch (IOException e) {
            // a broken pipe means the parent is gone: stop as well
        }
    }
}
