package org.messageexport.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Bad options: one line naming the problem and exit code 2, before any service starts. */
class BenchCommandTest {
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = BenchCommand.commandLine();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        return cli.execute(args);
    }

    @Test
    void repeatBelowOne_isUsageError() {
        assertThat(run("--repeat", "0")).isEqualTo(2);
        assertThat(err.toString().lines()).singleElement().asString().startsWith("bench: --messages, --days, --repeat");
    }

    @Test
    void unknownOption_isUsageError() {
        assertThat(run("--colour")).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("bench: Unknown option: '--colour'");
    }
}
