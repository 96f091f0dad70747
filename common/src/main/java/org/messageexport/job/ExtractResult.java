package org.messageexport.job;

/**
 * After one extract call: {@code done} once the whole window is tracked and every batch is on the
 * queue; totals of the job so far; pages read by this call.
 */
public record ExtractResult(long jobId, boolean done, long extracted, long batches, int pages) {}
