package org.messageexport.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.messageexport.localkit.LocalLambdaContext;

/**
 * Runs {@link HandlerProbe} on a Lambda artifact in a fresh JVM with the flags of Lambda's java21 runtime at a
 * small size (serial GC, C1 only, 256 MB heap) and the functions' environment, and reads back its
 * {@code BENCH-PROBE key=value} lines. The class path is the shaded jar, the probe, and local-kit (the in-process
 * Lambda context and SQS event): never the project's other classes, so that a class missing from the artifact
 * fails the probe.
 */
final class ProbeJvm {
    static final String WORKER_JAR = "worker-lambda/target/worker-lambda.jar";
    static final String EXTRACTOR_JAR = "extractor-lambda/target/extractor-lambda.jar";

    /** A probe's figures, by key; absent keys read as NaN or nothing. */
    record Result(Map<String, String> values) {
        static final Result NONE = new Result(Map.of());

        Result {
            values = Map.copyOf(values);
        }

        boolean ran() {
            return !values.isEmpty();
        }

        String text(String key) {
            return values.get(key);
        }

        double number(String key) {
            String s = values.get(key);
            try {
                return s == null ? Double.NaN : Double.parseDouble(s);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }

        List<Double> numbers(String key) {
            String csv = values.get(key);
            if (csv == null || csv.isBlank()) {
                return List.of();
            }
            return Stream.of(csv.split(",")).map(Double::parseDouble).toList();
        }
    }

    private ProbeJvm() {}

    static Result run(Path jar, Map<String, String> env, String... args) throws Exception {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(
                javaBin.toString(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:+TieredCompilation",
                "-XX:TieredStopAtLevel=1",
                "-Xshare:auto",
                "-Dmessageexport.metrics=log",
                "-cp",
                String.join(
                        File.pathSeparator,
                        jar.toAbsolutePath().toString(),
                        codeSource(HandlerProbe.class),
                        codeSource(LocalLambdaContext.class)),
                HandlerProbe.class.getName()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile("bench-probe", ".log");
        try {
            ProcessBuilder pb =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            int exit = p.waitFor();
            Map<String, String> values = new LinkedHashMap<>();
            for (String line : Files.readAllLines(log)) {
                if (line.startsWith(HandlerProbe.PREFIX)) {
                    String kv = line.substring(HandlerProbe.PREFIX.length());
                    int eq = kv.indexOf('=');
                    values.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
            if (exit != 0 || !values.containsKey("heapMaxMb")) {
                List<String> lines = Files.readAllLines(log);
                throw new IllegalStateException("the " + args[0] + " probe JVM failed (exit " + exit + "): "
                        + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
            }
            return new Result(values);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static String codeSource(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
    }
}
