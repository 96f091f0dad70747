package org.messageexport.config;

import java.net.URI;
import java.util.Optional;

/**
 * Where an AWS client connects: the region's service endpoint (endpoint empty), or an S3/SQS-compatible
 * server for local runs, with static credentials when given.
 */
public record AwsEndpointConfig(Optional<URI> endpoint, String region, String accessKeyId, String secretAccessKey) {
    public static AwsEndpointConfig from(Env env, String endpointVariable) {
        return new AwsEndpointConfig(
                env.uri(endpointVariable),
                env.string("AWS_REGION", "us-east-1"),
                env.optional("AWS_ACCESS_KEY_ID").orElse(null),
                env.optional("AWS_SECRET_ACCESS_KEY").orElse(null));
    }
}
