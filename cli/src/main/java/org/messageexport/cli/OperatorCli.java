package org.messageexport.cli;

import org.messageexport.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code message-export}: the operator's commands against a deployed stack or a local deployment. Exit codes: 0 ok;
 * 1 the job failed, differences found, or a service failed; 2 bad usage, bad configuration or an unknown job (one line
 * naming the problem).
 */
@Command(
        name = "message-export",
        mixinStandardHelpOptions = true,
        version = "message-export 0.1.0",
        description = {
            "Operate Message Export: start jobs, watch them, verify them, retry what failed, redrive the DLQ, estimate.",
            "Against AWS (--stack NAME: the stack's outputs; default credentials chain) or a local deployment"
                    + " (--local FILE, from ./run-local serve)."
        },
        subcommands = {
            StartCommand.class,
            StatusCommand.class,
            VerifyCommand.class,
            RetryFailedCommand.class,
            RedriveDlqCommand.class,
            DryRunCommand.class,
            CommandLine.HelpCommand.class
        })
public final class OperatorCli {
    public static void main(String[] args) {
        boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
        System.setProperty("log4j2.configurationFile", "classpath:log4j2-cli.properties");
        System.setProperty("messageexport.log.level", verbose ? "info" : "warn");
        System.setProperty("messageexport.metrics", "log");
        System.exit(commandLine().execute(args));
    }

    /** The CLI with its exit codes and one-line errors. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new OperatorCli());
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("message-export: " + e.getMessage() + " (see --help)");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            command.getErr().println("message-export: " + oneLine(e));
            return usage(e) ? 2 : 1;
        });
        return cli;
    }

    /** Bad usage, bad configuration, an unknown job: the operator's to fix (exit code 2). */
    static boolean usage(Throwable e) {
        return e instanceof IllegalArgumentException
                || e instanceof ConfigException
                || e instanceof CommandLine.ParameterException;
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
