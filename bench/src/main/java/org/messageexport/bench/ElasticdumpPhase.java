package org.messageexport.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.messageexport.config.EnvNames;
import org.messageexport.local.LocalDeployment;
import org.messageexport.localkit.SampleDataSeeder;

/**
 * Phase "elasticdump": the peer. elasticdump (the pinned npm package in {@value #NODE_DIR}, installed by the bench
 * module's build with {@code npm ci}) dumps the same messages index to a local file with its fastest settings
 * ({@code --searchAfter --pit}, {@code --limit} documents per request), timed from its start to its exit: its raw
 * dump rate, with no side documents joined and nothing tracked.
 */
final class ElasticdumpPhase {
    /** The bench's Node package, relative to the repository. */
    static final String NODE_DIR = "bench/src/main/node";

    private static final String BIN = "node_modules/elasticdump/bin/elasticdump";

    private ElasticdumpPhase() {}

    /** The documents per second elasticdump dumped, or NaN when it is not installed. */
    static double run(LocalDeployment deployment, Path repoDir, int limit, PrintStream out)
            throws IOException, InterruptedException {
        Path dir = repoDir.resolve(NODE_DIR).toAbsolutePath();
        if (!Files.isRegularFile(dir.resolve(BIN))) {
            out.printf(
                    Locale.ROOT,
                    "  elasticdump: not installed in %s (the bench module's build runs npm ci there)%n",
                    dir);
            return Double.NaN;
        }
        String index = deployment.environment().getOrDefault(EnvNames.MESSAGES_INDEX, SampleDataSeeder.MESSAGES);
        String input = stripSlash(deployment.environment().get(EnvNames.ES_URL)) + "/" + index;
        Path dump = Files.createTempFile("bench-elasticdump", ".ndjson");
        Path log = Files.createTempFile("bench-elasticdump", ".log");
        try {
            List<String> command = List.of(
                    "node",
                    dir.resolve(BIN).toString(),
                    "--input=" + input,
                    "--output=" + dump,
                    "--overwrite",
                    "--type=data",
                    "--limit=" + limit,
                    "--searchAfter=true",
                    "--pit=true",
                    "--quiet");
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!p.waitFor(30, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("elasticdump did not finish within 30 minutes");
            }
            long nanos = System.nanoTime() - t0;
            if (p.exitValue() != 0) {
                throw new IllegalStateException("elasticdump exited with " + p.exitValue() + ": "
                        + String.join(" | ", Files.readAllLines(log)).strip());
            }
            long docs = lines(dump);
            double rate = BenchStats.rate(docs, nanos);
            out.printf(
                    Locale.ROOT,
                    "  elasticdump 6.125.1 (--searchAfter --pit --limit=%d): %,d documents (%,.1f MB) in %.1f s ="
                            + " %,.0f docs/s (messages only: no side documents, nothing tracked)%n",
                    limit,
                    docs,
                    Files.size(dump) / (1024.0 * 1024.0),
                    nanos / 1e9,
                    rate);
            return rate;
        } finally {
            Files.deleteIfExists(dump);
            Files.deleteIfExists(log);
        }
    }

    private static long lines(Path file) throws IOException {
        long n = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            while (r.readLine() != null) {
                n++;
            }
        }
        return n;
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
