package org.messageexport.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/** Checks on a shaded Lambda artifact: what it must hold, what it must never hold, and that its handlers load from it alone. */
public final class LambdaArtifacts {
    /** Local stand-ins and the Elasticsearch server (AGPL/SSPL/ELv2): test-only, never deployed. */
    static final List<String> FORBIDDEN = List.of(
            "org/elasticsearch/node/",
            "org/elasticsearch/index/",
            "org/elasticsearch/action/",
            "org/apache/lucene/",
            "org/elasticmq/",
            "org/gaul/",
            "ch/vorburger/",
            "org/messageexport/embedded/",
            "org/junit/",
            "org/messageexport/testing/");

    private LambdaArtifacts() {}

    public static void assertDeployable(Path jar, String... handlerClasses) throws Exception {
        assertThat(jar).as("the shaded artifact (built in the package phase)").exists();
        try (JarFile file = new JarFile(jar.toFile())) {
            List<String> names = file.stream().map(JarEntry::getName).toList();
            for (String prefix : FORBIDDEN) {
                assertThat(names).as("entries under %s", prefix).noneMatch(n -> n.startsWith(prefix));
            }
            assertThat(names).contains("log4j2.xml", "db/migration/V1__seed_schema.sql");
        }
        // the handler and everything its construction links must come from the jar alone (no test classpath)
        try (URLClassLoader isolated =
                new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            for (String handler : handlerClasses) {
                Class<?> c = Class.forName(handler, true, isolated);
                assertThat(c.getClassLoader()).isSameAs(isolated);
                assertThat(c.getConstructor()).isNotNull();
            }
        }
        System.out.printf("%s: %.1f MB%n", jar.getFileName(), Files.size(jar) / 1_048_576.0);
    }
}
