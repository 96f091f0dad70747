package org.messageexport.infra;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.messageexport.config.EnvNames;

/**
 * Everything the stack can be told, read once from the CDK context (see {@link ContextSource} and
 * the README's table of keys). Optional values are {@link Optional} or have defaults: nothing here is
 * null, because jsii silently drops null map values on their way to the CloudFormation template.
 */
public record ExportSettings(
        String stackName,
        Network network,
        Connections connections,
        Archive archive,
        Queue queue,
        Functions functions,
        Map<String, String> jobEnvironment,
        Map<String, String> workerEnvironment,
        Schedule schedule,
        Observability observability,
        Artifacts artifacts) {

    public enum BucketEncryption {
        S3_MANAGED,
        KMS
    }

    public record Network(
            String vpcId, List<String> availabilityZones, List<String> subnetIds, List<String> securityGroupIds) {}

    public record Connections(
            String esUrl, String esSecretArn, String dbUrl, String dbSecretArn, Optional<String> secretsKmsKeyArn) {}

    /** Lifecycle days of 0 mean "never". */
    public record Archive(
            Optional<String> existingBucketName,
            BucketEncryption encryption,
            Optional<String> kmsKeyArn,
            String keyPrefix,
            int transitionDays,
            String transitionStorageClass,
            int expirationDays,
            int noncurrentVersionExpirationDays,
            Optional<String> accessLogsBucketName) {}

    public record Queue(int maxReceiveCount, int dlqRetentionDays, int oldestMessageAlarmSeconds) {}

    public record Functions(
            int extractorMemoryMb,
            int extractorTimeoutSeconds,
            int workerMemoryMb,
            int workerTimeoutSeconds,
            int workerBatchSize,
            int workerBatchingWindowSeconds,
            int workerMaxConcurrency,
            int migrateTimeoutSeconds) {}

    public record Schedule(String expression, boolean enabled, int stateMachineTimeoutMinutes) {}

    public record Observability(boolean tracing, int logRetentionDays, Optional<String> alarmEmail) {}

    /** The shaded Lambda jars, absolute. */
    public record Artifacts(Path extractorJar, Path workerJar) {}

    /** ExtractPage runs in a time budget under Lambda's 15-minute ceiling; it always gets all of it. */
    public static final int EXTRACT_PAGE_TIMEOUT_SECONDS = 900;

    static final Pattern VPC_ID = Pattern.compile("vpc-[0-9a-f]{8,17}");
    static final Pattern SUBNET_ID = Pattern.compile("subnet-[0-9a-f]{8,17}");
    static final Pattern SECURITY_GROUP_ID = Pattern.compile("sg-[0-9a-f]{8,17}");
    static final Pattern AZ = Pattern.compile("[a-z]{2}(-gov)?-[a-z]+-\\d[a-z]");
    static final Pattern SECRET_ARN =
            Pattern.compile("arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\\d{12}:secret:.+-[A-Za-z0-9]{6}");
    static final Pattern KMS_KEY_ARN = Pattern.compile("arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/[0-9a-f-]{36}");
    static final Pattern HTTP_URL = Pattern.compile("https?://[^\\s/]+(:\\d+)?(/\\S*)?");
    static final Pattern JDBC_MYSQL_URL = Pattern.compile("jdbc:(mysql|mariadb)://\\S+");
    static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    static final Pattern KEY_PREFIX = Pattern.compile("[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*");
    static final Pattern ISO_DURATION = Pattern.compile("P(\\d+D)?(T(\\d+H)?(\\d+M)?(\\d+S)?)?");
    /** A window: whole UTC days (the job_runs dates). */
    static final Pattern DAYS = Pattern.compile("P[1-9][0-9]*D");

    static final Pattern ISO_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    static final Pattern SCHEDULE = Pattern.compile("(cron|rate)\\(.+\\)");
    static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    static final Pattern STACK_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9-]{0,127}");
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.@-]+");
    static final Pattern SIDE_COLLECTIONS =
            Pattern.compile("[^:,\\s]+:[^:,\\s]+:[^:,\\s]+:[^:,\\s]+(,[^:,\\s]+:[^:,\\s]+:[^:,\\s]+:[^:,\\s]+)*");

    public static ExportSettings from(ContextSource ctx) {
        Network network = new Network(
                required(
                        ctx,
                        "vpcId",
                        "the VPC that reaches Elasticsearch and MySQL",
                        VPC_ID,
                        "a VPC id like vpc-0123456789abcdef0"),
                ctx.requiredList(
                        "availabilityZones",
                        "the AZs of the subnets, e.g. [\"eu-west-1a\",\"eu-west-1b\"]",
                        AZ,
                        "an availability zone like eu-west-1a"),
                ctx.requiredList(
                        "subnetIds",
                        "private subnets (with a route to Secrets Manager, S3 and SQS) for the functions",
                        SUBNET_ID,
                        "a subnet id like subnet-0123456789abcdef0"),
                securityGroups(ctx));
        if (network.subnetIds().size() % network.availabilityZones().size() != 0) {
            throw ContextSource.invalid(
                    "subnetIds",
                    "expected the same number of subnets in each of the "
                            + network.availabilityZones().size() + " availabilityZones, got "
                            + network.subnetIds().size()
                            + " subnets (list them in AZ order)");
        }

        Connections connections = new Connections(
                required(
                        ctx,
                        "esUrl",
                        "the Elasticsearch base URL, e.g. https://search.internal:9200",
                        HTTP_URL,
                        "an http(s) URL"),
                required(
                        ctx,
                        "esSecretArn",
                        "the complete ARN of the Secrets Manager secret with the Elasticsearch credentials",
                        SECRET_ARN,
                        "a complete secret ARN (ending in -XXXXXX)"),
                required(
                        ctx,
                        "dbUrl",
                        "the MySQL JDBC URL, e.g. jdbc:mysql://db.internal:3306/export",
                        JDBC_MYSQL_URL,
                        "a jdbc:mysql:// URL"),
                required(
                        ctx,
                        "dbSecretArn",
                        "the complete ARN of the Secrets Manager secret with the MySQL credentials",
                        SECRET_ARN,
                        "a complete secret ARN (ending in -XXXXXX)"),
                ctx.optionalMatching("secretsKmsKeyArn", KMS_KEY_ARN, "a KMS key ARN"));

        BucketEncryption encryption =
                ctx.choice("bucketEncryption", BucketEncryption.S3_MANAGED, BucketEncryption.class);
        Optional<String> kmsKeyArn = ctx.optionalMatching("kmsKeyArn", KMS_KEY_ARN, "a KMS key ARN");
        if (kmsKeyArn.isPresent() && encryption != BucketEncryption.KMS) {
            throw ContextSource.invalid(
                    "kmsKeyArn", "only used with bucketEncryption=KMS (bucketEncryption is " + encryption + ")");
        }
        Archive archive = new Archive(
                ctx.optionalMatching("bucketName", BUCKET_NAME, "an S3 bucket name"),
                encryption,
                kmsKeyArn,
                ctx.matching("keyPrefix", "messages", KEY_PREFIX, "a key prefix without leading or trailing '/'"),
                ctx.integer("transitionDays", 90, 0, 36500),
                ctx.choice(
                                "transitionStorageClass",
                                TransitionStorageClass.GLACIER_INSTANT_RETRIEVAL,
                                TransitionStorageClass.class)
                        .name(),
                ctx.integer("expirationDays", 0, 0, 36500),
                ctx.integer("noncurrentVersionExpirationDays", 30, 0, 36500),
                ctx.optionalMatching("accessLogsBucketName", BUCKET_NAME, "an S3 bucket name"));
        if (archive.expirationDays() > 0
                && archive.transitionDays() > 0
                && archive.expirationDays() <= archive.transitionDays()) {
            throw ContextSource.invalid(
                    "expirationDays",
                    "must be later than transitionDays (" + archive.transitionDays() + "), got "
                            + archive.expirationDays());
        }

        Queue queue = new Queue(
                ctx.integer("maxReceiveCount", 5, 1, 1000),
                ctx.integer("dlqRetentionDays", 14, 1, 14),
                ctx.integer("oldestMessageAlarmSeconds", 3600, 60, 1_209_600));

        Functions functions = new Functions(
                ctx.integer("extractorMemoryMb", 1024, 128, 10240),
                ctx.integer("extractorTimeoutSeconds", 120, 10, 900),
                ctx.integer("workerMemoryMb", 2048, 128, 10240),
                // the queue's visibility timeout is 6x this and must stay within SQS's 12 hours
                ctx.integer("workerTimeoutSeconds", 300, 10, 900),
                ctx.integer("workerBatchSize", 1, 1, 10),
                ctx.integer("workerBatchingWindowSeconds", 0, 0, 300),
                // Lambda's MaximumConcurrency accepts 2..1000
                ctx.integer("workerMaxConcurrency", 4, 2, 1000),
                ctx.integer("migrateTimeoutSeconds", 300, 10, 900));

        Schedule schedule = new Schedule(
                ctx.matching("scheduleExpression", "cron(0 2 * * ? *)", SCHEDULE, "cron(...) or rate(...)"),
                ctx.bool("scheduleEnabled", true),
                ctx.integer("stateMachineTimeoutMinutes", 1440, 5, 525_600));

        int retention = ctx.integer("logRetentionDays", 30, 1, 3653);
        if (!LogRetention.ALLOWED.containsKey(retention)) {
            throw ContextSource.invalid(
                    "logRetentionDays", "expected one of " + LogRetention.ALLOWED.keySet() + ", got " + retention);
        }
        Observability observability = new Observability(
                ctx.bool("tracing", false), retention, ctx.optionalMatching("alarmEmail", EMAIL, "an e-mail address"));

        Path repoRoot = Path.of(ctx.string("repoRoot", "..")).toAbsolutePath().normalize();
        Artifacts artifacts = new Artifacts(
                repoRoot.resolve(ctx.string("extractorJar", "extractor-lambda/target/extractor-lambda.jar"))
                        .normalize(),
                repoRoot.resolve(ctx.string("workerJar", "worker-lambda/target/worker-lambda.jar"))
                        .normalize());

        return new ExportSettings(
                ctx.matching("stackName", "MessageExport", STACK_NAME, "a CloudFormation stack name"),
                network,
                connections,
                archive,
                queue,
                functions,
                jobEnvironment(ctx),
                workerEnvironment(ctx),
                schedule,
                observability,
                artifacts);
    }

    /** Storage classes a lifecycle rule may move the archive to. */
    public enum TransitionStorageClass {
        INFREQUENT_ACCESS,
        INTELLIGENT_TIERING,
        GLACIER_INSTANT_RETRIEVAL,
        GLACIER,
        DEEP_ARCHIVE
    }

    private static List<String> securityGroups(ContextSource ctx) {
        List<String> groups = ctx.list("securityGroupIds");
        for (String group : groups) {
            if (!SECURITY_GROUP_ID.matcher(group).matches()) {
                throw ContextSource.invalid(
                        "securityGroupIds",
                        "expected a security group id like sg-0123456789abcdef0, got '" + group + "'");
            }
        }
        return groups;
    }

    private static String required(ContextSource ctx, String key, String meaning, Pattern pattern, String expected) {
        String value = ctx.requiredString(key, meaning);
        if (!pattern.matcher(value).matches()) {
            throw ContextSource.invalid(key, "expected " + expected + ", got '" + value + "'");
        }
        return value;
    }

    /**
     * Optional job settings for the extractor task functions; an unset key leaves the handler's
     * default in force, so nothing is put in the environment for it.
     */
    private static Map<String, String> jobEnvironment(ContextSource ctx) {
        Map<String, String> env = new LinkedHashMap<>();
        indexSettings(ctx, env);
        integer(ctx, env, EnvNames.BATCH_SIZE, "exportBatchSize", 1, 10_000);
        integer(ctx, env, EnvNames.PAGE_SIZE, "pageSize", 1, 10_000);
        duration(ctx, env, EnvNames.PIT_KEEP_ALIVE, "pitKeepAlive", "PT5M");
        put(env, EnvNames.EXPORT_WINDOW, ctx.optionalMatching("exportWindow", DAYS, "a number of days like P1D"));
        duration(ctx, env, EnvNames.SAFETY_LAG, "safetyLag", "PT1H");
        put(env, EnvNames.FIRST_START_DATE, ctx.optionalMatching("firstStartDate", ISO_DATE, "a date like 2024-01-01"));
        integer(ctx, env, EnvNames.FAILURE_BUDGET, "failureBudget", 0, Integer.MAX_VALUE);
        duration(ctx, env, EnvNames.JOB_DEADLINE, "jobDeadline", "PT12H");
        duration(ctx, env, EnvNames.LEASE_DURATION, "leaseDuration", "PT15M");
        duration(ctx, env, EnvNames.JOB_HEARTBEAT_TIMEOUT, "jobHeartbeatTimeout", "PT30M");
        integer(ctx, env, EnvNames.DB_POOL_SIZE, "dbPoolSize", 1, 100);
        return Map.copyOf(env);
    }

    /** Optional settings for the worker; unset keys leave the handler's defaults in force. */
    private static Map<String, String> workerEnvironment(ContextSource ctx) {
        Map<String, String> env = new LinkedHashMap<>();
        indexSettings(ctx, env);
        integer(ctx, env, EnvNames.PUT_CONCURRENCY, "putConcurrency", 1, 1024);
        integer(ctx, env, EnvNames.MAX_DOCUMENT_BYTES, "maxDocumentBytes", 1024, Integer.MAX_VALUE);
        duration(ctx, env, EnvNames.LEASE_DURATION, "leaseDuration", "PT15M");
        integer(ctx, env, EnvNames.DB_POOL_SIZE, "workerDbPoolSize", 1, 100);
        return Map.copyOf(env);
    }

    private static void indexSettings(ContextSource ctx, Map<String, String> env) {
        put(env, EnvNames.MESSAGES_INDEX, ctx.optionalMatching("messagesIndex", NAME, "an index name"));
        put(env, EnvNames.MESSAGE_TIMESTAMP_FIELD, ctx.optionalMatching("messageTimestampField", NAME, "a field name"));
        put(env, EnvNames.MESSAGE_ID_FIELD, ctx.optionalMatching("messageIdField", NAME, "a field name"));
        put(
                env,
                EnvNames.SIDE_COLLECTIONS,
                ctx.optionalMatching(
                        "sideCollections",
                        SIDE_COLLECTIONS,
                        "name:index:joinField:sortField entries separated by commas"));
    }

    private static void integer(ContextSource ctx, Map<String, String> env, String name, String key, int min, int max) {
        put(env, name, ctx.optionalInteger(key, min, max).map(String::valueOf));
    }

    private static void duration(ContextSource ctx, Map<String, String> env, String name, String key, String example) {
        put(env, name, ctx.optionalMatching(key, ISO_DURATION, "an ISO-8601 duration like " + example));
    }

    private static void put(Map<String, String> env, String name, Optional<String> value) {
        value.ifPresent(v -> env.put(name, v));
    }
}
