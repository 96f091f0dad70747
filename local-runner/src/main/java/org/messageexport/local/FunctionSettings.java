package org.messageexport.local;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.messageexport.config.ConfigException;
import org.messageexport.config.EnvNames;
import org.messageexport.config.SecretLookup;
import org.messageexport.extractor.ExtractorConfig;
import org.messageexport.worker.WorkerConfig;

/**
 * Function settings given to a local deployment ({@code --config FILE}, then {@code --env NAME=VALUE}, later ones
 * winning): names from {@link EnvNames}, values checked by the functions' own config records before anything starts,
 * so that a bad value is the same one line the deployed function would log.
 */
final class FunctionSettings {
    /** What the local deployment sets itself: given here they would point the functions away from its services. */
    private static final List<String> OWNED_BY_THE_DEPLOYMENT =
            List.of(EnvNames.QUEUE_URL, EnvNames.SQS_ENDPOINT, EnvNames.DB_URL, EnvNames.ES_URL, EnvNames.BUCKET);

    private FunctionSettings() {}

    /**
     * The settings of {@code configFile} (a properties file, {@code NAME=VALUE} per line; may be null) overlaid with
     * {@code overrides} ({@code NAME=VALUE} each).
     *
     * @throws IllegalArgumentException one line naming the setting or the file and the problem
     */
    static Map<String, String> parse(Path configFile, List<String> overrides) {
        Map<String, String> settings = new LinkedHashMap<>();
        if (configFile != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(configFile)) {
                p.load(r);
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "--config " + configFile + ": cannot read it (" + e.getMessage() + ")");
            }
            for (String name : p.stringPropertyNames()) {
                settings.put(
                        checkedName(name, "--config " + configFile),
                        p.getProperty(name).trim());
            }
        }
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--env " + o + ": expected NAME=VALUE");
            }
            settings.put(checkedName(o.substring(0, eq).trim(), "--env"), o.substring(eq + 1));
        }
        return settings;
    }

    private static String checkedName(String name, String where) {
        if (!EnvNames.all().contains(name)) {
            throw new IllegalArgumentException(
                    where + ": " + name + " is not a function setting (see EnvNames in the README)");
        }
        if (OWNED_BY_THE_DEPLOYMENT.contains(name)) {
            throw new IllegalArgumentException(where + ": " + name
                    + " is the local deployment's own (use --es-url, --jdbc-url, --bucket, --queue-url instead)");
        }
        return name;
    }

    /**
     * Checks the settings as the extractor and worker functions would at start, on placeholder endpoints.
     *
     * @throws IllegalArgumentException the functions' one line ({@link ConfigException}'s message)
     */
    static void validate(Map<String, String> settings) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(EnvNames.ES_URL, "http://127.0.0.1:9200");
        env.put(EnvNames.DB_URL, "jdbc:mysql://127.0.0.1:3306/message_export");
        env.put(EnvNames.DB_USERNAME, "root");
        env.put(EnvNames.BUCKET, "message-export");
        env.put(EnvNames.QUEUE_URL, "http://127.0.0.1:9324/000000000000/message-export-work");
        env.put(EnvNames.FIRST_START_DATE, "2026-01-01");
        env.put(EnvNames.S3_SSE, "none");
        env.putAll(settings);
        try {
            ExtractorConfig.fromEnv(env, SecretLookup.NONE);
            WorkerConfig.fromEnv(env, SecretLookup.NONE);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
