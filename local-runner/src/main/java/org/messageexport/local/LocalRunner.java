package org.messageexport.local;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code local-runner}: the export on one machine ({@code run}) and the migrations ({@code migrate}). Exit codes: 0
 * done, 1 the export failed, 2 bad usage. (The bench, {@code ./run-local bench}, is the bench module's command.)
 */
@Command(
        name = "local-runner",
        mixinStandardHelpOptions = true,
        version = "message-export 0.1.0",
        description =
                "Runs Message Export on this machine: embedded Elasticsearch, MySQL, SQS and S3 (or real endpoints),"
                        + " the real state machine on aws-local-stepfunctions, the Lambda handlers in-process.",
        subcommands = {RunCommand.class, ServeCommand.class, MigrateCommand.class, FaultsCommand.class})
public final class LocalRunner {
    public static void main(String[] args) {
        configureLogging(args);
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return withExitCodes(new CommandLine(new LocalRunner()));
    }

    /**
     * The exit codes of this project's commands (the bench's too): bad options are one line naming the problem
     * and exit code 2, before anything starts; a failure is one line and exit code 1.
     */
    public static CommandLine withExitCodes(CommandLine cli) {
        String name = cli.getCommandName();
        cli.setParameterExceptionHandler((e, a) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println(name + ": " + e.getMessage() + " (see --help)");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            command.getErr().println(name + ": " + oneLine(e));
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
    public static void configureLogging(String[] args) {
        boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
        System.setProperty("log4j2.configurationFile", "classpath:log4j2-embedded.properties");
        System.setProperty("messageexport.log.level", verbose ? "info" : "warn");
        System.setProperty("messageexport.metrics", "log");
    }
}
