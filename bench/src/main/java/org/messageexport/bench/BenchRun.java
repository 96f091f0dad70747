package org.messageexport.bench;

/**
 * What one repetition of the bench measured; NaN where a phase did not run. The pipeline's figures without a prefix
 * are of the {@code object} output format, those with {@code ndjson} of the {@code ndjson-gz} one.
 *
 * @param putShare of the pipeline's worker invocation time, the share spent in S3 PUTs
 * @param elasticdumpDocsPerSec the peer's raw dump rate of the same messages index
 */
record BenchRun(
        double baselineMsgPerSec,
        double pipelineMsgPerSec,
        double ndjsonMsgPerSec,
        double ndjsonBatchP50Ms,
        double ndjsonBatchP95Ms,
        double elasticdumpDocsPerSec,
        double pipelineExtractionIdsPerSec,
        double extractionIdsPerSec,
        double rawPagingIdsPerSec,
        double barePutPerSec,
        double batchP50Ms,
        double batchP95Ms,
        double putShare,
        long pipelineExported,
        long pipelineBatches) {

    /** A repetition of {@code --extract-only}: raw paging and extraction alone (and the baseline, if it ran). */
    static BenchRun extractionOnly(double baselineMsgPerSec, double extractionIdsPerSec, double rawPagingIdsPerSec) {
        return new BenchRun(
                baselineMsgPerSec,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                extractionIdsPerSec,
                rawPagingIdsPerSec,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                0,
                0);
    }
}
