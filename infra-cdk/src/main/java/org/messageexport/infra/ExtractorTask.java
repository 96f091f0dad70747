package org.messageexport.infra;

import org.messageexport.statemachine.StateMachineDefinition;

/**
 * The Step Functions task handlers in {@code extractor-lambda.jar}: which placeholder of the ASL
 * each one fills and what each needs besides MySQL (which all of them use).
 */
public enum ExtractorTask {
    PLAN_JOB(
            "PlanJob",
            "PlanJobHandler",
            StateMachineDefinition.PLAN_JOB_FUNCTION_ARN,
            "Plans the next export window or resumes a running job",
            true,
            false,
            false),
    EXTRACT_PAGE(
            "ExtractPage",
            "ExtractPageHandler",
            StateMachineDefinition.EXTRACT_PAGE_FUNCTION_ARN,
            "Pages message ids into tracking rows and batches on the work queue",
            true,
            true,
            false),
    CHECK_PROGRESS(
            "CheckProgress",
            "CheckProgressHandler",
            StateMachineDefinition.CHECK_PROGRESS_FUNCTION_ARN,
            "Counts tracking rows by status",
            false,
            false,
            false),
    FINALIZE_JOB(
            "FinalizeJob",
            "FinalizeJobHandler",
            StateMachineDefinition.FINALIZE_JOB_FUNCTION_ARN,
            "Completes or fails the job and writes its manifest",
            false,
            false,
            true),
    MARK_JOB_FAILED(
            "MarkJobFailed",
            "MarkJobFailedHandler",
            StateMachineDefinition.MARK_JOB_FAILED_FUNCTION_ARN,
            "Records an uncaught error as the job's failure",
            false,
            false,
            false);

    static final String HANDLER_PACKAGE = "org.messageexport.extractor.";

    private final String id;
    private final String handlerClass;
    private final String placeholder;
    private final String description;
    private final boolean elasticsearch;
    private final boolean sendsBatches;
    private final boolean writesManifest;

    ExtractorTask(
            String id,
            String handlerClass,
            String placeholder,
            String description,
            boolean elasticsearch,
            boolean sendsBatches,
            boolean writesManifest) {
        this.id = id;
        this.handlerClass = handlerClass;
        this.placeholder = placeholder;
        this.description = description;
        this.elasticsearch = elasticsearch;
        this.sendsBatches = sendsBatches;
        this.writesManifest = writesManifest;
    }

    public String id() {
        return id;
    }

    public String handler() {
        return HANDLER_PACKAGE + handlerClass + "::handleRequest";
    }

    /** The ASL placeholder whose value is this function's alias ARN. */
    public String placeholder() {
        return placeholder;
    }

    public String description() {
        return description;
    }

    public boolean elasticsearch() {
        return elasticsearch;
    }

    public boolean sendsBatches() {
        return sendsBatches;
    }

    public boolean writesManifest() {
        return writesManifest;
    }
}
