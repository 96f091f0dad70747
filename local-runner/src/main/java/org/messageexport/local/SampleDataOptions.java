package org.messageexport.local;

import java.time.LocalDate;
import org.messageexport.localkit.SampleDataSeeder;
import picocli.CommandLine.Option;

/** The sample data of a run or a bench (picocli mixin): how many messages, over how many days, how many side documents. */
public final class SampleDataOptions {
    @Option(names = "--messages", defaultValue = "20000", description = "Sample messages (default ${DEFAULT-VALUE}).")
    int messages;

    @Option(
            names = "--days",
            defaultValue = "3",
            description = "Days the sample messages spread over (default ${DEFAULT-VALUE}).")
    int days;

    @Option(
            names = "--side-docs",
            defaultValue = "10",
            description = "Each message gets 0..N history, status and audit documents each (default ${DEFAULT-VALUE}).")
    int sideDocs;

    public int messages() {
        return messages;
    }

    public int days() {
        return days;
    }

    public int sideDocs() {
        return sideDocs;
    }

    public boolean valid() {
        return messages >= 1 && days >= 1 && sideDocs >= 0;
    }

    /** The first sample day: the days end two days ago, so that their window is complete whatever the safety lag. */
    public LocalDate firstDay(LocalDate today) {
        return today.minusDays(days + 2L);
    }

    public SampleDataSeeder.Spec spec(LocalDate firstDay) {
        return SampleDataSeeder.Spec.evenlyOver(messages, firstDay, days, sideDocs);
    }
}
