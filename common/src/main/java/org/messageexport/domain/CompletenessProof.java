package org.messageexport.domain;

import java.util.Locale;

/**
 * What a window's export can prove at its end: the messages Elasticsearch holds for the window (the same range
 * query as extraction), the tracking rows of the window's messages (every job of the window), and how many of those
 * completed or failed. The window is {@link Verdict#COMPLETE} when every message of the index is tracked and every
 * tracked row is settled; anything else is a {@link Verdict#MISMATCH} that names the numbers.
 */
public record CompletenessProof(ExportWindow window, long indexCount, TrackedCounts rows) {
    public enum Verdict {
        COMPLETE,
        MISMATCH;

        public String dbValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Verdict verdict() {
        return indexCount == rows.tracked() && rows.unsettled() == 0 ? Verdict.COMPLETE : Verdict.MISMATCH;
    }

    /** Messages of the index that no row tracks (negative when rows track messages the index no longer holds). */
    public long untracked() {
        return indexCount - rows.tracked();
    }

    /** One line with the numbers, for a failure reason and the logs. */
    public String describe() {
        String numbers = "index holds " + indexCount + " messages for " + window + ", " + rows.tracked() + " tracked, "
                + rows.completed() + " completed, " + rows.failed() + " failed";
        if (verdict() == Verdict.COMPLETE) {
            return "complete: " + numbers;
        }
        StringBuilder why = new StringBuilder("completeness mismatch: ").append(numbers);
        if (untracked() > 0) {
            why.append("; ").append(untracked()).append(" messages of the index are not tracked");
        } else if (untracked() < 0) {
            why.append("; ").append(-untracked()).append(" tracked messages are no longer in the index");
        }
        if (rows.unsettled() != 0) {
            why.append("; ").append(rows.unsettled()).append(" rows neither completed nor failed");
        }
        return why.toString();
    }
}
