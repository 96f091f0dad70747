package org.messageexport.statemachine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The export job's state machine: the Amazon States Language text of {@code export-job.asl.json}, the single source of
 * truth for AWS (CDK passes the function ARNs as DefinitionSubstitutions) and for local runs (which substitute loopback
 * ARNs, see {@link #withLocalFunctionArns(Map)}). Which function fills which placeholder is the task table's
 * ({@code org.messageexport.config.StateMachineTask} in common); this class knows no task.
 *
 * <p>Placeholders are written {@code ${Name}}, the syntax of CloudFormation's {@code Fn::Sub} that CDK's
 * DefinitionSubstitutions use; each sits inside a JSON string. Instances are immutable and thread-safe.
 */
public final class StateMachineDefinition {

    /** Classpath location of the definition. */
    public static final String RESOURCE = "/org/messageexport/statemachine/export-job.asl.json";

    /** Name for the state machine in ARNs of local runs; also the definition's file name without {@code .asl.json}. */
    public static final String STATE_MACHINE_NAME = "export-job";

    /** Region and account of the ARNs in local runs (those of the Node driver too). */
    public static final String LOCAL_REGION = "us-east-1";

    public static final String LOCAL_ACCOUNT = "123456789012";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z][A-Za-z0-9_.:-]*)}");

    private final String text;
    private final Set<String> placeholders;

    private StateMachineDefinition(String text) {
        this.text = Objects.requireNonNull(text, "text");
        Set<String> found = new LinkedHashSet<>();
        Matcher matcher = PLACEHOLDER.matcher(text);
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        this.placeholders = Collections.unmodifiableSet(found);
    }

    /** The export job's definition from the classpath. */
    public static StateMachineDefinition load() {
        try (InputStream in = StateMachineDefinition.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("State machine definition " + RESOURCE + " is not on the classpath");
            }
            return new StateMachineDefinition(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read state machine definition " + RESOURCE, e);
        }
    }

    /** A definition from text, e.g. a variant in a test. */
    public static StateMachineDefinition of(String text) {
        return new StateMachineDefinition(text);
    }

    /** The definition with its placeholders, as written. */
    public String text() {
        return text;
    }

    /**
     * The definition with the execution's timeout (the top-level {@code TimeoutSeconds}) set to {@code seconds}: CDK
     * applies its own {@code timeout} only to definitions it builds itself, not to one given as text, so the stack sets
     * its setting here. Placeholders are untouched.
     */
    public StateMachineDefinition withTimeoutSeconds(long seconds) {
        if (seconds <= 0) {
            throw new IllegalArgumentException("TimeoutSeconds must be positive, got " + seconds);
        }
        ObjectMapper json = new ObjectMapper();
        try {
            ObjectNode root = (ObjectNode) json.readTree(text);
            root.put("TimeoutSeconds", seconds);
            return new StateMachineDefinition(
                    json.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the state machine definition is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The execution's timeout: the top-level {@code TimeoutSeconds}, or -1 when there is none. */
    public long timeoutSeconds() {
        try {
            return new ObjectMapper().readTree(text).path("TimeoutSeconds").asLong(-1);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the state machine definition is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The names inside {@code ${...}}, in order of first appearance. */
    public Set<String> placeholders() {
        return placeholders;
    }

    /**
     * The definition with every placeholder replaced by its value (JSON-escaped, since every placeholder is inside a JSON
     * string). Values for names that do not occur are ignored, as CDK ignores them.
     *
     * @throws IllegalArgumentException naming every placeholder without a value
     */
    public String substitute(Map<String, String> values) {
        Objects.requireNonNull(values, "values");
        List<String> missing = new ArrayList<>();
        for (String name : placeholders) {
            if (values.get(name) == null) {
                missing.add("${" + name + "}");
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("No value for state machine placeholder " + String.join(", ", missing)
                    + " (needed: " + String.join(", ", placeholders) + ")");
        }
        JsonStringEncoder encoder = JsonStringEncoder.getInstance();
        return PLACEHOLDER
                .matcher(text)
                .replaceAll(match ->
                        Matcher.quoteReplacement(new String(encoder.quoteAsString(values.get(match.group(1))))));
    }

    /**
     * The definition with every function ARN placeholder replaced by the local ARN of the function it names
     * ({@link #localFunctionArns}).
     *
     * @param functionNames placeholder → local function name, e.g. {@code PlanJobFunctionArn → plan-job} (the task
     *     table's {@code StateMachineTask.functionNamesByPlaceholder()})
     */
    public String withLocalFunctionArns(Map<String, String> functionNames) {
        return substitute(localFunctionArns(functionNames));
    }

    /** Placeholder → local ARN, e.g. {@code PlanJobFunctionArn → …:function:plan-job}. */
    public static Map<String, String> localFunctionArns(Map<String, String> functionNames) {
        Map<String, String> arns = new LinkedHashMap<>();
        functionNames.forEach((placeholder, name) -> arns.put(placeholder, localFunctionArn(name)));
        return Collections.unmodifiableMap(arns);
    }

    /** {@code arn:aws:lambda:us-east-1:123456789012:function:<functionName>}. */
    public static String localFunctionArn(String functionName) {
        if (functionName == null || functionName.isBlank() || functionName.contains(":")) {
            throw new IllegalArgumentException("Not a bare Lambda function name: " + functionName);
        }
        return "arn:aws:lambda:" + LOCAL_REGION + ":" + LOCAL_ACCOUNT + ":function:" + functionName;
    }
}
