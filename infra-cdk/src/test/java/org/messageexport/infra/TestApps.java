package org.messageexport.infra;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Template;

/**
 * Builds the app the way {@code cdk synth} does: {@code new App()} in a test does not read cdk.json,
 * so its context is loaded here and passed in, plus the required keys that a deployment gives with
 * {@code -c} (the same values as the README's offline synth example).
 */
final class TestApps {
    static final ObjectMapper JSON = new ObjectMapper();

    /** The README's example values for the required keys. */
    static final Map<String, Object> REQUIRED = Map.of(
            "vpcId", "vpc-0123456789abcdef0",
            "availabilityZones", "eu-west-1a,eu-west-1b",
            "subnetIds", "subnet-0aaaaaaaaaaaaaaaa,subnet-0bbbbbbbbbbbbbbbb",
            "esUrl", "https://search.internal:9200",
            "dbUrl", "jdbc:mysql://db.internal:3306/export",
            "esSecretArn", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:export/es-AbCdEf",
            "dbSecretArn", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:export/db-GhIjKl");

    private static Synthesized defaults;

    private TestApps() {}

    record Synthesized(App app, MessageExportStack stack, Template template, Map<String, Object> json) {}

    /** cdk.json + the required keys; built once per test JVM (a synth takes seconds). */
    static synchronized Synthesized defaults() {
        if (defaults == null) {
            defaults = synthesize(Map.of());
        }
        return defaults;
    }

    static Map<String, Object> cdkJsonContext() {
        try {
            Map<String, Object> cdkJson = JSON.readValue(Path.of("cdk.json").toFile(), new TypeReference<>() {});
            @SuppressWarnings("unchecked")
            Map<String, Object> context = (Map<String, Object>) cdkJson.get("context");
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Object> context(Map<String, Object> overrides) {
        Map<String, Object> context = new LinkedHashMap<>(cdkJsonContext());
        context.putAll(REQUIRED);
        context.putAll(overrides);
        return context;
    }

    /** An app from cdk.json, the required keys and {@code overrides}; no environment variables. */
    static Synthesized synthesize(Map<String, Object> overrides) {
        App app = new App(AppProps.builder().context(context(overrides)).build());
        MessageExportStack stack = MessageExportApp.build(app, Map.of());
        Template template = Template.fromStack(stack);
        return new Synthesized(app, stack, template, template.toJSON());
    }
}
