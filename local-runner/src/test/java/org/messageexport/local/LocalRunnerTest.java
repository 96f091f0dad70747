package org.messageexport.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Bad options: one line naming the problem and exit code 2, before anything starts. */
class LocalRunnerTest {
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = LocalRunner.commandLine();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        return cli.execute(args);
    }

    private String errLine() {
        assertThat(err.toString().lines()).hasSize(1);
        return err.toString().strip();
    }

    @Test
    void invertedWindow_isUsageError() {
        assertThat(run("run", "--start-date", "2026-11-05", "--end-date", "2026-11-01"))
                .isEqualTo(2);
        assertThat(errLine())
                .isEqualTo("local-runner: --end-date 2026-11-01 must be after --start-date 2026-11-05 (see --help)");
    }

    @Test
    void notANumber_isUsageError() {
        assertThat(run("run", "--messages", "many")).isEqualTo(2);
        assertThat(errLine()).startsWith("local-runner: Invalid value for option '--messages': 'many' is not an int");
    }

    @Test
    void badDate_isUsageError() {
        assertThat(run("run", "--start-date", "2026-13-01", "--end-date", "2026-11-02"))
                .isEqualTo(2);
        assertThat(errLine()).contains("--start-date").contains("2026-13-01");
    }

    @Test
    void reexportWithoutWindow_isUsageError() {
        assertThat(run("run", "--reexport")).isEqualTo(2);
        assertThat(errLine()).isEqualTo("local-runner: --reexport needs --start-date and --end-date (see --help)");
    }

    @Test
    void partialRealEndpoints_areUsageError() {
        assertThat(run("run", "--es-url", "http://127.0.0.1:9200")).isEqualTo(2);
        assertThat(errLine())
                .isEqualTo("local-runner: with --es-url also give --jdbc-url, --bucket and --queue-url (see --help)");
    }

    @Test
    void unknownOption_isUsageError() {
        assertThat(run("run", "--colour")).isEqualTo(2);
        assertThat(errLine()).contains("Unknown option: '--colour'");
    }
}
