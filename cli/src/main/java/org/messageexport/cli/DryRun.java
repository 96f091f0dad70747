package org.messageexport.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.MessageDocument;
import org.messageexport.job.ExportDocumentWriter;
import org.messageexport.port.MessageDocuments;
import org.messageexport.port.WindowCensus;

/**
 * {@code dry-run}: what exporting a window would take, read from the index and nothing written: per day the message
 * count, the size of a sample of joined documents (message + side collections, built by the worker's own writer), and
 * from them the PUTs, bytes, duration at the configured concurrency, and cost ({@link CostModel}).
 */
final class DryRun {
    record Day(
            LocalDate day,
            long messages,
            int sampled,
            long averageBytes,
            long projectedBytes,
            long puts,
            Duration duration,
            double cost) {}

    record Estimate(
            String window,
            List<Day> days,
            long messages,
            long puts,
            long bytes,
            Duration duration,
            int concurrency,
            double secondsPerBatch,
            CostModel.Cost cost) {}

    private final WindowCensus census;
    private final MessageDocuments documents;
    private final ExportDocumentWriter writer;
    private final CostModel model;
    private final Clock clock;

    DryRun(WindowCensus census, MessageDocuments documents, ExportDocumentWriter writer, CostModel model, Clock clock) {
        this.census = census;
        this.documents = documents;
        this.writer = writer;
        this.model = model;
        this.clock = clock;
    }

    /** One day a job (the default daily window) each; {@code sample} documents read per day. */
    Estimate estimate(ExportWindow window, int sample, int concurrency) {
        List<Day> days = new ArrayList<>();
        long messages = 0;
        long bytes = 0;
        for (LocalDate d = window.start(); d.isBefore(window.end()); d = d.plusDays(1)) {
            ExportWindow day = new ExportWindow(d, d.plusDays(1));
            long count = census.count(day);
            int sampled = 0;
            long sampleBytes = 0;
            if (count > 0 && sample > 0) {
                List<String> ids = census.sample(day, sample);
                Map<String, MessageDocument> docs = documents.fetch(ids);
                for (MessageDocument doc : docs.values()) {
                    sampleBytes += writer.write(doc, 0, 0, clock.instant()).length;
                    sampled++;
                }
            }
            long average = sampled == 0 ? 0 : sampleBytes / sampled;
            long projected = average * count;
            CostModel.Cost cost = model.cost(count, projected, 1);
            days.add(new Day(
                    d,
                    count,
                    sampled,
                    average,
                    projected,
                    cost.puts(),
                    model.duration(count, concurrency),
                    cost.total()));
            messages += count;
            bytes += projected;
        }
        CostModel.Cost total = model.cost(messages, bytes, days.size());
        Duration duration = days.stream().map(Day::duration).reduce(Duration.ZERO, Duration::plus);
        return new Estimate(
                window.toString(),
                days,
                messages,
                total.puts(),
                bytes,
                duration,
                concurrency,
                model.workerSecondsPerBatch(),
                total);
    }
}
