package org.messageexport.config;

/**
 * Every environment variable the functions read: the one place their names are declared. The
 * handlers' config records read them and the CDK stack sets them, so the two cannot drift apart.
 */
public final class EnvNames {
    private EnvNames() {}

    // Elasticsearch
    /** Base URL of the cluster, e.g. {@code https://search.example:9200}. */
    public static final String ES_URL = "ES_URL";

    public static final String ES_USERNAME = "ES_USERNAME";
    public static final String ES_PASSWORD = "ES_PASSWORD";
    public static final String ES_API_KEY = "ES_API_KEY";
    /** Secrets Manager secret holding {@code {"username","password"}} or {@code {"apiKey"}} (AWS). */
    public static final String ES_SECRET_ARN = "ES_SECRET_ARN";

    public static final String MESSAGES_INDEX = "MESSAGES_INDEX";
    public static final String MESSAGE_TIMESTAMP_FIELD = "MESSAGE_TIMESTAMP_FIELD";
    /** The field that holds a message's id; {@code _id} (the default) means the document id. */
    public static final String MESSAGE_ID_FIELD = "MESSAGE_ID_FIELD";
    /** Side collections, {@code name:index:joinField:sortField} separated by commas. */
    public static final String SIDE_COLLECTIONS = "SIDE_COLLECTIONS";

    // MySQL
    public static final String DB_URL = "DB_URL";
    public static final String DB_USERNAME = "DB_USERNAME";
    public static final String DB_PASSWORD = "DB_PASSWORD";
    /** Secrets Manager secret holding {@code {"username","password"}} (the RDS format) (AWS). */
    public static final String DB_SECRET_ARN = "DB_SECRET_ARN";

    public static final String DB_POOL_SIZE = "DB_POOL_SIZE";

    // S3
    public static final String BUCKET = "BUCKET";
    public static final String KEY_PREFIX = "KEY_PREFIX";
    /** Only for S3-compatible stores (local runs); unset in AWS. */
    public static final String S3_ENDPOINT = "S3_ENDPOINT";
    /** {@code AES256} (default) or {@code aws:kms}; {@code none} for local S3-compatible stores that refuse the header. */
    public static final String S3_SSE = "S3_SSE";

    public static final String S3_KMS_KEY_ID = "S3_KMS_KEY_ID";
    public static final String PUT_CONCURRENCY = "PUT_CONCURRENCY";
    public static final String MAX_DOCUMENT_BYTES = "MAX_DOCUMENT_BYTES";

    // SQS
    public static final String QUEUE_URL = "QUEUE_URL";
    /** Only for SQS-compatible queues (local runs); unset in AWS. */
    public static final String SQS_ENDPOINT = "SQS_ENDPOINT";
    /** The work queue's redrive {@code maxReceiveCount} (default 5): on that receive the worker fails what it cannot export. */
    public static final String MAX_RECEIVE_COUNT = "MAX_RECEIVE_COUNT";

    // the job
    public static final String BATCH_SIZE = "BATCH_SIZE";
    public static final String PAGE_SIZE = "PAGE_SIZE";
    /** ISO-8601 duration, e.g. {@code PT5M}. */
    public static final String PIT_KEEP_ALIVE = "PIT_KEEP_ALIVE";
    /** Length of a scheduled window, ISO-8601 duration (default {@code P1D}). */
    public static final String EXPORT_WINDOW = "EXPORT_WINDOW";
    /** A window never ends later than now minus this lag (default {@code PT1H}). */
    public static final String SAFETY_LAG = "SAFETY_LAG";
    /** The first window's start on the very first run (overrides the config file's {@code start_date}). */
    public static final String FIRST_START_DATE = "FIRST_START_DATE";
    /** Optional properties file ({@code start_date=2024-01-01}). */
    public static final String CONFIG_FILE = "CONFIG_FILE";
    /** How many failed messages a job may have and still complete (default 0). */
    public static final String FAILURE_BUDGET = "FAILURE_BUDGET";
    /** After this time since the job started, what is left becomes failed (default {@code PT12H}). */
    public static final String JOB_DEADLINE = "JOB_DEADLINE";
    /** How long a worker's claim on a message stays valid (default {@code PT15M}). */
    public static final String LEASE_DURATION = "LEASE_DURATION";
    /** The longest wait between two progress checks (default {@code PT2M}). */
    public static final String PROGRESS_MAX_WAIT = "PROGRESS_MAX_WAIT";
    /** A running job whose heartbeat is older than this may be taken over (default {@code PT30M}). */
    public static final String JOB_HEARTBEAT_TIMEOUT = "JOB_HEARTBEAT_TIMEOUT";
}
