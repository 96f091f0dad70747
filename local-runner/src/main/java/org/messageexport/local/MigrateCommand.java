package org.messageexport.local;

import java.util.concurrent.Callable;
import org.messageexport.adapter.mysql.MySqlDatabase;
import org.messageexport.config.DatabaseConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Applies the Flyway migrations to a MySQL database (the same ones the deploy-time migrate function runs). */
@Command(
        name = "migrate",
        mixinStandardHelpOptions = true,
        description = "Apply the database migrations to a MySQL/MariaDB database.")
final class MigrateCommand implements Callable<Integer> {
    @Option(names = "--jdbc-url", required = true, description = "e.g. jdbc:mysql://127.0.0.1:3306/message_export")
    String jdbcUrl;

    @Option(names = "--db-user", defaultValue = "root")
    String user;

    @Option(names = "--db-password", defaultValue = "")
    String password;

    @Override
    public Integer call() {
        int applied = MySqlDatabase.migrate(new DatabaseConfig(jdbcUrl, user, password, 2), "migrate");
        System.out.println("migrated " + jdbcUrl + ": " + applied + " migrations applied");
        return 0;
    }
}
