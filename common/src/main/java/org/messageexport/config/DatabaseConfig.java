package org.messageexport.config;

import java.util.Map;

/** MySQL: JDBC URL (jdbc:mysql://host:port/db), credentials from env or a Secrets Manager secret. */
public record DatabaseConfig(String url, String username, String password, int poolSize) {
    public DatabaseConfig {
        if (!url.startsWith("jdbc:mysql://") && !url.startsWith("jdbc:mariadb://")) {
            throw new ConfigException(EnvNames.DB_URL + " must start with jdbc:mysql://, got '" + url + "'");
        }
    }

    public static DatabaseConfig from(Env env, SecretLookup secrets) {
        String user = env.optional(EnvNames.DB_USERNAME).orElse(null);
        String password = env.optional(EnvNames.DB_PASSWORD).orElse(null);
        if (env.optional(EnvNames.DB_SECRET_ARN).isPresent() && password == null) {
            Map<String, String> secret = secrets.read(env.required(EnvNames.DB_SECRET_ARN));
            user = user != null ? user : secret.get("username");
            password = secret.get("password");
            if (user == null || password == null) {
                throw new ConfigException(
                        EnvNames.DB_SECRET_ARN + " must name a secret with 'username' and 'password'");
            }
        }
        return new DatabaseConfig(
                env.required(EnvNames.DB_URL),
                user == null ? env.required(EnvNames.DB_USERNAME) : user,
                password == null ? "" : password,
                env.positiveInt(EnvNames.DB_POOL_SIZE, 2));
    }
}
