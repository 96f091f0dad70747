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

    /**
     * {@code true} lets {@link #ES_URL} be plain http although credentials are sent; only with {@link #REQUIRE_TLS}
     * does it matter. The CDK stack sets it only when its context key {@code esAllowPlainHttp} says so (tests).
     */
    public static final String ES_ALLOW_PLAIN_HTTP = "ES_ALLOW_PLAIN_HTTP";

    /**
     * The engine behind {@link #ES_URL}: {@code elasticsearch} (default; Elasticsearch 8.x/9.x) or {@code opensearch}
     * (OpenSearch 2.4+ or Amazon OpenSearch Service: PIT needs 2.4).
     */
    public static final String SEARCH_ENGINE = "SEARCH_ENGINE";
    /**
     * {@code sigv4}: sign each request with AWS Signature V4 (OpenSearch only), credentials from the SDK's default chain
     * (the function's role); otherwise (unset or {@code credentials}) the basic/API-key credentials above, or none.
     */
    public static final String SEARCH_AUTH = "SEARCH_AUTH";
    /** The SigV4 signing name: {@code es} (default, an OpenSearch Service domain) or {@code aoss} (serverless). */
    public static final String SEARCH_SIGV4_SERVICE = "SEARCH_SIGV4_SERVICE";
    /** The domain's region for SigV4; default {@code AWS_REGION} (set by Lambda). */
    public static final String SEARCH_REGION = "SEARCH_REGION";
    /** Set by the Lambda runtime. */
    public static final String AWS_REGION = "AWS_REGION";

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

    /** At least 2: the planner holds its lock connection while it needs another (default 2). */
    public static final String DB_POOL_SIZE = "DB_POOL_SIZE";

    // transport security
    /**
     * {@code true} (the CDK stack sets it on every function): MySQL connects with {@code sslMode=VERIFY_IDENTITY}
     * against the bundled RDS certificate authorities (added when the URL names no mode, a weaker one is refused),
     * and Elasticsearch credentials go only over https unless {@link #ES_ALLOW_PLAIN_HTTP}. Unset in local runs.
     */
    public static final String REQUIRE_TLS = "REQUIRE_TLS";

    // S3
    public static final String BUCKET = "BUCKET";
    public static final String KEY_PREFIX = "KEY_PREFIX";
    /**
     * Hex characters of a hash of the message id put before the date in every object key, 0 to 8 (default 0: the
     * seed's layout). 2 spreads a day's objects over 256 key prefixes (S3: ~3,500 PUTs/s each).
     */
    public static final String KEY_HASH_PREFIX = "KEY_HASH_PREFIX";
    /** Only for S3-compatible stores (local runs); unset in AWS. */
    public static final String S3_ENDPOINT = "S3_ENDPOINT";
    /** {@code AES256} (default) or {@code aws:kms}; {@code none} for local S3-compatible stores that refuse the header. */
    public static final String S3_SSE = "S3_SSE";

    public static final String S3_KMS_KEY_ID = "S3_KMS_KEY_ID";
    public static final String PUT_CONCURRENCY = "PUT_CONCURRENCY";
    public static final String MAX_DOCUMENT_BYTES = "MAX_DOCUMENT_BYTES";
    /**
     * {@code object} (default): one JSON object per message; {@code ndjson-gz}: one gzip'd NDJSON object per batch,
     * one line per message, each row's {@code s3_path} being {@code key#line}.
     */
    public static final String OUTPUT_FORMAT = "OUTPUT_FORMAT";

    // SQS
    public static final String QUEUE_URL = "QUEUE_URL";
    /** Only for SQS-compatible queues (local runs); unset in AWS. */
    public static final String SQS_ENDPOINT = "SQS_ENDPOINT";
    /** The work queue's redrive {@code maxReceiveCount} (default 5): on that receive the worker fails what it cannot export. */
    public static final String MAX_RECEIVE_COUNT = "MAX_RECEIVE_COUNT";

    // the worker service (a long-running process: systemd on a server, or the fleet's instances)
    /** Batches the service exports at once, each on its own poller (default 4): Lambda's maximum concurrency. */
    public static final String WORKER_CONCURRENCY = "WORKER_CONCURRENCY";
    /** SQS messages per receive, 1..10 (default 1): the event source mapping's batch size. */
    public static final String WORKER_BATCH_SIZE = "WORKER_BATCH_SIZE";
    /** Time limit of one receive's work, ISO-8601 (default {@code PT2M}): what the function timeout is to Lambda. */
    public static final String WORKER_BATCH_TIMEOUT = "WORKER_BATCH_TIMEOUT";
    /**
     * How long a received message stays hidden, renewed by the heartbeat while its batch runs (default: the batch
     * timeout + 30 s); at least the batch timeout + 2 s, so a redelivery after a crash finds the leases expired.
     */
    public static final String WORKER_VISIBILITY_TIMEOUT = "WORKER_VISIBILITY_TIMEOUT";
    /** How long a stop waits for the batches in flight (default: the batch timeout + 20 s); below systemd's TimeoutStopSec. */
    public static final String WORKER_DRAIN_TIMEOUT = "WORKER_DRAIN_TIMEOUT";
    /** {@code host:port} of the health endpoint (default {@code 127.0.0.1:8080}; the fleet sets {@code 0.0.0.0:8080}). */
    public static final String HEALTH_ADDRESS = "HEALTH_ADDRESS";

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
    /**
     * How many messages of a window may fail for good and the job still complete: a count ({@code 5}) or a
     * percentage of the window's messages ({@code 0.5%}) (default 0).
     */
    public static final String FAILURE_BUDGET = "FAILURE_BUDGET";
    /**
     * How many times a window whose failures exceeded the budget is tried (default 3): later runs retry it while the
     * windows after it proceed; past the limit it stays failed, raises the alarm and waits for an operator.
     */
    public static final String WINDOW_RETRY_LIMIT = "WINDOW_RETRY_LIMIT";
    /** The longest window a manual execution may ask for, in days (default 31). */
    public static final String MAX_WINDOW_DAYS = "MAX_WINDOW_DAYS";
    /** After this time since the job started, what is left becomes failed (default {@code PT12H}). */
    public static final String JOB_DEADLINE = "JOB_DEADLINE";
    /** How long a worker's claim on a message stays valid (default {@code PT15M}). */
    public static final String LEASE_DURATION = "LEASE_DURATION";
    /** The longest wait between two progress checks (default {@code PT2M}). */
    public static final String PROGRESS_MAX_WAIT = "PROGRESS_MAX_WAIT";
    /**
     * Days a completed window's tracking rows are kept (default 0: forever). Later, the job drops the window's daily
     * partitions of {@code message_tracking}; the manifests in S3 stay the permanent record.
     */
    public static final String TRACKING_RETENTION_DAYS = "TRACKING_RETENTION_DAYS";
    /** A running job whose heartbeat is older than this may be taken over (default {@code PT30M}). */
    public static final String JOB_HEARTBEAT_TIMEOUT = "JOB_HEARTBEAT_TIMEOUT";
    /**
     * How many days before the schedule's cursor each run counts again for late arrivals, exported by a follow-up
     * job of kind late (default 3; 0 turns the check off).
     */
    public static final String LATE_ARRIVAL_DAYS = "LATE_ARRIVAL_DAYS";
    /**
     * The work queue's visibility timeout: a batch whose rows stay stalled longer than this is sent again by the
     * progress check (default {@code PT90M}, six times the worker's 15-minute timeout; the CDK stack sets the
     * queue's).
     */
    public static final String QUEUE_VISIBILITY_TIMEOUT = "QUEUE_VISIBILITY_TIMEOUT";

    /** Every name above, read from this class itself: the list a tool checks a setting's name against. */
    public static java.util.Set<String> all() {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (java.lang.reflect.Field f : EnvNames.class.getFields()) {
            if (f.getType() == String.class && java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                try {
                    names.add((String) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return names;
    }
}
