package org.messageexport.observability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * CloudWatch metrics in the Embedded Metric Format: one JSON line per {@link #emit()}, written to
 * stdout, which Lambda sends to CloudWatch Logs where the metrics are extracted. Not thread-safe: one
 * instance per unit of work.
 */
public final class Metrics {
    public static final String NAMESPACE = "MessageExport";
    private static final ObjectMapper JSON = new ObjectMapper();

    public enum Unit {
        Count,
        Milliseconds,
        Bytes
    }

    private record Value(double value, Unit unit) {}

    private final String function;
    private final Consumer<String> sink;
    private final Clock clock;
    private final Map<String, Value> values = new LinkedHashMap<>();
    private final Map<String, Object> properties = new LinkedHashMap<>();

    public Metrics(String function, Consumer<String> sink, Clock clock) {
        this.function = function;
        this.sink = sink;
        this.clock = clock;
    }

    public static Metrics toStdout(String function) {
        return new Metrics(function, System.out::println, Clock.systemUTC());
    }

    public Metrics put(String name, double value, Unit unit) {
        values.put(name, new Value(value, unit));
        return this;
    }

    /** A searchable property of the log line (e.g. jobId), not a metric dimension. */
    public Metrics property(String name, Object value) {
        properties.put(name, value);
        return this;
    }

    public void emit() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode aws = root.putObject("_aws");
        aws.put("Timestamp", clock.millis());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        directive.putArray("Dimensions").addArray().add("Function");
        ArrayNode metrics = directive.putArray("Metrics");
        root.put("Function", function);
        values.forEach((name, v) -> {
            metrics.addObject().put("Name", name).put("Unit", v.unit().name());
            root.put(name, v.value());
        });
        properties.forEach((k, v) -> root.set(k, JSON.valueToTree(v)));
        sink.accept(root.toString());
        values.clear();
    }
}
