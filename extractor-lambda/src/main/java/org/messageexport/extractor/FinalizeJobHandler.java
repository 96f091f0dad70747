package org.messageexport.extractor;

import com.amazonaws.services.lambda.runtime.Context;
import org.messageexport.config.StateMachineTask;
import org.messageexport.job.FinalizeResult;
import org.messageexport.job.JobFinalizer;
import org.messageexport.observability.Metrics;
import org.slf4j.MDC;

/** "Finalize job": completed or failed, the next window's start, and the manifest in S3. */
public final class FinalizeJobHandler extends TaskHandler<JobTaskInput, FinalizeResult> {
    private final JobFinalizer finalizer;

    public FinalizeJobHandler() {
        this(ExtractorRuntime.fromEnvironment());
    }

    public FinalizeJobHandler(ExtractorRuntime runtime) {
        this(runtime.jobFinalizer());
    }

    FinalizeJobHandler(JobFinalizer finalizer) {
        super(JobTaskInput.class);
        this.finalizer = finalizer;
    }

    @Override
    protected FinalizeResult handle(JobTaskInput input, Context context) {
        try (var job = MDC.putCloseable("jobId", String.valueOf(input.jobId()))) {
            return finalizer.finalizeJob(
                    input.requiredJobId(),
                    input.executionId(),
                    Metrics.toStdout(StateMachineTask.FINALIZE_JOB.functionName()));
        }
    }
}
