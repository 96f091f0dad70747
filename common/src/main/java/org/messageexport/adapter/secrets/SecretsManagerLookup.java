package org.messageexport.adapter.secrets;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Map;
import org.messageexport.config.ConfigException;
import org.messageexport.config.SecretLookup;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * {@link SecretLookup} on AWS Secrets Manager: the secret's {@code SecretString} as a flat JSON object
 * (the format of RDS-managed secrets). The client is built on first use, so a function configured
 * without secrets never builds it; it is closed after each read (secrets are read once, at init).
 */
public final class SecretsManagerLookup implements SecretLookup {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String region;

    public SecretsManagerLookup(String region) {
        this.region = region;
    }

    @Override
    public Map<String, String> read(String secretArn) {
        try (SecretsManagerClient client = SecretsManagerClient.builder()
                .region(Region.of(region))
                .httpClient(ApacheHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(3))
                        .socketTimeout(Duration.ofSeconds(10))
                        .build())
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(20)))
                .build()) {
            String secret = client.getSecretValue(r -> r.secretId(secretArn)).secretString();
            if (secret == null) {
                throw new ConfigException(
                        "secret " + secretArn + " has no SecretString (binary secrets are not supported)");
            }
            return JSON.readValue(secret, new TypeReference<Map<String, Object>>() {}).entrySet().stream()
                    .filter(e -> e.getValue() != null)
                    .collect(java.util.stream.Collectors.toUnmodifiableMap(
                            Map.Entry::getKey, e -> String.valueOf(e.getValue())));
        } catch (SdkException e) {
            throw new ConfigException("secret " + secretArn + " cannot be read: " + e.getMessage());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConfigException("secret " + secretArn + " is not a JSON object of key/value pairs");
        }
    }
}
