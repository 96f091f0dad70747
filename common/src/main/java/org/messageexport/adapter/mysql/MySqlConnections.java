package org.messageexport.adapter.mysql;

import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.messageexport.adapter.LazyClient;
import org.messageexport.config.Credentials;
import org.messageexport.config.DatabaseConfig;

/**
 * The function's MySQL connections: a {@link DataSource} whose pool is built on first use and can be dropped and
 * built again, so that nothing connects while a function is constructed (Lambda SnapStart runs the constructor when
 * it publishes a version) and no socket outlives a snapshot ({@link #disconnect()} before a checkpoint). The first
 * connection it hands out checks the schema version; a success is remembered until {@link #restored()}. When MySQL
 * refuses the credentials (access denied), the secret is read again once and the connection tried again.
 * Thread-safe.
 */
public final class MySqlConnections implements DataSource, AutoCloseable {
    /** MySQL's {@code ER_ACCESS_DENIED_ERROR}. */
    static final int ACCESS_DENIED = 1045;

    private final DatabaseConfig config;
    /** The pool, built on first use (the lifecycle every reconnecting client of the functions shares). */
    private final LazyClient<HikariDataSource> pool;

    private volatile boolean schemaChecked;

    public MySqlConnections(DatabaseConfig config, String poolName) {
        this.config = config;
        this.pool = new LazyClient<>(() -> MySqlDatabase.pool(config, poolName));
    }

    @Override
    public Connection getConnection() throws SQLException {
        // read in the caller's thread, so that a secret that cannot be read fails this call with its own message
        Credentials used = config.credentials().current();
        Connection connection;
        try {
            connection = pool.get().getConnection();
        } catch (SQLException e) {
            if (!isAccessDenied(e) || config.credentials().refresh(used).equals(used)) {
                throw e;
            }
            connection = pool.get().getConnection();
        }
        if (!schemaChecked) {
            try {
                MySqlDatabase.requireCurrentSchema(connection);
            } catch (RuntimeException e) {
                connection.close();
                throw e;
            }
            schemaChecked = true;
        }
        return connection;
    }

    static boolean isAccessDenied(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql
                    && (sql.getErrorCode() == ACCESS_DENIED || "28000".equals(sql.getSQLState()))) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** True while a pool exists (built on first use, dropped by {@link #disconnect()}). */
    public boolean connected() {
        return pool.connected();
    }

    /** Closes the pool and its connections; the next {@link #getConnection()} builds a new one. */
    public void disconnect() {
        pool.disconnect();
    }

    /** After a snapshot restore: the secret is read again and the schema checked again on the next connection. */
    public void restored() {
        config.credentials().forget();
        schemaChecked = false;
    }

    @Override
    public void close() {
        disconnect();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the credentials come from the configuration");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("not a wrapper of " + type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }
}
