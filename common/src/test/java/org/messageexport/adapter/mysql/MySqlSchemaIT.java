package org.messageexport.adapter.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.messageexport.config.DatabaseConfig;
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.embedded.EmbeddedServicesExtension;
import org.messageexport.embedded.MySqlEndpoint;
import org.messageexport.testing.TestServices;

@ExtendWith(EmbeddedServicesExtension.class)
class MySqlSchemaIT {
    private DataSource ds;

    @BeforeEach
    void setUp(EmbeddedServices services) {
        ds = TestServices.dataSource(services);
        TestServices.truncate(ds);
    }

    @Test
    void migrate_createsSeedTables_andOnUpdateTimestampChanges() throws Exception {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO job_runs (start_date, end_date) VALUES ('2026-11-01', '2026-11-02')");
            s.execute("INSERT INTO message_tracking (message_id, message_date, batch_id, start_date)"
                    + " VALUES ('m-1', '2026-11-01', 7, '2026-11-01')");
            try (ResultSet rs = s.executeQuery("SELECT status, next_run_date FROM job_runs")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("running");
                assertThat(rs.getDate(2)).isNull();
            }
            try (ResultSet rs =
                    s.executeQuery("SELECT status, batch_id, s3_path FROM message_tracking WHERE message_id = 'm-1'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("pending");
                assertThat(rs.getInt(2)).isEqualTo(7);
                assertThat(rs.getString(3)).isNull();
            }
            // put updated_at in the past, change another column: ON UPDATE CURRENT_TIMESTAMP must move it to now
            s.execute("UPDATE job_runs SET updated_at = '2020-01-01 00:00:00'");
            s.execute("UPDATE job_runs SET status = 'completed'");
            try (ResultSet rs = s.executeQuery("SELECT updated_at FROM job_runs")) {
                rs.next();
                Timestamp updated = rs.getTimestamp(1);
                assertThat(Duration.between(updated.toInstant(), Instant.now()).abs())
                        .isLessThan(Duration.ofMinutes(1));
            }
        }
    }

    @Test
    void sessionRunsInUtc() throws Exception {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT @@session.time_zone, UTC_TIMESTAMP() = NOW()")) {
            rs.next();
            assertThat(rs.getString(1)).isIn("+00:00", "UTC");
            assertThat(rs.getBoolean(2)).isTrue();
        }
    }

    @Test
    void requireCurrentSchema_namesPendingMigrations_onAnEmptyDatabase(EmbeddedServices services) throws Exception {
        MySqlEndpoint db = services.mysql();
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS " + db.database() + "_old");
        }
        String url = db.jdbcUrl() + "_old";
        try (var old = MySqlDatabase.pool(new DatabaseConfig(url, db.user(), db.password(), 2), "old")) {
            assertThatThrownBy(() -> MySqlDatabase.requireCurrentSchema(old))
                    .hasMessageStartingWith("database schema is older than this code expects (at none, needs V"
                            + MySqlDatabase.SCHEMA_VERSION + ")")
                    .hasMessageNotContaining("\n");
            MySqlDatabase.migrate(old);
            MySqlDatabase.requireCurrentSchema(old);
            try (Connection c = old.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("DELETE FROM flyway_schema_history WHERE version = '" + MySqlDatabase.SCHEMA_VERSION + "'");
            }
            int previous; // version numbers are given out to parallel branches: the one below may not be V(n-1) yet
            try (Connection c = old.getConnection();
                    Statement s = c.createStatement();
                    var rs = s.executeQuery(
                            "SELECT MAX(CAST(version AS UNSIGNED)) FROM flyway_schema_history WHERE success = 1")) {
                rs.next();
                previous = rs.getInt(1);
            }
            assertThat(previous).isLessThan(MySqlDatabase.SCHEMA_VERSION);
            assertThatThrownBy(() -> MySqlDatabase.requireCurrentSchema(old))
                    .hasMessageContaining("(at V" + previous + ", needs V" + MySqlDatabase.SCHEMA_VERSION + ")");
        } finally {
            try (Connection c = ds.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("DROP DATABASE " + db.database() + "_old");
            }
        }
    }
}
