package org.messageexport.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;

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

    /**
     * Benchmarks and local-only tooling: the bench and local-runner modules, local-kit (sample data, the in-process
     * Lambda context, the embedded services' environment, SQS events), embedded-services, test support.
     */
    static final List<String> LOCAL_ONLY_PACKAGES = List.of(
            "org/messageexport/bench/",
            "org/messageexport/local/",
            "org/messageexport/localkit/",
            "org/messageexport/sample/",
            "org/messageexport/embedded/",
            "org/messageexport/testing/");

    /** The same by class name, wherever such a class would be put: in the product's packages, too. */
    static final Pattern LOCAL_ONLY_CLASS = Pattern.compile(
            ".*/(\\w*Bench\\w*|\\w*Sample\\w*|Local\\w*|HandlerProbe|SqsEvents|JarSmokeMain)(\\$.*)?\\.class");

    private LambdaArtifacts() {}

    /**
     * Lists the jar's entries: none is a benchmark, sample-data or local-only class; {@code productClass} (a
     * class the artifact must hold) shows the listing is the artifact's.
     */
    public static void assertNoLocalTooling(Path jar, String productClass) throws Exception {
        assertThat(jar).as("the shaded artifact (built in the package phase)").exists();
        List<String> classes;
        try (JarFile file = new JarFile(jar.toFile())) {
            classes = file.stream()
                    .map(JarEntry::getName)
                    .filter(n -> n.startsWith("org/messageexport/") && n.endsWith(".class"))
                    .toList();
        }
        assertThat(classes).contains(productClass.replace('.', '/') + ".class");
        for (String prefix : LOCAL_ONLY_PACKAGES) {
            assertThat(classes).as("classes under %s", prefix).noneMatch(n -> n.startsWith(prefix));
        }
        assertThat(classes)
                .as("benchmark, sample-data or local-only classes")
                .noneMatch(n -> LOCAL_ONLY_CLASS.matcher(n).matches());
    }

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
