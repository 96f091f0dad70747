package org.messageexport.adapter.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.messageexport.config.CredentialSource;
import org.messageexport.config.Credentials;
import org.messageexport.config.DatabaseConfig;
import org.messageexport.config.SecretLookup;
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.embedded.EmbeddedServicesExtension;
import org.messageexport.embedded.MySqlEndpoint;
import org.messageexport.testing.TestServices;

/**
 * The functions' connections against the embedded MySQL: nothing connects before the first use, the schema is checked
 * once on the first connection (again after a restore), a rejected password makes the secret be read again once.
 */
@ExtendWith(EmbeddedServicesExtension.class)
class MySqlConnectionsIT {
    private static final AtomicInteger N = new AtomicInteger();

    private DataSource admin;
    private MySqlEndpoint db;
    private String database;
    private String user;
    private MySqlConnections connections;

    @BeforeEach
    void setUp(EmbeddedServices services) throws Exception {
        admin = TestServices.dataSource(services);
        db = services.mysql();
        int n = N.incrementAndGet();
        database = db.database() + "_conn" + n;
        user = "export_fn_" + ProcessHandle.current().pid() + "_" + n;
        execute("CREATE DATABASE " + database);
        execute("CREATE USER '" + user + "'@'%' IDENTIFIED BY 'first-password'");
        execute("GRANT ALL ON " + database + ".* TO '" + user + "'@'%'");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (connections != null) {
            connections.close();
        }
        execute("DROP USER IF EXISTS '" + user + "'@'%'");
        execute("DROP DATABASE IF EXISTS " + database);
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = admin.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private String url() {
        return db.jdbcUrl().substring(0, db.jdbcUrl().lastIndexOf('/') + 1) + database;
    }

    /** A secret store that hands out the given passwords in turn (the last one again when they run out). */
    private static SecretLookup rotatingSecret(String user, String... passwords) {
        Deque<String> left = new ArrayDeque<>(List.of(passwords));
        return arn -> Map.of("username", user, "password", left.size() > 1 ? left.poll() : left.peek());
    }

    private CredentialSource secret(SecretLookup lookup) {
        return CredentialSource.secret(
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
                lookup,
                s -> Credentials.basic(s.get("username"), s.get("password")));
    }

    private static int one(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void building_connectsToNothing_andReadsNoSecret() {
        AtomicInteger reads = new AtomicInteger();
        CredentialSource credentials = secret(arn -> {
            reads.incrementAndGet();
            return Map.of("username", "u", "password", "p");
        });
        // port 1 on loopback: any connection attempt would fail
        connections = new MySqlConnections(new DatabaseConfig("jdbc:mysql://127.0.0.1:1/none", credentials, 2), "t");
        assertThat(connections.connected()).isFalse();
        assertThat(reads).hasValue(0);
    }

    @Test
    void firstConnection_checksTheSchemaOnce_andAgainAfterARestore() throws Exception {
        connections = new MySqlConnections(new DatabaseConfig(url(), user, "first-password", 2), "t");
        assertThatThrownBy(connections::getConnection)
                .hasMessageStartingWith("database schema is older than this code expects (at none");
        try (var migrate = MySqlDatabase.pool(new DatabaseConfig(url(), user, "first-password", 2), "m")) {
            MySqlDatabase.migrate(migrate);
        }
        try (Connection c = connections.getConnection()) {
            assertThat(one(c)).isEqualTo(1);
        }
        execute("DELETE FROM " + database + ".flyway_schema_history");
        try (Connection c = connections.getConnection()) {
            assertThat(one(c)).as("the check passed once and is not repeated").isEqualTo(1);
        }
        connections.restored();
        assertThatThrownBy(connections::getConnection)
                .hasMessageStartingWith("database schema is older than this code expects (at none");
    }

    @Test
    void accessDenied_readsTheSecretAgainOnce_andConnectsWithTheNewPassword() throws Exception {
        try (var migrate = MySqlDatabase.pool(new DatabaseConfig(url(), user, "first-password", 2), "m")) {
            MySqlDatabase.migrate(migrate);
        }
        execute("ALTER USER '" + user + "'@'%' IDENTIFIED BY 'rotated-password'");
        AtomicInteger reads = new AtomicInteger();
        SecretLookup store = rotatingSecret(user, "first-password", "rotated-password");
        CredentialSource credentials = secret(arn -> {
            reads.incrementAndGet();
            return store.read(arn);
        });
        connections = new MySqlConnections(new DatabaseConfig(url(), credentials, 2), "t");

        try (Connection c = connections.getConnection()) {
            assertThat(one(c)).isEqualTo(1);
        }
        assertThat(reads).as("read at first use, again after access denied").hasValue(2);
    }

    @Test
    void accessDenied_withAnUnchangedSecret_failsWithoutAnotherTry() {
        AtomicInteger reads = new AtomicInteger();
        CredentialSource credentials = secret(arn -> {
            reads.incrementAndGet();
            return Map.of("username", user, "password", "wrong-password");
        });
        connections = new MySqlConnections(new DatabaseConfig(url(), credentials, 2), "t");
        assertThatThrownBy(connections::getConnection)
                .satisfies(e -> assertThat(MySqlConnections.isAccessDenied(e)).isTrue());
        assertThat(reads).hasValue(2);
    }

    @Test
    void connectionKilledByTheServer_aReadIsAskedAgainOnAnotherConnection_aWriteIsNot() throws Exception {
        try (var migrate = MySqlDatabase.pool(new DatabaseConfig(url(), user, "first-password", 2), "m")) {
            MySqlDatabase.migrate(migrate);
        }
        connections = new MySqlConnections(new DatabaseConfig(url(), user, "first-password", 2), "t");
        // the next connection handed out is killed by the server first (as a failover or KILL CONNECTION does to a
        // pooled connection between two uses)
        AtomicInteger toKill = new AtomicInteger();
        DataSource killing = (DataSource) java.lang.reflect.Proxy.newProxyInstance(
                DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    Object result = method.invoke(connections, args);
                    if (method.getName().equals("getConnection") && toKill.getAndDecrement() > 0) {
                        kill((Connection) result);
                    }
                    return result;
                });
        Jdbc jdbc = new Jdbc(killing);

        toKill.set(1);
        assertThat(jdbc.query("probe", "SELECT 1", ps -> {}, rs -> rs.getInt(1)))
                .containsExactly(1);
        assertThat(toKill).as("the first connection was killed").hasValueLessThan(0);

        toKill.set(Jdbc.READ_ATTEMPTS);
        assertThatThrownBy(() -> jdbc.query("probe", "SELECT 1", ps -> {}, rs -> rs.getInt(1)))
                .as("every try met a killed connection")
                .isInstanceOf(org.messageexport.port.TransientException.class)
                .hasMessageStartingWith("probe: ");

        toKill.set(1);
        assertThatThrownBy(() -> jdbc.update("write", "DELETE FROM job_runs WHERE job_id = ?", ps -> ps.setLong(1, 0)))
                .isInstanceOf(org.messageexport.port.TransientException.class)
                .hasMessageStartingWith("write: ");
        assertThat(toKill).as("a write is tried once").hasValue(0);
    }

    private void kill(Connection c) throws SQLException {
        long id;
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT CONNECTION_ID()")) {
            rs.next();
            id = rs.getLong(1);
        }
        execute("KILL CONNECTION " + id);
    }

    @Test
    void disconnect_closesThePool_andTheNextUseBuildsANewOne() throws Exception {
        try (var migrate = MySqlDatabase.pool(new DatabaseConfig(url(), user, "first-password", 2), "m")) {
            MySqlDatabase.migrate(migrate);
        }
        connections = new MySqlConnections(new DatabaseConfig(url(), user, "first-password", 2), "t");
        try (Connection c = connections.getConnection()) {
            one(c);
        }
        assertThat(connections.connected()).isTrue();
        connections.disconnect();
        assertThat(connections.connected()).isFalse();
        try (Connection c = connections.getConnection()) {
            assertThat(one(c)).isEqualTo(1);
        }
    }
}
