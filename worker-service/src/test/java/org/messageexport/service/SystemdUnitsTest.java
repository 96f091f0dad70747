package org.messageexport.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server distribution (src/main/dist): the units pass {@code systemd-analyze verify} without a warning, say what the
 * service needs (hardening, restart, environment file, a stop timeout above the drain), and install.sh lays them out.
 */
class SystemdUnitsTest {
    private static final Path DIST = Path.of(System.getProperty("workerService.distSource", "src/main/dist"));
    private static final Path UNITS = DIST.resolve("systemd");
    private static final Path WORKER = UNITS.resolve("message-export-worker.service");
    private static final Path SCHEDULE = UNITS.resolve("message-export-schedule.service");
    private static final Path TIMER = UNITS.resolve("message-export-schedule.timer");

    private record Result(int exitCode, String output) {}

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s ended", command).isTrue();
        return new Result(p.exitValue(), out);
    }

    /** [Section] → key → values (a key may repeat), comments and blank lines left out. */
    private static Map<String, Map<String, List<String>>> parse(Path unit) throws IOException {
        Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
        Map<String, List<String>> current = null;
        for (String line : Files.readAllLines(unit)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            if (l.startsWith("[")) {
                current = sections.computeIfAbsent(l.substring(1, l.length() - 1), k -> new LinkedHashMap<>());
                continue;
            }
            int eq = l.indexOf('=');
            current.computeIfAbsent(l.substring(0, eq), k -> new ArrayList<>()).add(l.substring(eq + 1));
        }
        return sections;
    }

    private static String one(Map<String, Map<String, List<String>>> unit, String section, String key) {
        List<String> values = unit.get(section).get(key);
        assertThat(values).as("%s.%s", section, key).isNotNull().hasSize(1);
        return values.getFirst();
    }

    @Test
    void theUnits_passSystemdAnalyzeVerify_withoutAWarning() throws Exception {
        boolean installed =
                Files.isExecutable(Path.of("/usr/bin/systemd-analyze")) && Files.isExecutable(Path.of("/usr/bin/java"));
        String missing =
                "systemd-analyze or /usr/bin/java (which the units run) is absent: the units were NOT verified";
        // a machine without them fails here unless skipping was asked for by name: a skip is not a pass
        assumeTrue(installed || !Boolean.getBoolean("lint.optional"), missing);
        assertThat(installed)
                .as(missing + " (install systemd and a JDK at /usr/bin/java, or run with -Dlint.optional=true to skip)")
                .isTrue();

        Result r = run(List.of(
                "/usr/bin/systemd-analyze", "verify", WORKER.toString(), SCHEDULE.toString(), TIMER.toString()));

        // verify exits 0 on unknown keys and bad values too, and reports them: no output means no finding
        assertThat(r.output()).isEmpty();
        assertThat(r.exitCode()).isZero();
    }

    @Test
    void theWorkerUnit_isHardened_restartsOnFailure_andWaitsLongerThanTheDrain() throws Exception {
        var unit = parse(WORKER);

        assertThat(one(unit, "Service", "User")).isEqualTo("message-export");
        assertThat(one(unit, "Service", "Group")).isEqualTo("message-export");
        assertThat(one(unit, "Service", "ProtectSystem")).isEqualTo("strict");
        assertThat(one(unit, "Service", "NoNewPrivileges")).isEqualTo("yes");
        assertThat(one(unit, "Service", "PrivateTmp")).isEqualTo("yes");
        assertThat(one(unit, "Service", "ProtectHome")).isEqualTo("yes");
        assertThat(one(unit, "Service", "CapabilityBoundingSet")).isEmpty();
        assertThat(one(unit, "Service", "Restart")).isEqualTo("on-failure");
        assertThat(one(unit, "Service", "RestartPreventExitStatus"))
                .as("a configuration error")
                .isEqualTo("2");
        assertThat(one(unit, "Service", "SuccessExitStatus"))
                .as("the JVM after SIGTERM")
                .isEqualTo("143");
        assertThat(one(unit, "Service", "KillSignal")).isEqualTo("SIGTERM");
        assertThat(one(unit, "Service", "EnvironmentFile")).isEqualTo("/etc/message-export/message-export.env");
        assertThat(one(unit, "Service", "ExecStart")).endsWith("-jar /opt/message-export/worker-service.jar worker");
        assertThat(one(unit, "Service", "ExecStartPre"))
                .endsWith("-jar /opt/message-export/worker-service.jar migrate");

        Duration stop = Duration.ofSeconds(Long.parseLong(one(unit, "Service", "TimeoutStopSec")));
        Duration drain = WorkerServiceConfig.defaultDrainTimeout(WorkerServiceConfig.DEFAULT_BATCH_TIMEOUT);
        assertThat(stop).as("systemd's SIGKILL comes after the default drain").isGreaterThan(drain);
    }

    @Test
    void theScheduledRun_isAOneShotOnTheLocalAslEngine_startedDailyAt2Utc() throws Exception {
        var service = parse(SCHEDULE);
        var timer = parse(TIMER);

        assertThat(one(service, "Service", "Type")).isEqualTo("oneshot");
        assertThat(one(service, "Service", "ExecStart")).endsWith("worker-service.jar schedule");
        assertThat(service.get("Service").get("Environment"))
                .contains("MESSAGE_EXPORT_NODE_DIR=/opt/message-export/node");
        assertThat(one(service, "Service", "ProtectSystem")).isEqualTo("strict");
        assertThat(one(timer, "Timer", "OnCalendar")).isEqualTo("*-*-* 02:00:00 UTC");
        assertThat(one(timer, "Timer", "Persistent")).isEqualTo("true");
        assertThat(one(timer, "Timer", "Unit")).isEqualTo(SCHEDULE.getFileName().toString());
    }

    @Test
    void install_laysOutTheJarTheUnitsAndTheEnvironmentFile_andKeepsAnEditedOne(@TempDir Path tmp) throws Exception {
        Path jar = Files.writeString(tmp.resolve("worker-service.jar"), "jar");
        Path node = Files.createDirectories(tmp.resolve("node/node_modules/aws-local-stepfunctions"))
                .getParent()
                .getParent();
        Files.writeString(node.resolve("run-state-machine.mjs"), "// driver");
        Path root = tmp.resolve("root");
        List<String> install = List.of(
                "bash",
                DIST.resolve("install.sh").toString(),
                "--root",
                root.toString(),
                "--jar",
                jar.toString(),
                "--node-dir",
                node.toString());

        Result first = run(install);

        assertThat(first.exitCode()).as(first.output()).isZero();
        assertThat(root.resolve("opt/message-export/worker-service.jar")).hasContent("jar");
        assertThat(root.resolve("opt/message-export/node/run-state-machine.mjs"))
                .exists();
        assertThat(root.resolve("etc/systemd/system/message-export-worker.service"))
                .hasSameTextualContentAs(WORKER);
        assertThat(root.resolve("etc/systemd/system/message-export-schedule.timer"))
                .hasSameTextualContentAs(TIMER);
        Path env = root.resolve("etc/message-export/message-export.env");
        assertThat(env).hasSameTextualContentAs(DIST.resolve("message-export.env.example"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(env)))
                .isEqualTo("rw-r-----");

        Files.writeString(env, "ES_URL=https://es.internal:9200\n");
        Result again = run(install);

        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(env).hasContent("ES_URL=https://es.internal:9200");
    }

    @Test
    void install_refusesANodeDirectoryWithoutTheEngine_withOneLine(@TempDir Path tmp) throws Exception {
        Path jar = Files.writeString(tmp.resolve("worker-service.jar"), "jar");

        Result r = run(List.of(
                "bash",
                DIST.resolve("install.sh").toString(),
                "--root",
                tmp.resolve("root").toString(),
                "--jar",
                jar.toString(),
                "--node-dir",
                tmp.toString()));

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.output().strip())
                .startsWith("install.sh: " + tmp + " is not the statemachine module's Node package")
                .doesNotContain("\n");
    }
}
