package org.messageexport.cli;

/**
 * The README's cost model ("Cost model (per million messages exported)") as code: the one place its figures live;
 * the README's table is this model at one million messages ({@code dry-run} prints the same items for a window).
 * Assumptions, not measurements: us-east-1 list prices; the deployment's defaults (worker 2,048 MB, one batch of
 * {@value #BATCH_SIZE} per invocation; extractor 1,024 MB at ~{@value #EXTRACTOR_IDS_PER_SECOND} ids/s).
 */
record CostModel(double workerSecondsPerBatch) {
    static final double S3_PUT_PER_1000 = 0.005;
    static final double S3_STORAGE_PER_GB_MONTH = 0.023;
    static final double LAMBDA_PER_GB_SECOND = 0.0000133334;
    static final double LAMBDA_PER_MILLION_REQUESTS = 0.20;
    static final double SQS_PER_MILLION_REQUESTS = 0.40;
    static final double STEP_FUNCTIONS_PER_1000_TRANSITIONS = 0.025;
    static final int BATCH_SIZE = 500;
    static final double WORKER_GB = 2.0;
    static final double EXTRACTOR_GB = 1.0;
    static final double EXTRACTOR_IDS_PER_SECOND = 10_000;
    /** Cold starts of a job: ~20 × 2 s × 2 GB per million messages, at least one. */
    static final double COLD_START_GB_SECONDS_PER_MILLION = 80;
    /** SendMessageBatch calls carry 10 batch messages of ~13 KB: 2 billed 64 KB chunks each. */
    static final double SQS_REQUESTS_PER_BATCH = 2.0 / 10 + 1 + 1;

    static final int TRANSITIONS_PER_JOB = 50;
    /** The README's goal (1 s) and the local median (3 s) of one batch of 500 in the worker. */
    static final double GOAL_SECONDS_PER_BATCH = 1.0;

    static final double LOCAL_MEDIAN_SECONDS_PER_BATCH = 3.0;

    /** The cost of exporting {@code messages} messages of {@code bytes} in total, in {@code jobs} jobs. */
    record Cost(
            long puts,
            double s3Puts,
            double workerGbSeconds,
            double worker,
            double extractor,
            double sqs,
            double stepFunctions,
            double storagePerMonth) {
        double total() {
            return s3Puts + worker + extractor + sqs + stepFunctions;
        }
    }

    Cost cost(long messages, long bytes, int jobs) {
        long puts = messages + jobs; // one object per message, one manifest per job
        long batches = (messages + BATCH_SIZE - 1) / BATCH_SIZE;
        double workerGbs = batches * WORKER_GB * workerSecondsPerBatch;
        double worker = workerGbs * LAMBDA_PER_GB_SECOND + batches * LAMBDA_PER_MILLION_REQUESTS / 1e6;
        double extractorGbs = messages / EXTRACTOR_IDS_PER_SECOND * EXTRACTOR_GB
                + Math.max(4, COLD_START_GB_SECONDS_PER_MILLION * messages / 1e6);
        double extractor = extractorGbs * LAMBDA_PER_GB_SECOND;
        double sqs = batches * SQS_REQUESTS_PER_BATCH * SQS_PER_MILLION_REQUESTS / 1e6;
        double sfn = (double) jobs * TRANSITIONS_PER_JOB * STEP_FUNCTIONS_PER_1000_TRANSITIONS / 1000;
        double storage = bytes / 1e9 * S3_STORAGE_PER_GB_MONTH;
        return new Cost(puts, puts * S3_PUT_PER_1000 / 1000, workerGbs, worker, extractor, sqs, sfn, storage);
    }

    /** Wall time of the workers' part at {@code concurrency} batches at once. */
    java.time.Duration duration(long messages, int concurrency) {
        long batches = (messages + BATCH_SIZE - 1) / BATCH_SIZE;
        long rounds = (batches + concurrency - 1) / concurrency;
        double extraction = messages / EXTRACTOR_IDS_PER_SECOND;
        return java.time.Duration.ofMillis((long) ((rounds * workerSecondsPerBatch + extraction) * 1000));
    }
}
