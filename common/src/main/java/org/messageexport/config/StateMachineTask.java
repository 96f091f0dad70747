package org.messageexport.config;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The state machine's task functions, one row per function that a Task state of {@code export-job.asl.json}
 * invokes: the one table that the CDK stack (one Lambda function per row) and the local deployment (one
 * in-process function per row) both iterate. The ASL file stays the one source of the flow; a test keeps this
 * table's placeholders equal to the definition's.
 *
 * <p>Adding a task: a row here, a state in the ASL naming its placeholder, and a handler in extractor-lambda
 * ({@code ExtractorRuntime.handler} switches over this enum, so the compiler asks for it). JDK only: the CDK
 * app reads it without common's dependencies.
 */
public enum StateMachineTask {
    PLAN_JOB(
            "PlanJob",
            "PlanJobFunctionArn",
            "plan-job",
            "org.messageexport.extractor.PlanJobHandler",
            "Plans the next export window, a window retry or a late-arrival follow-up, or resumes a running job, after a"
                    + " preflight of the indices and fields",
            EnumSet.of(Need.ELASTICSEARCH)),
    EXTRACT_PAGE(
            "ExtractPage",
            "ExtractPageFunctionArn",
            "extract-page",
            "org.messageexport.extractor.ExtractPageHandler",
            "Pages message ids into tracking rows and batches on the work queue",
            EnumSet.of(Need.ELASTICSEARCH, Need.SEND_BATCHES)),
    CHECK_PROGRESS(
            "CheckProgress",
            "CheckProgressFunctionArn",
            "check-progress",
            "org.messageexport.extractor.CheckProgressHandler",
            "Counts tracking rows by status and sends stalled batches again",
            EnumSet.of(Need.SEND_BATCHES)),
    FINALIZE_JOB(
            "FinalizeJob",
            "FinalizeJobFunctionArn",
            "finalize-job",
            "org.messageexport.extractor.FinalizeJobHandler",
            "Proves the window complete, completes or fails the job, and writes its manifest",
            EnumSet.of(Need.ELASTICSEARCH, Need.WRITE_EXPORTS)),
    MARK_JOB_FAILED(
            "MarkJobFailed",
            "MarkJobFailedFunctionArn",
            "mark-job-failed",
            "org.messageexport.extractor.MarkJobFailedHandler",
            "Records an uncaught error as the job's failure",
            EnumSet.noneOf(Need.class));

    /** What a task uses besides MySQL (which every task uses): its function gets the variables and grants of each. */
    public enum Need {
        /** Reads the messages index (and, for the preflight, the side indices' mappings): its URL and its secret. */
        ELASTICSEARCH,
        /** Sends batch messages to the work queue. */
        SEND_BATCHES,
        /** Writes objects under the export prefix of the archive bucket (the manifest); reads nothing back. */
        WRITE_EXPORTS
    }

    private final String id;
    private final String placeholder;
    private final String functionName;
    private final String handlerClass;
    private final String description;
    private final Set<Need> needs;

    StateMachineTask(
            String id,
            String placeholder,
            String functionName,
            String handlerClass,
            String description,
            EnumSet<Need> needs) {
        this.id = id;
        this.placeholder = placeholder;
        this.functionName = functionName;
        this.handlerClass = handlerClass;
        this.description = description;
        this.needs = Collections.unmodifiableSet(needs);
    }

    /** The CDK construct id of the task's function, e.g. {@code PlanJob}. */
    public String id() {
        return id;
    }

    /** The name inside {@code ${...}} in the ASL whose value is this function's ARN, e.g. {@code PlanJobFunctionArn}. */
    public String placeholder() {
        return placeholder;
    }

    /**
     * The function's name in local runs (the loopback Lambda Invoke API) and in its metrics, e.g.
     * {@code plan-job}.
     */
    public String functionName() {
        return functionName;
    }

    /** The handler class Lambda instantiates (public no-argument constructor), in extractor-lambda.jar. */
    public String handlerClass() {
        return handlerClass;
    }

    /** The handler as Lambda's configuration names it: {@code <class>::handleRequest}. */
    public String lambdaHandler() {
        return handlerClass + "::handleRequest";
    }

    public String description() {
        return description;
    }

    public boolean needs(Need need) {
        return needs.contains(need);
    }

    /** Everything the task uses besides MySQL. */
    public Set<Need> needs() {
        return needs;
    }

    /** Placeholder → local function name of every task (what a local run substitutes into the ASL). */
    public static Map<String, String> functionNamesByPlaceholder() {
        Map<String, String> names = new LinkedHashMap<>();
        for (StateMachineTask task : values()) {
            names.put(task.placeholder, task.functionName);
        }
        return Collections.unmodifiableMap(names);
    }
}
