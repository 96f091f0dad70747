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
import org.messageexport.domain.FailureBudget;

/**
 * How the job cuts and paces its work.
 *
 * @param firstStartDate the first window's start on the very first run (env, else the config file's
 *     {@code start_date})
 * @param failureBudget how many permanent message failures a window may have and still complete
 * @param windowRetryLimit how many times a window over its failure budget is tried before it waits for an operator
 * @param maxWindowDays the longest window a manual execution may ask for
 * @param trackingRetentionDays days a completed window's tracking rows are kept, 0 = forever
 */
public record JobSettings(
        int batchSize,
        int pageSize,
        Duration pitKeepAlive,
        Period window,
        Duration safetyLag,
        Optional<LocalDate> firstStartDate,
        FailureBudget failureBudget,
        int windowRetryLimit,
        int maxWindowDays,
        Duration jobDeadline,
        Duration leaseDuration,
        Duration heartbeatTimeout,
        int lateArrivalDays,
        Duration queueVisibilityTimeout,
        int trackingRetentionDays) {

    public static final int MAX_BATCH_SIZE = 10_000;

    /** Tries of a window over its failure budget, unless {@code WINDOW_RETRY_LIMIT} says otherwise. */
    public static final int DEFAULT_WINDOW_RETRY_LIMIT = 3;

    /** The longest manual window, unless {@code MAX_WINDOW_DAYS} says otherwise. */
    public static final int DEFAULT_MAX_WINDOW_DAYS = 31;

    /** After this time since the job started, what is left becomes failed (unless {@code JOB_DEADLINE} says otherwise). */
    public static final Duration DEFAULT_JOB_DEADLINE = Duration.ofHours(12);

    public static final int DEFAULT_LATE_ARRIVAL_DAYS = 3;
    /** Six times the worker's 15-minute Lambda timeout, as the CDK stack sizes the queue. */
    public static final Duration DEFAULT_QUEUE_VISIBILITY_TIMEOUT = Duration.ofMinutes(90);
    /** Late arrivals are looked for at most this many days back (each is one count per run). */
    public static final int MAX_LATE_ARRIVAL_DAYS = 366;
    /** Ten years: the most days {@code TRACKING_RETENTION_DAYS} accepts (0 keeps the rows forever). */
    public static final int MAX_RETENTION_DAYS = 3653;

    /** Elasticsearch's default {@code index.max_result_window}. */
    public static final int MAX_PAGE_SIZE = 10_000;

    public JobSettings {
        if (batchSize > MAX_BATCH_SIZE) {
            throw new ConfigException(EnvNames.BATCH_SIZE + " must be <= " + MAX_BATCH_SIZE + ", got " + batchSize);
        }
        if (pageSize > MAX_PAGE_SIZE) {
            throw new ConfigException(
                    EnvNames.PAGE_SIZE + " must be <= 10000 (index.max_result_window), got " + pageSize);
        }
    }

    public static JobSettings from(Env env) {
        return new JobSettings(
                env.integer(EnvNames.BATCH_SIZE, 500, 1, MAX_BATCH_SIZE),
                env.integer(EnvNames.PAGE_SIZE, MAX_PAGE_SIZE, 1, MAX_PAGE_SIZE),
                env.duration(EnvNames.PIT_KEEP_ALIVE, Duration.ofMinutes(5)),
                env.days(EnvNames.EXPORT_WINDOW, Period.ofDays(1)),
                env.duration(EnvNames.SAFETY_LAG, Duration.ofHours(1)),
                env.date(EnvNames.FIRST_START_DATE)
                        .or(() -> env.optional(EnvNames.CONFIG_FILE).map(JobSettings::startDateFromFile)),
                env.failureBudget(EnvNames.FAILURE_BUDGET, FailureBudget.NONE),
                env.positiveInt(EnvNames.WINDOW_RETRY_LIMIT, DEFAULT_WINDOW_RETRY_LIMIT),
                env.positiveInt(EnvNames.MAX_WINDOW_DAYS, DEFAULT_MAX_WINDOW_DAYS),
                env.duration(EnvNames.JOB_DEADLINE, DEFAULT_JOB_DEADLINE),
                env.duration(EnvNames.LEASE_DURATION, Duration.ofMinutes(15)),
                env.duration(EnvNames.JOB_HEARTBEAT_TIMEOUT, Duration.ofMinutes(30)),
                env.integer(EnvNames.LATE_ARRIVAL_DAYS, DEFAULT_LATE_ARRIVAL_DAYS, 0, MAX_LATE_ARRIVAL_DAYS),
                env.duration(EnvNames.QUEUE_VISIBILITY_TIMEOUT, DEFAULT_QUEUE_VISIBILITY_TIMEOUT),
                env.integer(EnvNames.TRACKING_RETENTION_DAYS, 0, 0, MAX_RETENTION_DAYS));
    }

    /**
     * The {@code start_date=yyyy-MM-dd} of a properties file (the config file of {@value EnvNames#CONFIG_FILE}; the
     * CDK app reads the same file with this method when its context names one).
     */
    public static LocalDate startDateFromFile(String file) {
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
        return SettingFormat.date("start_date in " + file, v.trim());
    }
}
