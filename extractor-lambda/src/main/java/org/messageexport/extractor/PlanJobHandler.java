package org.messageexport.extractor;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.util.Optional;
import org.messageexport.config.ConfigException;
import org.messageexport.config.Env;
import org.messageexport.config.StateMachineTask;
import org.messageexport.job.InvalidRequestException;
import org.messageexport.job.JobPlanner;
import org.messageexport.job.PlanRequest;
import org.messageexport.job.PlanResult;
import org.messageexport.observability.Metrics;

/** "Plan job": which window this execution works on, if any. */
public final class PlanJobHandler extends TaskHandler<PlanJobHandler.Input, PlanResult> {
    /** {@code request} is the execution input: {} when scheduled, or {startDate, endDate, reexport} by hand. */
    public record Input(JsonNode request, String executionId) {}

    private final JobPlanner planner;

    public PlanJobHandler() {
        this(ExtractorRuntime.fromEnvironment());
    }

    public PlanJobHandler(ExtractorRuntime runtime) {
        this(runtime.jobPlanner());
    }

    PlanJobHandler(JobPlanner planner) {
        super(Input.class);
        this.planner = planner;
    }

    @Override
    protected PlanResult handle(Input input, Context context) {
        return planner.plan(request(input), Metrics.toStdout(StateMachineTask.PLAN_JOB.functionName()));
    }

    static PlanRequest request(Input input) {
        JsonNode r = input.request();
        if (r != null && !r.isNull() && !r.isObject()) {
            throw new InvalidRequestException("execution input must be a JSON object, got " + r.getNodeType());
        }
        if (r != null) {
            for (String key : (Iterable<String>) r::fieldNames) {
                if (!PlanRequest.FIELDS.contains(key)) {
                    throw new InvalidRequestException("execution input has an unknown key '" + key + "'; allowed: "
                            + String.join(", ", PlanRequest.FIELDS) + " (none: the next scheduled window)");
                }
            }
        }
        return new PlanRequest(input.executionId(), date(r, "startDate"), date(r, "endDate"), flag(r, "reexport"));
    }

    private static Optional<LocalDate> date(JsonNode request, String field) {
        JsonNode v = request == null ? null : request.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw new InvalidRequestException(field + " must be a date string yyyy-MM-dd, got " + v);
        }
        try {
            return Optional.of(Env.parseDate(field, v.asText()));
        } catch (ConfigException e) {
            throw new InvalidRequestException(e.getMessage());
        }
    }

    private static boolean flag(JsonNode request, String field) {
        JsonNode v = request == null ? null : request.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new InvalidRequestException(field + " must be true or false, got " + v);
        }
        return v.booleanValue();
    }
}
