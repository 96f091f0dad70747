package org.messageexport.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.messageexport.config.EnvNames;

/** The jar's commands refuse bad usage and bad configuration with exit code 2 and one line, before starting anything. */
class ServiceMainTest {
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anUnknownCommand_isExitCode2WithTheUsage() {
        assertThat(ServiceMain.run(List.of("serve"), Map.of(), err)).isEqualTo(2);
        assertThat(err()).isEqualTo("worker-service: unknown command 'serve'; " + ServiceMain.USAGE + "\n");
    }

    @Test
    void theWorker_withoutItsConfiguration_isExitCode2WithOneLineNamingTheVariable() {
        assertThat(ServiceMain.run(List.of(), Map.of(EnvNames.QUEUE_URL, "http://q"), err))
                .isEqualTo(2);
        assertThat(err()).matches("worker-service: [A-Z_]+ is required but not set\n");
    }

    @Test
    void theWorker_withABadSetting_isExitCode2NamingIt() {
        Map<String, String> env = Map.of(
                EnvNames.ES_URL, "http://127.0.0.1:9200",
                EnvNames.DB_URL, "jdbc:mysql://127.0.0.1:3306/export",
                EnvNames.DB_USERNAME, "export",
                EnvNames.BUCKET, "archive",
                EnvNames.QUEUE_URL, "http://127.0.0.1:9324/000000000000/work",
                EnvNames.WORKER_BATCH_SIZE, "20");
        assertThat(ServiceMain.run(List.of("worker"), env, err)).isEqualTo(2);
        assertThat(err()).isEqualTo("worker-service: WORKER_BATCH_SIZE must be 1..10 (SQS's receive limit), got 20\n");
    }

    @Test
    void schedule_takesOnlyMaxWindows() {
        assertThat(ServiceMain.run(List.of("schedule", "--max-windows", "0"), Map.of(), err))
                .isEqualTo(2);
        assertThat(ServiceMain.run(List.of("schedule", "--windows", "3"), Map.of(), err))
                .isEqualTo(2);
        assertThat(err().lines()).hasSize(2).allMatch(l -> l.startsWith("worker-service: schedule takes only"));
    }

    @Test
    void migrate_andWorker_takeNoOptions() {
        assertThat(ServiceMain.run(List.of("migrate", "--now"), Map.of(), err)).isEqualTo(2);
        assertThat(err()).startsWith("worker-service: unexpected [--now]");
    }
}
