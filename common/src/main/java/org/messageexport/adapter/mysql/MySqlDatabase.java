package org.messageexport.adapter.mysql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.messageexport.config.DatabaseConfig;

/** The pool, and the schema: migrated by Flyway at deploy time, checked by every function at start. */
public final class MySqlDatabase {
    /** Connector/J settings the job relies on: UTC sessions, batched statements rewritten into multi-row ones. */
    static final Map<String, String> REQUIRED_PARAMS = requiredParams();

    private MySqlDatabase() {}

    private static Map<String, String> requiredParams() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("connectionTimeZone", "UTC");
        p.put("forceConnectionTimeZoneToSession", "true");
        p.put("rewriteBatchedStatements", "true");
        p.put("cachePrepStmts", "true");
        p.put("connectTimeout", "5000");
        p.put("socketTimeout", "120000");
        p.put("tcpKeepAlive", "true");
        p.put("characterEncoding", "UTF-8");
        return p;
    }

    /** The configured URL with the required parameters added where the URL does not set them. */
    static String effectiveUrl(String url) {
        int q = url.indexOf('?');
        String query = q < 0 ? "" : url.substring(q + 1);
        StringBuilder out = new StringBuilder(url);
        String sep = q < 0 ? "?" : (query.isEmpty() || url.endsWith("&") ? "" : "&");
        for (var e : REQUIRED_PARAMS.entrySet()) {
            if (!Arrays.stream(query.split("&")).anyMatch(kv -> kv.startsWith(e.getKey() + "="))) {
                out.append(sep).append(e.getKey()).append('=').append(e.getValue());
                sep = "&";
            }
        }
        return out.toString();
    }

    public static HikariDataSource pool(DatabaseConfig config, String poolName) {
        HikariConfig h = new HikariConfig();
        h.setPoolName(poolName);
        h.setJdbcUrl(effectiveUrl(config.url()));
        h.setUsername(config.username());
        h.setPassword(config.password());
        // A Lambda instance handles one event at a time: a small pool is enough and spares MySQL's connection limit.
        h.setMaximumPoolSize(config.poolSize());
        h.setMinimumIdle(1);
        h.setConnectionTimeout(10_000);
        h.setInitializationFailTimeout(-1);
        h.setAutoCommit(true);
        return new HikariDataSource(h);
    }

    private static Flyway flyway(DataSource dataSource) {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .loggers("slf4j")
                .load();
    }

    /** Applies the pending migrations; returns how many ran. */
    public static int migrate(DataSource dataSource) {
        MigrateResult result = flyway(dataSource).migrate();
        return result.migrationsExecuted;
    }

    /** The highest migration this code needs (the last {@code V<n>__*.sql} in db/migration; a test keeps them equal). */
    public static final int SCHEMA_VERSION = 3;

    /**
     * Fails with one line when the schema is older than this code expects, so a function never runs against
     * a half-migrated database. One query on Flyway's history table: Flyway itself is not started on the
     * functions' cold-start path.
     */
    public static void requireCurrentSchema(DataSource dataSource) {
        int found;
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT MAX(CAST(version AS UNSIGNED)) FROM flyway_schema_history WHERE success = 1")) {
            found = rs.next() ? rs.getInt(1) : 0;
        } catch (SQLException e) {
            if (e.getErrorCode() != NO_SUCH_TABLE) {
                throw SqlErrors.translate("read the schema version", e);
            }
            found = 0;
        }
        if (found < SCHEMA_VERSION) {
            throw new IllegalStateException("database schema is older than this code expects (at "
                    + (found == 0 ? "none" : "V" + found) + ", needs V" + SCHEMA_VERSION
                    + "); run the migrate function (MigrateDatabaseHandler) or `local-runner migrate` first");
        }
    }

    private static final int NO_SUCH_TABLE = 1146;
}
