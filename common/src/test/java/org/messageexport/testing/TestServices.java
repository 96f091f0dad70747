package org.messageexport.testing;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.messageexport.adapter.mysql.MySqlDatabase;
import org.messageexport.config.DatabaseConfig;
import org.messageexport.config.EnvNames;
import org.messageexport.config.LocalEndpoints;
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.embedded.EmbeddedServicesExtension;
import org.messageexport.embedded.MySqlEndpoint;

/**
 * What integration tests share per test JVM: the embedded services, one migrated database pool, and
 * the environment the functions would read in AWS, pointing at the embedded services.
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
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static LocalEndpoints localEndpoints(EmbeddedServices services) {
        MySqlEndpoint db = services.mysql();
        return new LocalEndpoints(
                services.elasticsearchUrl(),
                db.jdbcUrl(),
                db.user(),
                db.password(),
                services.s3().url(),
                services.sqs().url(),
                services.s3().region(),
                services.s3().accessKeyId(),
                services.s3().secretAccessKey());
    }

    /** The function environment for the embedded services (as CDK would set it in AWS). */
    public static Map<String, String> environment(EmbeddedServices services, String bucket, String queueUrl) {
        Map<String, String> env = localEndpoints(services).environment();
        if (bucket != null) {
            env.put(EnvNames.BUCKET, bucket);
        }
        if (queueUrl != null) {
            env.put(EnvNames.QUEUE_URL, queueUrl);
        }
        return env;
    }
}
