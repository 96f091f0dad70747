package org.messageexport.local;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code serve}: a local deployment that stays up for the operator CLI ({@code ./message-export --local FILE …}):
 * services, functions, the worker's event source and a loopback Step Functions API; the endpoints file tells the CLI
 * where everything is. Stops on Ctrl-C (SIGINT/SIGTERM).
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Start a local deployment and keep it running for the operator CLI (./message-export --local FILE).",
            "Seeds sample data into an empty embedded index; prints and writes its endpoints; Ctrl-C stops it."
        })
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SampleDataOptions sample;

    @Mixin
    DeploymentOptions services;

    @Option(
            names = "--endpoints-file",
            description = "Where to write the endpoints (default: <data-dir>/endpoints.json).")
    Path endpointsFile;

    @Option(
            names = "--first-start-date",
            description =
                    "The first scheduled window's start when no job completed yet (default: the first sample day).")
    LocalDate firstStartDate;

    @Option(names = "--verbose", description = "Log what the functions do (stderr).")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        if (!sample.valid()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--messages and --days must be >= 1");
        }
        services.validate(spec.commandLine());
        LocalDate firstSampleDay = sample.firstDay(LocalDate.now(ZoneOffset.UTC));
        LocalSettings settings = services.configure(
                        LocalSettings.builder(firstStartDate != null ? firstStartDate : firstSampleDay)
                                .window(Period.ofDays(1)),
                        spec.commandLine())
                .build();
        Path file = endpointsFile != null ? endpointsFile : services.dataDir.resolve("endpoints.json");
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        // the JVM waits for its shutdown hooks only: this one holds it until the deployment closed (worker drained)
        Thread hook = new Thread(
                () -> {
                    stop.countDown();
                    try {
                        closed.await(60, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "serve-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try (ServedDeployment served =
                ServedDeployment.serve(LocalDeployment.start(settings, s -> out.println("· " + s)))) {
            if (services.esUrl == null) {
                RunCommand.seedIfEmpty(served.deployment(), sample, firstSampleDay, out);
            }
            served.writeEndpoints(file);
            out.println("· Step Functions API: " + served.stepFunctionsEndpoint());
            out.println("· state machine:      " + served.stateMachineArn());
            out.println("· endpoints file:     " + file.toAbsolutePath());
            out.println("· ready: ./message-export --local " + file + " status   (Ctrl-C stops)");
            stop.await();
        } finally {
            closed.countDown();
        }
        out.println("· stopped");
        return 0;
    }
}
