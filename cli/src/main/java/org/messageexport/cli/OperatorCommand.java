package org.messageexport.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.messageexport.config.OperatorEndpoints;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every operator command shares: the deployment options, the composition root ({@link Operator}), and the
 * output (text for people, one JSON document with {@code --json}). A command returns its exit code: 0 ok, 1 the job
 * failed or differences were found; bad usage and unknown jobs are exceptions that end in exit code 2.
 */
abstract class OperatorCommand implements Callable<Integer> {
    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** Where {@code --stack} outputs come from; a test may replace it. */
    static Function<String, Map<String, String>> stackOutputs = StackOutputs::of;

    @Spec
    CommandSpec spec;

    @Mixin
    TargetOptions target;

    @Override
    public final Integer call() throws Exception {
        validate();
        OperatorEndpoints endpoints = OperatorTarget.resolve(target, System.getenv(), stackOutputs);
        try (Operator operator = new Operator(endpoints)) {
            return run(operator);
        }
    }

    /** Checks the options before anything connects; throws {@link IllegalArgumentException} (exit code 2). */
    void validate() {}

    abstract int run(Operator operator) throws Exception;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    boolean json() {
        return target.json;
    }

    void printJson(Object value) throws Exception {
        out().println(JSON.writeValueAsString(value));
        out().flush();
    }
}
