package org.messageexport.worker;

import java.time.Clock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.messageexport.job.BatchOutcome;
import org.messageexport.observability.Metrics;

/**
 * The worker's metrics, all from one place: each {@link BatchOutcome} becomes one EMF line (counts of
 * messages exported, failed and released, bytes, the batch's and each phase's duration, whether it was
 * settled), with the job and batch ids as searchable properties.
 */
final class BatchOutcomeMetrics {
    private final Supplier<Metrics> metrics;

    private BatchOutcomeMetrics(Supplier<Metrics> metrics) {
        this.metrics = metrics;
    }

    /** EMF lines on stdout, where Lambda picks them up (see {@link Metrics#toStdout}). */
    static BatchOutcomeMetrics toStdout(String function) {
        return new BatchOutcomeMetrics(() -> Metrics.toStdout(function));
    }

    /** EMF lines to {@code sink} (benchmarks, tests). */
    static BatchOutcomeMetrics to(String function, Consumer<String> sink, Clock clock) {
        return new BatchOutcomeMetrics(() -> new Metrics(function, sink, clock));
    }

    void emit(BatchOutcome outcome) {
        metrics.get()
                .put("MessagesExported", outcome.exported(), Metrics.Unit.Count)
                .put("MessagesFailed", outcome.failed(), Metrics.Unit.Count)
                .put("MessagesReleased", outcome.released(), Metrics.Unit.Count)
                .put("ResultsNotRecorded", outcome.notRecorded(), Metrics.Unit.Count)
                .put("BytesExported", outcome.bytes(), Metrics.Unit.Bytes)
                .put("BatchDuration", outcome.durationMillis(), Metrics.Unit.Milliseconds)
                .put("BatchesNotSettled", outcome.acknowledged() ? 0 : 1, Metrics.Unit.Count)
                .put("ClaimDuration", outcome.phases().claimMillis(), Metrics.Unit.Milliseconds)
                .put("ReadDuration", outcome.phases().readMillis(), Metrics.Unit.Milliseconds)
                .put("BuildDuration", outcome.phases().buildMillis(), Metrics.Unit.Milliseconds)
                .put("WriteDuration", outcome.phases().writeMillis(), Metrics.Unit.Milliseconds)
                .put("RecordDuration", outcome.phases().recordMillis(), Metrics.Unit.Milliseconds)
                .property("jobId", outcome.jobId())
                .property("batchId", outcome.batchId())
                .emit();
    }
}
