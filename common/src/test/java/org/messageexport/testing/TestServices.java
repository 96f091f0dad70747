package org.messageexport.testing;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.messageexport.adapter.mysql.MySqlDatabase;
import org.messageexport.config.DatabaseConfig;
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.embedded.EmbeddedServicesExtension;
import org.messageexport.embedded.MySqlEndpoint;

/**
 * What integration tests share per test JVM: the embedded services and one migrated database pool. (The
 * functions' environment for the embedded services is local-kit's {@code LocalEndpoints}.)
 */
public final class TestServices {
    private static HikariDataSource dataSource;

    private TestServices() {}

    public static EmbeddedServices services(ExtensionContext context) {
        return EmbeddedServicesExtension.services(context);
    }

    /** One pool on the embedded database, migrated once. */
    public static synchronized HikariDataSource dataSource(EmbeddedServices services) {
        if (dataSource == null) {
            MySqlEndpoint db = services.mysql();
            dataSource = MySqlDatabase.pool(new DatabaseConfig(db.jdbcUrl(), db.user(), db.password(), 8), "test");
            MySqlDatabase.migrate(dataSource);
        }
        return dataSource;
    }

    /** Empties the job tables (tests in one JVM share the database). */
    public static void truncate(javax.sql.DataSource ds) {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.execute("TRUNCATE TABLE message_tracking");
            s.execute("TRUNCATE TABLE message_batches");
            s.execute("TRUNCATE TABLE job_runs");
            s.execute("TRUNCATE TABLE rejected_messages");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
