package org.messageexport.bench;

import java.util.HashMap;
import java.util.Map;
import org.messageexport.config.EnvNames;
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.localkit.LocalEndpoints;

/**
 * {@link WorkerBenchmark} on freshly started embedded services:
 * {@code mvn -B -o -pl bench -am verify -Pbench -DskipTests} (set EMBEDDED_MYSQL_URL to use a running MariaDB).
 * System properties {@code bench.runs}, {@code bench.batchSize} and {@code bench.putConcurrency} change the defaults.
 */
public final class WorkerBenchmarkMain {
    private WorkerBenchmarkMain() {}

    public static void main(String[] args) throws Exception {
        int status = 0;
        try (EmbeddedServices services = EmbeddedServices.start()) {
            Map<String, String> env = new HashMap<>(LocalEndpoints.of(services).environment("bench", null));
            // S3Proxy refuses SSE headers (501)
            env.put(EnvNames.S3_SSE, "none");
            env.put(EnvNames.PUT_CONCURRENCY, System.getProperty("bench.putConcurrency", "32"));
            env.put("LOG_LEVEL", "warn");
            WorkerBenchmark.Options defaults = WorkerBenchmark.Options.defaults();
            WorkerBenchmark.Options options = new WorkerBenchmark.Options(
                    Integer.getInteger("bench.batchSize", defaults.batchSize()),
                    Integer.getInteger("bench.runs", defaults.runs()),
                    defaults.warmupRuns());
            WorkerBenchmark.Result result = WorkerBenchmark.run(env, options);
            System.out.println(result.describe());
        } catch (Exception e) {
            e.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }
}
