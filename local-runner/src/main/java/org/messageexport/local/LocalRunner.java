package org.messageexport.local;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code local-runner}: the export on one machine. Exit codes: 0 done, 1 the export failed, 2 bad usage. */
@Command(
        name = "local-runner",
        mixinStandardHelpOptions = true,
        version = "message-export 0.1.0",
        description =
                "Runs Message Export on this machine: embedded Elasticsearch, MySQL, SQS and S3 (or real endpoints),"
                        + " the real state machine on aws-local-stepfunctions, the Lambda handlers in-process.",
        subcommands = {RunCommand.class, BenchCommand.class, MigrateCommand.class})
public final class LocalRunner {
    public static void main(String[] args) {
        configureLogging(args);
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new LocalRunner());
        // bad options: one line naming the problem, exit code 2
        cli.setParameterExceptionHandler((e, a) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("local-runner: " + e.getMessage() + " (see --help)");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            command.getErr().println("local-runner: " + oneLine(e));
            return e instanceof CommandLine.ParameterException || e instanceof IllegalArgumentException ? 2 : 1;
        });
        return cli;
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /**
     * Before anything logs: the one log4j2 configuration of this process (stderr), quiet unless
     * {@code --verbose}, and EMF metric lines to the debug log instead of the console.
     */
    static void configureLogging(String[] args) {
        boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
        System.setProperty("log4j2.configurationFile", "classpath:log4j2-embedded.properties");
        System.setProperty("messageexport.log.level", verbose ? "info" : "warn");
        System.setProperty("messageexport.metrics", "log");
    }
}
