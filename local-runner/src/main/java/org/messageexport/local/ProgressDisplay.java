package org.messageexport.local;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.messageexport.domain.JobRun;
import org.messageexport.domain.ProgressCounts;
import org.messageexport.port.JobSettlement;
import org.messageexport.port.JobStore;

/**
 * A live line while a job runs: extracted / exported / failed, rate and ETA, read from MySQL like an
 * operator's dashboard would. On a terminal the line is redrawn in place; otherwise a line every few seconds.
 */
final class ProgressDisplay implements AutoCloseable {
    private static final int BAR = 24;

    private final JobStore jobs;
    private final JobSettlement tracking;
    private final PrintStream out;
    private final boolean terminal;
    private final Thread thread;
    private final long startNanos = System.nanoTime();
    private volatile boolean running = true;
    private volatile String lastLine = "";

    ProgressDisplay(JobStore jobs, JobSettlement tracking, PrintStream out, boolean terminal) {
        this.jobs = jobs;
        this.tracking = tracking;
        this.out = out;
        this.terminal = terminal;
        this.thread = new Thread(this::loop, "progress");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void loop() {
        long lastPrint = 0;
        while (running) {
            try {
                Optional<JobRun> job = jobs.findRunning();
                if (job.isPresent()) {
                    String line = line(job.get(), tracking.counts(job.get().jobId(), java.time.Instant.now()));
                    long now = System.nanoTime();
                    if (terminal) {
                        out.print("\r" + line + "\033[K");
                        out.flush();
                    } else if (now - lastPrint > 3_000_000_000L && !line.equals(lastLine)) {
                        out.println(line);
                        lastPrint = now;
                    }
                    lastLine = line;
                }
                Thread.sleep(terminal ? 300 : 500);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // a progress line is best effort: the job's own outcome is reported after it ends
            }
        }
    }

    private String line(JobRun job, ProgressCounts c) {
        long settled = c.completed() + c.failed();
        double seconds = Math.max(0.001, (System.nanoTime() - startNanos) / 1e9);
        double rate = settled / seconds;
        long total = job.extracted();
        String bar;
        String eta;
        if (job.extractionDone() && total > 0) {
            int filled = (int) Math.min(BAR, BAR * settled / total);
            bar = "[" + "#".repeat(filled) + ".".repeat(BAR - filled) + "] "
                    + String.format(Locale.ROOT, "%3d%%", 100 * settled / total);
            eta = rate > 0 ? "ETA " + formatDuration(Duration.ofSeconds((long) ((total - settled) / rate))) : "ETA -";
        } else {
            bar = "[extracting" + " ".repeat(BAR - 10) + "]     ";
            eta = "ETA -";
        }
        return String.format(
                Locale.ROOT,
                "job %d %s %s extracted %,d | exported %,d | failed %,d | %,.0f msg/s | %s",
                job.jobId(),
                job.window(),
                bar,
                total,
                c.completed(),
                c.failed(),
                rate,
                eta);
    }

    static String formatDuration(Duration d) {
        long s = d.toSeconds();
        return s >= 3600
                ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (terminal && !lastLine.isEmpty()) {
            out.println();
        }
    }
}
