package org.messageexport.config;

import java.util.Map;
import java.util.Objects;

/**
 * MySQL: JDBC URL (jdbc:mysql://host:port/db), where the credentials come from (env, or a Secrets Manager secret read
 * on first use), the pool size, and whether TLS is required ({@value EnvNames#REQUIRE_TLS}: the URL then carries
 * {@code sslMode=VERIFY_IDENTITY}).
 */
public record DatabaseConfig(String url, CredentialSource credentials, int poolSize) {
    /** The planner holds its lock connection while it needs another: one connection would deadlock it. */
    public static final int MIN_POOL_SIZE = 2;

    public static final int MAX_POOL_SIZE = 100;

    public DatabaseConfig {
        Objects.requireNonNull(credentials, "credentials");
        if (!url.startsWith("jdbc:mysql://") && !url.startsWith("jdbc:mariadb://")) {
            throw new ConfigException(EnvNames.DB_URL + " must start with jdbc:mysql://, got '" + url + "'");
        }
        if (poolSize < MIN_POOL_SIZE || poolSize > MAX_POOL_SIZE) {
            throw ConfigException.of(
                    EnvNames.DB_POOL_SIZE,
                    "must be from " + MIN_POOL_SIZE + " to " + MAX_POOL_SIZE + " (the planner holds its lock"
                            + " connection while it needs another), got " + poolSize);
        }
    }

    /** Fixed credentials (local runs, tests). */
    public DatabaseConfig(String url, String username, String password, int poolSize) {
        this(url, CredentialSource.fixed(Credentials.basic(username, password == null ? "" : password)), poolSize);
    }

    public static DatabaseConfig from(Env env, SecretLookup secrets) {
        String url = env.required(EnvNames.DB_URL);
        if (env.bool(EnvNames.REQUIRE_TLS, false)) {
            url = TransportSecurity.requireVerifiedTls(EnvNames.DB_URL, url);
        }
        String user = env.optional(EnvNames.DB_USERNAME).orElse(null);
        String password = env.optional(EnvNames.DB_PASSWORD).orElse(null);
        CredentialSource credentials;
        if (env.optional(EnvNames.DB_SECRET_ARN).isPresent() && password == null) {
            String arn = env.required(EnvNames.DB_SECRET_ARN);
            String userOverride = user;
            credentials = CredentialSource.secret(arn, secrets, secret -> fromSecret(arn, secret, userOverride));
        } else {
            credentials = CredentialSource.fixed(Credentials.basic(
                    user == null ? env.required(EnvNames.DB_USERNAME) : user, password == null ? "" : password));
        }
        return new DatabaseConfig(
                url, credentials, env.integer(EnvNames.DB_POOL_SIZE, MIN_POOL_SIZE, MIN_POOL_SIZE, MAX_POOL_SIZE));
    }

    private static Credentials fromSecret(String arn, Map<String, String> secret, String userOverride) {
        String user = userOverride != null ? userOverride : secret.get("username");
        String password = secret.get("password");
        if (user == null || password == null) {
            throw new ConfigException(
                    EnvNames.DB_SECRET_ARN + " " + arn + " must name a secret with 'username' and" + " 'password'");
        }
        return Credentials.basic(user, password);
    }

    /** The same database with another pool size. */
    public DatabaseConfig withPoolSize(int size) {
        return new DatabaseConfig(url, credentials, size);
    }
}
