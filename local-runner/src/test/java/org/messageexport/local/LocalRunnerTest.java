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
        assertThat(run("run", "--es-url", "http://127.0.0.1:9200", "--jdbc-url", "jdbc:mysql://db/x"))
                .isEqualTo(2);
        assertThat(errLine())
                .isEqualTo("local-runner: with real MySQL/SQS/S3 give all of --jdbc-url, --bucket and --queue-url"
                        + " (or only --es-url) (see --help)");
    }

    @Test
    void otherEndpointsWithoutEsUrl_areUsageError() {
        assertThat(run("serve", "--queue-url", "http://q")).isEqualTo(2);
        assertThat(errLine()).contains("real endpoints start with --es-url");
    }

    @Test
    void envWithAnUnknownName_isUsageError() {
        assertThat(run("run", "--env", "MESSAGE_INDEX=mine")).isEqualTo(2);
        assertThat(errLine())
                .isEqualTo("local-runner: --env: MESSAGE_INDEX is not a function setting (see EnvNames in the README)"
                        + " (see --help)");
    }

    @Test
    void envWithABadValue_isTheFunctionsOwnLine() {
        assertThat(run("serve", "--env", "PUT_CONCURRENCY=0")).isEqualTo(2);
        assertThat(errLine()).startsWith("local-runner: PUT_CONCURRENCY").contains(">= 1");
    }

    @Test
    void envWithoutEquals_isUsageError() {
        assertThat(run("run", "--env", "MESSAGES_INDEX")).isEqualTo(2);
        assertThat(errLine()).contains("--env MESSAGES_INDEX: expected NAME=VALUE");
    }

    @Test
    void envNamingWhatTheDeploymentOwns_isUsageError() {
        assertThat(run("run", "--env", "QUEUE_URL=http://elsewhere")).isEqualTo(2);
        assertThat(errLine()).contains("QUEUE_URL is the local deployment's own");
    }

    @Test
    void badSse_isTheFunctionsOwnLine() {
        assertThat(run("run", "--s3-sse", "yes")).isEqualTo(2);
        assertThat(errLine()).contains("S3_SSE must be AES256, aws:kms or none, got 'yes'");
    }

    @Test
    void configFile_isReadAndChecked(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("export.properties");
        java.nio.file.Files.writeString(file, "MESSAGES_INDEX=mine\nSIDE_COLLECTIONS=nonsense-without-fields\n");
        assertThat(run("run", "--config", file.toString())).isEqualTo(2);
        assertThat(errLine()).contains("SIDE_COLLECTIONS");
        assertThat(FunctionSettings.parse(file, java.util.List.of("MESSAGES_INDEX=theirs")))
                .containsEntry("MESSAGES_INDEX", "theirs")
                .containsEntry("SIDE_COLLECTIONS", "nonsense-without-fields");
    }

    @Test
    void missingConfigFile_isUsageError() {
        assertThat(run("run", "--config", "/nonexistent/export.properties")).isEqualTo(2);
        assertThat(errLine()).contains("--config /nonexistent/export.properties: cannot read it");
    }

    @Test
    void unknownOutputFormat_isUsageError() {
        assertThat(run("run", "--output-format", "parquet")).isEqualTo(2);
        assertThat(errLine())
                .isEqualTo("local-runner: --output-format must be one of object|ndjson-gz, got 'parquet' (see --help)");
    }

    @Test
    void unknownOption_isUsageError() {
        assertThat(run("run", "--colour")).isEqualTo(2);
        assertThat(errLine()).contains("Unknown option: '--colour'");
    }
}
