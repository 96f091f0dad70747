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
    static final String OPENSEARCH_DOMAIN = "arn:aws:es:eu-west-1:123456789012:domain/messages";

    static final Map<String, Object> REQUIRED = Map.of(
            "vpcId", "vpc-0123456789abcdef0",
            "availabilityZones", "eu-west-1a,eu-west-1b",
            "subnetIds", "subnet-0aaaaaaaaaaaaaaaa,subnet-0bbbbbbbbbbbbbbbb",
            "esUrl", "https://search.internal:9200",
            "dbUrl", "jdbc:mysql://db.internal:3306/export",
            "esSecretArn", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:export/es-AbCdEf",
            "dbSecretArn", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:export/db-GhIjKl",
            "firstStartDate", "2026-01-01");

    /** An override with this value removes the key (e.g. a required key that a variant does without). */
    static final String ABSENT = "<absent>";

    private static Synthesized defaults;
    private static final Map<String, Synthesized> VARIANTS = new LinkedHashMap<>();

    /**
     * The optional shapes every template test and cfn-lint look at, by name: the context overrides of each (the
     * defaults are {@link #defaults()}).
     */
    static final Map<String, Map<String, Object>> VARIANT_OVERRIDES = variantOverrides();

    private static Map<String, Map<String, Object>> variantOverrides() {
        Map<String, Map<String, Object>> variants = new LinkedHashMap<>();
        variants.put("kms-bucket", Map.of("bucketEncryption", "KMS"));
        variants.put("existing-bucket", Map.of("bucketName", "corp-message-archive", "keyPrefix", "exports/messages"));
        variants.put(
                "tracing-disabled-schedule",
                Map.of("tracing", true, "scheduleEnabled", false, "scheduleExpression", "rate(6 hours)"));
        variants.put(
                "service-groups-plain-http",
                Map.of(
                        "securityGroupIds", "sg-0123456789abcdef0,sg-0fedcba9876543210",
                        "dbSecurityGroupId", "sg-0aaaaaaaaaaaaaaa1",
                        "esSecurityGroupId", "sg-0bbbbbbbbbbbbbbb2",
                        "esUrl", "http://search.internal:9200",
                        "esAllowPlainHttp", true,
                        "dbUrl", "jdbc:mysql://db.internal:3307/export?sslMode=VERIFY_IDENTITY"));
        variants.put(
                "opensearch-sigv4",
                Map.of(
                        "searchEngine",
                        "opensearch",
                        "searchDomainArn",
                        OPENSEARCH_DOMAIN,
                        "esUrl",
                        "https://vpc-messages-abc123.eu-west-1.es.amazonaws.com",
                        "esSecretArn",
                        ABSENT));
        return variants;
    }

    /** A variant of {@link #VARIANT_OVERRIDES}, synthesized once per test JVM. */
    static synchronized Synthesized variant(String name) {
        Map<String, Object> overrides = VARIANT_OVERRIDES.get(name);
        if (overrides == null) {
            throw new IllegalArgumentException("no variant " + name);
        }
        return VARIANTS.computeIfAbsent(name, n -> synthesize(overrides));
    }

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
        context.values().removeIf(ABSENT::equals);
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
