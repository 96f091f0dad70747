package org.messageexport.adapter.mysql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import java.net.URL;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.messageexport.config.Credentials;
import org.messageexport.config.DatabaseConfig;
import org.messageexport.config.TransportSecurity;

/**
 * The pool, and the schema: migrated by Flyway at deploy time, checked by every function on its first connection
 * ({@link MySqlConnections}).
 */
public final class MySqlDatabase {
    /**
     * The certificate authorities of Amazon RDS, Aurora and RDS Proxy (PKCS12, classpath), handed to Connector/J when
     * a URL asks for a verified TLS connection and names no trust store (see {@code common/src/main/tls/README.md}).
     * In the jar, so that it is versioned and tested with the code: the Lambda runtime's Java trust store holds
     * public CAs only, and a JVM-wide {@code javax.net.ssl.trustStore} would replace those that S3, SQS and
     * Elasticsearch need.
     */
    public static final String RDS_TRUST_STORE = "/org/messageexport/adapter/mysql/rds-ca-truststore.p12";

    /** It holds public certificates only: the password guards nothing, PKCS12 merely wants one. */
    public static final String RDS_TRUST_STORE_PASSWORD = "rds-ca-bundle";

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

    /**
     * The configured URL with the required parameters added where the URL does not set them, and with the RDS trust
     * store when it asks for a verified TLS connection without naming a trust store.
     */
    static String effectiveUrl(String url) {
        Map<String, String> given = TransportSecurity.queryParameters(url);
        Map<String, String> added = new LinkedHashMap<>(REQUIRED_PARAMS);
        String sslMode = given.getOrDefault("sslMode", "");
        if ((sslMode.equalsIgnoreCase("VERIFY_CA") || sslMode.equalsIgnoreCase("VERIFY_IDENTITY"))
                && !given.containsKey("trustCertificateKeyStoreUrl")) {
            added.put("trustCertificateKeyStoreUrl", rdsTrustStoreUrl());
            added.put("trustCertificateKeyStoreType", "PKCS12");
            added.put("trustCertificateKeyStorePassword", RDS_TRUST_STORE_PASSWORD);
        }
        int q = url.indexOf('?');
        StringBuilder out = new StringBuilder(url);
        String sep = q < 0 ? "?" : (q == url.length() - 1 || url.endsWith("&") ? "" : "&");
        for (var e : added.entrySet()) {
            if (!given.containsKey(e.getKey())) {
                out.append(sep).append(e.getKey()).append('=').append(e.getValue());
                sep = "&";
            }
        }
        return out.toString();
    }

    /** A URL Connector/J can open: {@code file:} in an unpacked function (/var/task), {@code jar:} in a jar. */
    static String rdsTrustStoreUrl() {
        URL url = MySqlDatabase.class.getResource(RDS_TRUST_STORE);
        if (url == null) {
            throw new IllegalStateException(RDS_TRUST_STORE + " is not on the classpath");
        }
        return url.toString();
    }

    /**
     * A pool that opens no connection until one is asked for ({@code minimumIdle=0}, no initial connection attempt),
     * so that building it does no network I/O, and that asks {@code config}'s credential source for the credentials
     * of each new connection.
     */
    /**
     * A connection the server killed under a statement (MariaDB's "Connection was killed", 1927 / 70100, besides the
     * {@code 08} states Hikari knows) leaves the pool: otherwise it goes back as if used just now, and the next
     * borrower within Hikari's 500 ms alive-bypass window gets it unchecked and fails too.
     */
    static final SQLExceptionOverride EVICT_LOST_CONNECTIONS = new SQLExceptionOverride() {
        @java.lang.Override // the interface's nested enum is named Override too
        public Override adjudicate(SQLException e) {
            return Jdbc.connectionLost(e) ? Override.MUST_EVICT : Override.CONTINUE_EVICT;
        }
    };

    public static HikariDataSource pool(DatabaseConfig config, String poolName) {
        HikariConfig h = new HikariConfig();
        h.setPoolName(poolName);
        h.setJdbcUrl(effectiveUrl(config.url()));
        h.setCredentialsProvider(() -> {
            Credentials c = config.credentials().current();
            return com.zaxxer.hikari.util.Credentials.of(c.username(), c.password());
        });
        // A Lambda instance handles one event at a time: a small pool is enough and spares MySQL's connection limit.
        h.setMaximumPoolSize(config.poolSize());
        h.setMinimumIdle(0);
        h.setConnectionTimeout(10_000);
        h.setInitializationFailTimeout(-1);
        h.setAutoCommit(true);
        h.setExceptionOverride(EVICT_LOST_CONNECTIONS);
        return new HikariDataSource(h);
    }

    private static Flyway flyway(DataSource dataSource) {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .loggers("slf4j")
                .load();
    }

    /**
     * Applies the pending migrations on a pool of its own, closed after; returns how many ran. The credentials are read
     * first (a secret read again now), so that a secret that cannot be read fails with its own message rather than as
     * a pool timeout.
     */
    public static int migrate(DatabaseConfig config, String poolName) {
        config.credentials().forget();
        config.credentials().current();
        try (HikariDataSource ds = pool(config.withPoolSize(DatabaseConfig.MIN_POOL_SIZE), poolName)) {
            return migrate(ds);
        }
    }

    /** Applies the pending migrations; returns how many ran. */
    public static int migrate(DataSource dataSource) {
        MigrateResult result = flyway(dataSource).migrate();
        return result.migrationsExecuted;
    }

    /** The highest migration this code needs (the last {@code V<n>__*.sql} in db/migration; a test keeps them equal). */
    public static final int SCHEMA_VERSION = 7;

    /** Reasons ({@code message_tracking.last_error}, {@code job_runs.failure_reason}) are {@code VARCHAR(1000)}. */
    static final int REASON_LENGTH = 1000;

    /**
     * Fails with one line when the schema is older than this code expects, so a function never runs against
     * a half-migrated database. One query on Flyway's history table: Flyway itself is not started on the
     * functions' cold-start path.
     */
    public static void requireCurrentSchema(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            requireCurrentSchema(c);
        } catch (SQLException e) {
            throw Jdbc.translate("read the schema version", e);
        }
    }

    /** {@link #requireCurrentSchema(DataSource)} on a connection the caller keeps. */
    public static void requireCurrentSchema(Connection c) {
        int found;
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT MAX(CAST(version AS UNSIGNED)) FROM flyway_schema_history WHERE success = 1")) {
            found = rs.next() ? rs.getInt(1) : 0;
        } catch (SQLException e) {
            if (e.getErrorCode() != NO_SUCH_TABLE) {
                throw Jdbc.translate("read the schema version", e);
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
