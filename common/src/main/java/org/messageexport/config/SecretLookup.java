package org.messageexport.config;

import java.util.Map;

/** Reads a secret's key/value pairs by ARN (Secrets Manager in AWS). */
@FunctionalInterface
public interface SecretLookup {
    Map<String, String> read(String secretArn);

    SecretLookup NONE = arn -> {
        throw new ConfigException("secret " + arn + " cannot be read here: no secret store is configured");
    };
}
