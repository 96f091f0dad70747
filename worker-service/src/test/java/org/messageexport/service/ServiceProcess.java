package org.messageexport.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code java -jar worker-service.jar <command>} in a JVM of its own, as systemd starts it: its environment, its output
 * in a file, its health endpoint on a free port that it reports in its log; SIGKILL and SIGTERM as systemd (or a crash)
 * would send them.
 */
final class ServiceProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static final Pattern HEALTH = Pattern.compile("health on http://127\\.0\\.0\\.1:(\\d+)/health/ready");

    final String name;
    final Path output;
    private final Process process;
    private volatile int healthPort;

    private ServiceProcess(String name, Process process, Path output) {
        this.name = name;
        this.process = process;
        this.output = output;
    }

    /** The shaded jar the build wrote (failsafe's {@code workerService.dist}). */
    static Path jar() {
        Path jar = Path.of(System.getProperty("workerService.dist", "target/dist"), "worker-service.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the ITs through Maven (package comes first)");
        }
        return jar;
    }

    static ServiceProcess start(String name, List<String> args, Map<String, String> env, Path logDir)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:+ExitOnOutOfMemoryError",
                "-jar",
                jar().toString()));
        command.addAll(args);
        Files.createDirectories(logDir);
        Path output = logDir.resolve(name + ".log");
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        Map<String, String> environment = new HashMap<>(env);
        // port 0: the system picks a free one, and the service logs it
        environment.put(org.messageexport.config.EnvNames.HEALTH_ADDRESS, "127.0.0.1:0");
        pb.environment().putAll(environment);
        return new ServiceProcess(name, pb.start(), output);
    }

    /** The readiness answer's body, once the service has logged where it serves it and while it answers. */
    Optional<JsonNode> health() {
        if (healthPort == 0) {
            Matcher m = HEALTH.matcher(outputText());
            if (!m.find()) {
                return Optional.empty();
            }
            healthPort = Integer.parseInt(m.group(1));
        }
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/health/ready"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return Optional.of(JSON.readTree(r.body()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    boolean ready() {
        return health().map(h -> "UP".equals(h.path("status").asText())).orElse(false);
    }

    int inFlightBatches() {
        return health().map(h -> h.path("inFlightBatches").asInt()).orElse(0);
    }

    boolean alive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL: no drain, no hook; what a crash or the OOM killer does. */
    int kill() throws InterruptedException {
        process.destroyForcibly();
        return process.waitFor();
    }

    /** SIGTERM (what {@code systemctl stop} sends), then the exit code once the process has drained and exited. */
    int terminate(Duration patience) throws InterruptedException {
        process.destroy();
        return waitFor(patience);
    }

    int waitFor(Duration patience) throws InterruptedException {
        if (!process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(name + " did not exit within " + patience + "; see " + output);
        }
        return process.exitValue();
    }

    String outputText() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
