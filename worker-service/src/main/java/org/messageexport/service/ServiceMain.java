package org.messageexport.service;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.messageexport.adapter.mysql.MySqlDatabase;
import org.messageexport.adapter.secrets.SecretsManagerLookup;
import org.messageexport.config.ConfigException;
import org.messageexport.config.DatabaseConfig;
import org.messageexport.config.Env;
import org.messageexport.extractor.ExtractorConfig;
import org.messageexport.extractor.ExtractorRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar worker-service.jar [worker | schedule [--max-windows N] | migrate]}: the server's commands, each
 * configured by the environment (the variables of {@code EnvNames}, as the Lambda functions get them; on a server from
 * the systemd unit's {@code EnvironmentFile}). Exit codes: 0 done (the worker: stopped by SIGTERM after its drain, which
 * the JVM reports as 143), 1 failed, 2 bad configuration or usage (one line naming the problem; systemd does not
 * restart on it).
 */
public final class ServiceMain {
    static final String NAME = "worker-service";
    static final String USAGE = "usage: " + NAME + " [worker | schedule [--max-windows N] | migrate]";
    /** The state machine's own timeout in AWS (stateMachineTimeoutMinutes' default). */
    static final Duration EXECUTION_TIMEOUT = Duration.ofHours(24);

    static final int MAX_WINDOWS = 31;

    private ServiceMain() {}

    public static void main(String[] args) {
        // the drain logs after log4j's own shutdown hook would have stopped it: this process stops logging itself
        System.setProperty("log4j2.shutdownHookEnabled", "false");
        System.exit(run(List.of(args), System.getenv(), System.err));
    }

    static int run(List<String> args, Map<String, String> env, PrintStream err) {
        String command = args.isEmpty() ? "worker" : args.getFirst();
        List<String> options = args.isEmpty() ? List.of() : args.subList(1, args.size());
        try {
            return switch (command) {
                case "worker" -> noOptions(options, err) ? worker(env) : 2;
                case "schedule" -> schedule(options, env, err);
                case "migrate" -> noOptions(options, err) ? migrate(env) : 2;
                case "help", "--help", "-h" -> {
                    System.out.println(USAGE);
                    yield 0;
                }
                default -> {
                    err.println(NAME + ": unknown command '" + command + "'; " + USAGE);
                    yield 2;
                }
            };
        } catch (ConfigException e) {
            err.println(NAME + ": " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            log().error("{} failed", command, e);
            err.println(NAME + ": " + command + " failed: " + oneLine(e));
            return 1;
        }
    }

    /** Polls until SIGTERM (or SIGINT), then drains; the JVM exits when the drain is done. */
    private static int worker(Map<String, String> env) {
        WorkerServiceConfig config = WorkerServiceConfig.fromEnv(env);
        long t0 = System.nanoTime();
        AtomicReference<WorkerService> started = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        // registered first: a SIGTERM from the moment the pollers run drains them
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                WorkerService s = started.get();
                                if (s != null) {
                                    s.stop();
                                }
                            } finally {
                                stopped.countDown();
                            }
                        },
                        "drain"));
        WorkerService service = WorkerService.start(config);
        started.set(service);
        log().info(
                        "worker service ready in {} ms; health on {}/health/ready",
                        (System.nanoTime() - t0) / 1_000_000,
                        service.healthUri());
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static int schedule(List<String> options, Map<String, String> env, PrintStream err) {
        int maxWindows = MAX_WINDOWS;
        if (!options.isEmpty()) {
            if (options.size() != 2 || !options.getFirst().equals("--max-windows") || !isPositive(options.get(1))) {
                err.println(NAME + ": schedule takes only --max-windows N (N >= 1); " + USAGE);
                return 2;
            }
            maxWindows = Integer.parseInt(options.get(1));
        }
        ExtractorConfig config = ExtractorConfig.fromEnv(env, secrets(env));
        try (ExtractorRuntime runtime = new ExtractorRuntime(config, Clock.systemUTC());
                TaskFunctions functions =
                        TaskFunctions.start(runtime, TaskFunctions.TaskTimer.NONE, EXECUTION_TIMEOUT)) {
            List<ScheduledExport.Run> runs = new ScheduledExport(functions, Clock.systemUTC()).run(maxWindows);
            ScheduledExport.Run last = runs.getLast();
            if (!last.ok()) {
                err.println(NAME + ": execution " + last.executionName() + " ended " + last.verdict() + ": "
                        + last.reason());
                return 1;
            }
            return 0;
        }
    }

    private static int migrate(Map<String, String> env) {
        DatabaseConfig db = DatabaseConfig.from(new Env(env), secrets(env));
        int applied = MySqlDatabase.migrate(db, "migrate");
        log().info("database {}: {} migrations applied", db.url(), applied);
        return 0;
    }

    private static SecretsManagerLookup secrets(Map<String, String> env) {
        return new SecretsManagerLookup(new Env(env).string("AWS_REGION", "us-east-1"));
    }

    private static boolean noOptions(List<String> options, PrintStream err) {
        if (options.isEmpty()) {
            return true;
        }
        err.println(NAME + ": unexpected " + options + "; " + USAGE);
        return false;
    }

    private static boolean isPositive(String s) {
        return s.matches("[1-9][0-9]{0,5}");
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** Not a static field: the logging system must not start before {@link #main} has configured it. */
    private static Logger log() {
        return LoggerFactory.getLogger(ServiceMain.class);
    }
}
