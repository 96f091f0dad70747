package org.messageexport.adapter.mysql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.messageexport.port.TransientException;

/**
 * What the MySQL adapters share: a connection per call (or one transaction), prepared statements with
 * their parameters bound by a lambda, batched statements, IN lists cut into chunks of at most
 * {@value #IN_CHUNK}, and JDBC errors translated at the adapter boundary (lost connections, timeouts
 * and deadlocks become {@link TransientException}, anything else {@link IllegalStateException}, both
 * naming the action and keeping the cause). Thread-safe as its {@link DataSource} is.
 */
final class Jdbc {
    /** Most parameters of one IN list. */
    static final int IN_CHUNK = 1000;

    /** Most tries of one read whose connection was lost under it. */
    static final int READ_ATTEMPTS = 3;

    /** Binds the parameters of a statement. */
    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    /** Binds the parameters of a statement for one row of a batch. */
    @FunctionalInterface
    interface RowBinder<T> {
        void bind(PreparedStatement ps, T row) throws SQLException;
    }

    /** Reads the current row of a result. */
    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** Work on one connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final DataSource dataSource;

    Jdbc(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Runs {@code work} on a connection of its own in auto-commit mode. */
    <T> T withConnection(String action, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw translate(action, e);
        }
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    <T> T inTransaction(String action, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                // A killed connection fails the rollback too ("Connection is closed", no SQL state): the first
                // error is the one that says what happened (and whether trying again may help).
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            } finally {
                try {
                    c.setAutoCommit(true);
                } catch (SQLException gone) {
                    // the connection broke: the pool discards it, and the outcome is the one above
                }
            }
        } catch (SQLException e) {
            throw translate(action, e);
        }
    }

    /** One statement; the number of rows it changed. */
    int update(String action, String sql, Binder binder) {
        return withConnection(action, c -> update(c, sql, binder));
    }

    /**
     * One query; its rows in order. A read is asked again, on another connection, when its connection was lost under
     * it (at most {@value #READ_ATTEMPTS} tries): a pool hands out a connection used in the last 500 ms without
     * checking it, so a connection killed by the server (a failover, {@code KILL CONNECTION}, an idle timeout) fails
     * the next read on it, and reading again changes nothing. Writes are not retried here: whether a lost write was
     * applied is for the caller to decide.
     */
    <T> List<T> query(String action, String sql, Binder binder, RowMapper<T> mapper) {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                return query(c, sql, binder, mapper);
            } catch (SQLException e) {
                if (attempt >= READ_ATTEMPTS || !connectionLost(e)) {
                    throw translate(action, e);
                }
            }
        }
    }

    /**
     * One statement run for every row, sent as one batch in one transaction (one commit, not one per row: in
     * auto-commit mode each row's commit waits for the log flush, ~140 rows/s on a busy disk); the rows it matched in
     * all. Nothing is sent for no rows.
     *
     * @throws IllegalStateException when the driver does not tell how many rows a statement matched
     */
    <T> int batchUpdate(String action, String sql, List<T> rows, RowBinder<T> binder) {
        if (rows.isEmpty()) {
            return 0;
        }
        return inTransaction(action, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (T row : rows) {
                    binder.bind(ps, row);
                    ps.addBatch();
                }
                int matched = 0;
                for (int n : ps.executeBatch()) {
                    if (n < 0) {
                        throw new IllegalStateException(action + ": the driver did not count the rows (" + n + ")");
                    }
                    matched += n;
                }
                return matched;
            }
        });
    }

    static int update(Connection c, String sql, Binder binder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            return ps.executeUpdate();
        }
    }

    static <T> List<T> query(Connection c, String sql, Binder binder, RowMapper<T> mapper) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
            }
            return out;
        }
    }

    /** {@code values} in consecutive chunks of at most {@value #IN_CHUNK}, for IN lists. */
    static <T> List<List<T>> chunks(List<T> values) {
        List<List<T>> out = new ArrayList<>(values.size() / IN_CHUNK + 1);
        for (int from = 0; from < values.size(); from += IN_CHUNK) {
            out.add(values.subList(from, Math.min(values.size(), from + IN_CHUNK)));
        }
        return out;
    }

    /** {@code ?,?,…,?}: {@code n} placeholders of an IN list ({@code n} ≥ 1). */
    static String placeholders(int n) {
        return "?,".repeat(n - 1) + "?";
    }

    /** {@code s} cut to at most {@code max} characters for a {@code VARCHAR(max)} column, marked by an ellipsis. */
    static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    /** The connection broke under the statement (the statement itself may be fine on another one). */
    static boolean connectionLost(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return e instanceof SQLRecoverableException
                || state.startsWith("08")
                || e.getErrorCode() == 1927 // MariaDB ER_CONNECTION_KILLED
                || state.equals("70100");
    }

    /** The JDBC error as the adapters' callers see it: transient or not, naming {@code action}, keeping the cause. */
    static RuntimeException translate(String action, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        boolean transientError = e instanceof SQLTransientException
                // the connection was lost or killed under the statement (KILL CONNECTION, a failover): a new one may
                // succeed
                || connectionLost(e)
                || state.equals("40001") // deadlock / serialization failure
                || e.getErrorCode() == 1205 // lock wait timeout
                || e.getErrorCode() == 1213 // deadlock
                || e.getErrorCode() == 1317; // ER_QUERY_INTERRUPTED
        String message = action + ": " + e.getMessage();
        return transientError ? new TransientException(message, e) : new IllegalStateException(message, e);
    }
}
