package org.messageexport.bench;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.messageexport.config.AwsEndpointConfig;
import org.messageexport.config.ElasticsearchConfig;
import org.messageexport.config.Env;
import org.messageexport.config.EnvNames;
import org.messageexport.config.SecretLookup;
import org.messageexport.config.SideCollections;
import org.messageexport.domain.ExportWindow;

/**
 * Phase "baseline": the seed design's per-message loop ({@link SeedDesignBaseline}) on the window's ids (or the
 * first {@code --baseline-messages} of them), in a database of its own beside the pipeline's, dropped on close.
 */
final class BaselinePhase implements AutoCloseable {
    private final Map<String, String> env;
    private final String database;
    private final int workers;
    private final Integer messages;
    private final PrintStream out;

    private BaselinePhase(Map<String, String> env, String database, int workers, Integer messages, PrintStream out) {
        this.env = env;
        this.database = database;
        this.workers = workers;
        this.messages = messages;
        this.out = out;
    }

    /** Creates the baseline's database on the functions' MySQL server ({@code <database>_seed}, the server's default collation, as the seed's users have it). */
    static BaselinePhase create(Map<String, String> env, int workers, Integer messages, PrintStream out)
            throws SQLException {
        String name = databaseName(env.get(EnvNames.DB_URL)) + "_seed";
        execute(env, "CREATE DATABASE IF NOT EXISTS `" + name + "`");
        return new BaselinePhase(env, name, workers, messages, out);
    }

    /** Messages per second of the seed's loop over {@code window}, listing the ids included. */
    double run(ExportWindow window) throws Exception {
        Env e = new Env(env);
        SeedDesignBaseline baseline = new SeedDesignBaseline(
                ElasticsearchConfig.from(e, SecretLookup.NONE),
                SideCollections.from(e),
                AwsEndpointConfig.from(e, EnvNames.S3_ENDPOINT),
                env.get(EnvNames.BUCKET),
                "bench-baseline",
                serverUrl(env.get(EnvNames.DB_URL)) + database,
                env.get(EnvNames.DB_USERNAME),
                env.getOrDefault(EnvNames.DB_PASSWORD, ""),
                workers);
        baseline.resetTables();
        long t0 = System.nanoTime();
        // the seed listed the window's ids first (a scroll); PIT paging stands in for it
        List<String> ids = RawPagingPhase.windowIds(env, window).ids();
        if (messages != null && messages < ids.size()) {
            ids = ids.subList(0, messages);
        }
        SeedDesignBaseline.Result result = baseline.run(window.start(), ids, t0);
        out.printf(
                Locale.ROOT,
                "  baseline: %,d messages (%d failed) in %.1f s = %,.0f msg/s (listing ids + pending rows %.1f s),"
                        + " %d workers%n",
                result.messages(),
                result.failed(),
                result.totalNanos() / 1e9,
                result.messagesPerSecond(),
                result.listNanos() / 1e9,
                workers);
        return result.messagesPerSecond();
    }

    /** Drops the baseline's database. */
    @Override
    public void close() {
        try {
            execute(env, "DROP DATABASE IF EXISTS `" + database + "`");
        } catch (SQLException e) {
            System.err.println("bench: could not drop database " + database + ": " + e.getMessage());
        }
    }

    private static void execute(Map<String, String> env, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(
                        serverUrl(env.get(EnvNames.DB_URL)),
                        env.get(EnvNames.DB_USERNAME),
                        env.getOrDefault(EnvNames.DB_PASSWORD, ""));
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** {@code jdbc:mysql://host:port/} of a URL that names a database. */
    static String serverUrl(String jdbcUrl) {
        String noQuery = jdbcUrl.contains("?") ? jdbcUrl.substring(0, jdbcUrl.indexOf('?')) : jdbcUrl;
        int slash = noQuery.indexOf('/', noQuery.indexOf("//") + 2);
        return (slash < 0 ? noQuery : noQuery.substring(0, slash)) + "/";
    }

    static String databaseName(String jdbcUrl) {
        String noQuery = jdbcUrl.contains("?") ? jdbcUrl.substring(0, jdbcUrl.indexOf('?')) : jdbcUrl;
        return noQuery.substring(serverUrl(jdbcUrl).length());
    }
}
