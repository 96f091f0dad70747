package org.messageexport.extractor;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.messageexport.adapter.mysql.MySqlDatabase;
import org.messageexport.config.DatabaseConfig;
import org.messageexport.config.Env;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the Flyway migrations; invoked by the CDK trigger during each deployment that changes it, before any
 * SnapStart version is published (whatever its payload). A failure throws, which fails the deployment. Building it
 * reads the environment only: the secret is read and the pool opened per invocation.
 */
public final class MigrateDatabaseHandler implements RequestStreamHandler {
    private static final Logger log = LoggerFactory.getLogger(MigrateDatabaseHandler.class);
    private final DatabaseConfig config;

    public MigrateDatabaseHandler() {
        this(DatabaseConfig.from(new Env(System.getenv()), ExtractorRuntime.secretLookup()));
    }

    MigrateDatabaseHandler(DatabaseConfig config) {
        this.config = config;
    }

    @Override
    public void handleRequest(InputStream in, OutputStream out, Context context) throws IOException {
        // the secret is read fresh on each (rare) invocation
        int applied = MySqlDatabase.migrate(config, "migrate");
        log.info("database migrated: {} migrations applied", applied);
        out.write(("{\"migrationsApplied\":" + applied + "}").getBytes(StandardCharsets.UTF_8));
    }
}
