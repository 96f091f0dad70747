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
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("org.messageexport.metrics");

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

    /**
     * EMF lines on stdout, where Lambda picks them up; with {@code -Dmessageexport.metrics=log} (local
     * runs, whose stdout is a person's console) to the debug log instead.
     */
    public static Metrics toStdout(String function) {
        Consumer<String> sink =
                "log".equals(System.getProperty("messageexport.metrics")) ? LOG::debug : System.out::println;
        return new Metrics(function, sink, Clock.systemUTC());
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
