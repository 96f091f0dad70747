package org.messageexport.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.Period;
import java.util.Optional;
import java.util.Properties;

/**
 * How the job cuts and paces its work.
 *
 * @param firstStartDate the first window's start on the very first run (env, else the config file's
 *     {@code start_date})
 */
public record JobSettings(
        int batchSize,
        int pageSize,
        Duration pitKeepAlive,
        Period window,
        Duration safetyLag,
        Optional<LocalDate> firstStartDate,
        int failureBudget,
        Duration jobDeadline,
        Duration leaseDuration,
        Duration heartbeatTimeout) {

    public static final int MAX_BATCH_SIZE = 10_000;

    public JobSettings {
        if (batchSize > MAX_BATCH_SIZE) {
            throw new ConfigException(EnvNames.BATCH_SIZE + " must be <= " + MAX_BATCH_SIZE + ", got " + batchSize);
        }
        if (pageSize > 10_000) {
            throw new ConfigException(
                    EnvNames.PAGE_SIZE + " must be <= 10000 (index.max_result_window), got " + pageSize);
        }
    }

    public static JobSettings from(Env env) {
        return new JobSettings(
                env.positiveInt(EnvNames.BATCH_SIZE, 500),
                env.positiveInt(EnvNames.PAGE_SIZE, 10_000),
                env.duration(EnvNames.PIT_KEEP_ALIVE, Duration.ofMinutes(5)),
                env.days(EnvNames.EXPORT_WINDOW, Period.ofDays(1)),
                env.duration(EnvNames.SAFETY_LAG, Duration.ofHours(1)),
                env.date(EnvNames.FIRST_START_DATE)
                        .or(() -> env.optional(EnvNames.CONFIG_FILE).map(JobSettings::startDateFromFile)),
                env.nonNegativeInt(EnvNames.FAILURE_BUDGET, 0),
                env.duration(EnvNames.JOB_DEADLINE, Duration.ofHours(12)),
                env.duration(EnvNames.LEASE_DURATION, Duration.ofMinutes(15)),
                env.duration(EnvNames.JOB_HEARTBEAT_TIMEOUT, Duration.ofMinutes(30)));
    }

    private static LocalDate startDateFromFile(String file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(file))) {
            p.load(r);
        } catch (IOException e) {
            throw new ConfigException(EnvNames.CONFIG_FILE + " cannot be read: " + file + " (" + e.getMessage() + ")");
        }
        String v = p.getProperty("start_date");
        if (v == null || v.isBlank()) {
            throw new ConfigException(EnvNames.CONFIG_FILE + " " + file + " has no start_date=yyyy-MM-dd");
        }
        return Env.parseDate("start_date in " + file, v.trim());
    }
}
