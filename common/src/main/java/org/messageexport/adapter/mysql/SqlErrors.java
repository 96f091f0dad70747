package org.messageexport.adapter.mysql;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import org.messageexport.port.TransientException;

/** Translates JDBC errors at the adapter boundary: lost connections, timeouts and deadlocks are transient. */
final class SqlErrors {
    private SqlErrors() {}

    static RuntimeException translate(String action, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        boolean transientError = e instanceof SQLTransientException
                || e instanceof SQLRecoverableException
                || state.startsWith("08") // connection exceptions
                || state.equals("40001") // deadlock / serialization failure
                || e.getErrorCode() == 1205 // lock wait timeout
                || e.getErrorCode() == 1213; // deadlock
        String message = action + ": " + e.getMessage();
        return transientError ? new TransientException(message, e) : new IllegalStateException(message, e);
    }

    static String placeholders(int n) {
        return "?,".repeat(n - 1) + "?";
    }
}
