package org.messageexport.embedded;

import java.net.URI;

/** Where an AWS-compatible local service listens, and the static credentials it accepts. */
public record AwsEndpoint(URI url, String region, String accessKeyId, String secretAccessKey) {}
