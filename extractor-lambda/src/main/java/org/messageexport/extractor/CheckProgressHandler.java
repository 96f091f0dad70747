package org.messageexport.extractor;

import com.amazonaws.services.lambda.runtime.Context;
import org.messageexport.config.StateMachineTask;
import org.messageexport.job.ProgressCheck;
import org.messageexport.job.ProgressReport;
import org.messageexport.observability.Metrics;
import org.slf4j.MDC;

/** "Check progress": counts by status, whether the workers are done, how long to wait before the next check. */
public final class CheckProgressHandler extends TaskHandler<JobTaskInput, ProgressReport> {
    private final ProgressCheck check;

    public CheckProgressHandler() {
        this(ExtractorRuntime.fromEnvironment());
    }

    public CheckProgressHandler(ExtractorRuntime runtime) {
        this(runtime.progressCheck());
    }

    CheckProgressHandler(ProgressCheck check) {
        super(JobTaskInput.class);
        this.check = check;
    }

    @Override
    protected ProgressReport handle(JobTaskInput input, Context context) {
        try (var job = MDC.putCloseable("jobId", String.valueOf(input.jobId()))) {
            return check.check(
                    input.requiredJobId(),
                    input.executionId(),
                    input.polls() == null ? 0 : input.polls(),
                    Metrics.toStdout(StateMachineTask.CHECK_PROGRESS.functionName()));
        }
    }
}
