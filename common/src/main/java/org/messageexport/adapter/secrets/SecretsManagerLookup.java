package org.messageexport.adapter.secrets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.messageexport.adapter.AwsClients;
import org.messageexport.config.AwsEndpointConfig;
import org.messageexport.config.ConfigException;
import org.messageexport.config.SecretLookup;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Reads JSON key/value secrets (the RDS secret format) from Secrets Manager, building its client only
 * when a secret is actually asked for: configurations without secret ARNs never touch AWS.
 */
public final class SecretsManagerLookup implements SecretLookup {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final AwsEndpointConfig endpoint;

    public SecretsManagerLookup(AwsEndpointConfig endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public Map<String, String> read(String secretArn) {
        String text;
        try (SecretsManagerClient client = AwsClients.configure(SecretsManagerClient.builder(), endpoint)
                .httpClient(UrlConnectionHttpClient.create())
                .build()) {
            text = client.getSecretValue(r -> r.secretId(secretArn)).secretString();
        } catch (SdkException e) {
            throw new ConfigException("secret " + secretArn + " cannot be read: " + e.getMessage());
        }
        try {
            return JSON.readValue(text, new TypeReference<Map<String, Object>>() {}).entrySet().stream()
                    .filter(e -> e.getValue() != null)
                    .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> String.valueOf(e.getValue())));
        } catch (JsonProcessingException e) {
            throw new ConfigException("secret " + secretArn + " is not a JSON object of key/value pairs");
        }
    }
}
