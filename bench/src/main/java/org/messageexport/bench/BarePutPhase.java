package org.messageexport.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.messageexport.adapter.s3.S3ObjectStore;
import org.messageexport.adapter.s3.ServerSideEncryption;
import org.messageexport.config.AwsEndpointConfig;
import org.messageexport.config.Env;
import org.messageexport.config.EnvNames;
import org.messageexport.domain.Deadline;
import org.messageexport.local.LocalDeployment;
import org.messageexport.port.ObjectStore.JsonObject;
import org.messageexport.port.ObjectStore.PutFailure;

/**
 * Phase "bare PUT": the objects the pipeline just wrote, PUT again (other keys) to the same S3 by the worker's
 * {@link S3ObjectStore} with {@code --put-concurrency} threads, after a warm-up: the limit the pipeline is measured
 * against.
 */
final class BarePutPhase {
    private static final double MB = 1024.0 * 1024.0;

    private BarePutPhase() {}

    static double run(LocalDeployment deployment, int putConcurrency, PrintStream out) throws IOException {
        Path dir = deployment
                .bucketDirectory()
                .orElseThrow()
                .resolve(deployment.settings().keyPrefix());
        List<JsonObject> objects = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)
                    .filter(p ->
                            p.toString().endsWith(".json") && !dir.relativize(p).startsWith("manifests"))::iterator) {
                objects.add(new JsonObject(
                        "bench-bare-put/" + dir.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f)));
            }
        }
        Env e = new Env(deployment.environment());
        try (var s3 = S3ObjectStore.client(
                        AwsEndpointConfig.from(e, EnvNames.S3_ENDPOINT), S3ObjectStore.httpClient(putConcurrency));
                S3ObjectStore store = new S3ObjectStore(
                        s3, deployment.settings().bucket(), ServerSideEncryption.NONE, putConcurrency)) {
            Deadline deadline = Deadline.after(Duration.ofMinutes(30), Clock.systemUTC());
            // connections and code paths warm, as the pipeline's are by then
            store.putAllJson(
                    objects.subList(0, Math.min(objects.size(), 4 * putConcurrency)).stream()
                            .map(o -> new JsonObject("bench-bare-put-warmup/" + o.key(), o.json()))
                            .toList(),
                    deadline);
            long t0 = System.nanoTime();
            List<PutFailure> failures = store.putAllJson(objects, deadline);
            long nanos = System.nanoTime() - t0;
            long bytes = objects.stream().mapToLong(o -> o.json().length).sum();
            double rate = BenchStats.rate(objects.size() - failures.size(), nanos);
            out.printf(
                    Locale.ROOT,
                    "  bare PUT: %,d objects (%,.1f MB, %d failed) at concurrency %d in %.1f s = %,.0f PUT/s%n",
                    objects.size(),
                    bytes / MB,
                    failures.size(),
                    putConcurrency,
                    nanos / 1e9,
                    rate);
            return rate;
        }
    }
}
