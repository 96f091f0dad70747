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
 * (the format of RDS-managed secrets). The client is built for each read and closed after it: secrets are read on
 * first use, after an authentication failure and after a snapshot restore (see
 * {@link org.messageexport.config.CredentialSource}), never while a function is built, and no socket is kept.
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
