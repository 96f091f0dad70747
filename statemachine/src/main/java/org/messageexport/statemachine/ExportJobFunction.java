package org.messageexport.statemachine;

/**
 * The Lambda functions that the export job's Task states invoke: the definition's placeholder for each function's ARN and
 * the function name that local runs use.
 */
public enum ExportJobFunction {
    PLAN_JOB(StateMachineDefinition.PLAN_JOB_FUNCTION_ARN, "plan-job"),
    EXTRACT_PAGE(StateMachineDefinition.EXTRACT_PAGE_FUNCTION_ARN, "extract-page"),
    CHECK_PROGRESS(StateMachineDefinition.CHECK_PROGRESS_FUNCTION_ARN, "check-progress"),
    FINALIZE_JOB(StateMachineDefinition.FINALIZE_JOB_FUNCTION_ARN, "finalize-job"),
    MARK_JOB_FAILED(StateMachineDefinition.MARK_JOB_FAILED_FUNCTION_ARN, "mark-job-failed");

    private final String placeholder;
    private final String localName;

    ExportJobFunction(String placeholder, String localName) {
        this.placeholder = placeholder;
        this.localName = localName;
    }

    /** The name inside {@code ${...}} in the definition, e.g. {@code PlanJobFunctionArn}. */
    public String placeholder() {
        return placeholder;
    }

    /** The function name in local runs, e.g. {@code plan-job}. */
    public String localName() {
        return localName;
    }

    /** {@code arn:aws:lambda:us-east-1:123456789012:function:<localName>}. */
    public String localArn() {
        return StateMachineDefinition.localFunctionArn(localName);
    }
}
