package org.messageexport.extractor;

import com.amazonaws.services.lambda.runtime.Context;
import java.time.Clock;
import java.time.Duration;
import org.messageexport.config.StateMachineTask;
import org.messageexport.domain.Deadline;
import org.messageexport.job.ExtractResult;
import org.messageexport.job.PageExtractor;
import org.messageexport.observability.Metrics;
import org.slf4j.MDC;

/** "Extract next page": pages ids into tracking rows and batches until done or the time budget is spent. */
public final class ExtractPageHandler extends TaskHandler<JobTaskInput, ExtractResult> {
    /** Left of Lambda's remaining time for the answer and a safe stop (the state machine calls again). */
    static final Duration STOP_BEFORE_TIMEOUT = Duration.ofSeconds(60);

    private final PageExtractor extractor;
    private final Clock clock;

    public ExtractPageHandler() {
        this(ExtractorRuntime.fromEnvironment());
    }

    public ExtractPageHandler(ExtractorRuntime runtime) {
        this(runtime.pageExtractor(), runtime.clock());
    }

    ExtractPageHandler(PageExtractor extractor, Clock clock) {
        super(JobTaskInput.class);
        this.extractor = extractor;
        this.clock = clock;
    }

    @Override
    protected ExtractResult handle(JobTaskInput input, Context context) {
        try (var job = MDC.putCloseable("jobId", String.valueOf(input.jobId()))) {
            Duration remaining = Duration.ofMillis(context.getRemainingTimeInMillis());
            Duration budget = remaining.compareTo(STOP_BEFORE_TIMEOUT.multipliedBy(2)) > 0
                    ? remaining.minus(STOP_BEFORE_TIMEOUT)
                    : remaining.dividedBy(2);
            return extractor.extract(
                    input.requiredJobId(),
                    input.executionId(),
                    Deadline.after(budget, clock),
                    Metrics.toStdout(StateMachineTask.EXTRACT_PAGE.functionName()));
        }
    }
}
