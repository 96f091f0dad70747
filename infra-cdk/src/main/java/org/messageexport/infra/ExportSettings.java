package org.messageexport.infra;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.messageexport.config.DatabaseConfig;
import org.messageexport.config.EnvNames;
import org.messageexport.config.JobSettings;
import org.messageexport.config.SearchEngine;
import org.messageexport.config.SettingFormat;
import org.messageexport.config.TransportSecurity;
import org.messageexport.domain.ObjectKeyScheme;

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
        WorkerMode workerMode,
        Fleet fleet,
        Schedule schedule,
        Observability observability,
        Artifacts artifacts) {

    public enum BucketEncryption {
        S3_MANAGED,
        KMS
    }

    /**
     * @param dbSecurityGroupId MySQL's security group: the stack admits the functions to it (one-go first deploy)
     * @param esSecurityGroupId Elasticsearch's security group, likewise
     */
    public record Network(
            String vpcId,
            List<String> availabilityZones,
            List<String> subnetIds,
            List<String> securityGroupIds,
            Optional<String> dbSecurityGroupId,
            Optional<String> esSecurityGroupId) {}

    /**
     * @param esSecretArn the cluster's credentials; absent when the functions sign with SigV4 ({@code searchDomainArn})
     * @param dbUrl with {@code sslMode=VERIFY_IDENTITY} (added when the context's URL names no mode)
     * @param esAllowPlainHttp plain http to Elasticsearch although its credentials are sent (tests only)
     * @param searchEngine what the cluster at {@code esUrl} runs ({@code searchEngine}: elasticsearch or opensearch)
     * @param searchDomainArn an Amazon OpenSearch Service domain: the functions sign with their role (SigV4) and get
     *     {@code es:ESHttpGet}/{@code es:ESHttpPost} on that domain only
     */
    public record Connections(
            String esUrl,
            Optional<String> esSecretArn,
            boolean esAllowPlainHttp,
            String dbUrl,
            String dbSecretArn,
            Optional<String> secretsKmsKeyArn,
            SearchEngine searchEngine,
            Optional<String> searchDomainArn) {

        /** The domain's region, from its ARN ({@code arn:aws:es:<region>:<account>:domain/<name>}). */
        Optional<String> searchDomainRegion() {
            return searchDomainArn.map(arn -> arn.split(":")[3]);
        }
    }

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

    /** Where the worker runs: a Lambda function on the queue's event source (default), or a fleet of instances. */
    public enum WorkerMode {
        LAMBDA,
        FLEET
    }

    /**
     * The worker as a fleet of instances (workerMode=fleet), each running the worker service under systemd.
     *
     * @param instanceType an arm64 (Graviton) type: the image is Amazon Linux 2023 for arm64
     * @param maxInstances the most instances; with {@code concurrency} the most batches at once (what protects
     *     Elasticsearch and MySQL, as workerMaxConcurrency does for the function)
     * @param concurrency batches each instance exports at once (WORKER_CONCURRENCY)
     * @param backlogPerInstance batches waiting or in flight per instance in service above which the fleet grows
     * @param statusCidrs who may reach the internal load balancer's status endpoint
     * @param statusCertificateArn an ACM certificate: HTTPS on 443 instead of HTTP on 80
     */
    public record Fleet(
            String instanceType,
            int maxInstances,
            int concurrency,
            int backlogPerInstance,
            List<String> statusCidrs,
            Optional<String> statusCertificateArn) {
        public Fleet {
            statusCidrs = List.copyOf(statusCidrs);
        }
    }

    public record Schedule(String expression, boolean enabled, int stateMachineTimeoutMinutes) {}

    /** @param lagAlarmDays the alarm fires when the oldest due day not exported lies more days behind than this */
    public record Observability(boolean tracing, int logRetentionDays, Optional<String> alarmEmail, int lagAlarmDays) {}

    /** The shaded Lambda jars and the worker service's distribution directory (the fleet's), absolute. */
    public record Artifacts(Path extractorJar, Path workerJar, Path serviceDistribution) {}

    /** ExtractPage runs in a time budget under Lambda's 15-minute ceiling; it always gets all of it. */
    public static final int EXTRACT_PAGE_TIMEOUT_SECONDS = 900;

    static final Pattern VPC_ID = Pattern.compile("vpc-[0-9a-f]{8,17}");
    static final Pattern SUBNET_ID = Pattern.compile("subnet-[0-9a-f]{8,17}");
    static final Pattern SECURITY_GROUP_ID = Pattern.compile("sg-[0-9a-f]{8,17}");
    static final Pattern AZ = Pattern.compile("[a-z]{2}(-gov)?-[a-z]+-\\d[a-z]");
    static final Pattern SECRET_ARN =
            Pattern.compile("arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\\d{12}:secret:.+-[A-Za-z0-9]{6}");
    static final Pattern KMS_KEY_ARN = Pattern.compile("arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/[0-9a-f-]{36}");
    static final Pattern OPENSEARCH_DOMAIN_ARN =
            Pattern.compile("arn:aws[a-z-]*:es:[a-z]{2}(-[a-z]+)+-\\d:\\d{12}:domain/[a-z][a-z0-9-]{2,27}");
    static final Pattern HTTP_URL = Pattern.compile("https?://[^\\s/]+(:\\d+)?(/\\S*)?");
    static final Pattern JDBC_MYSQL_URL = Pattern.compile("jdbc:(mysql|mariadb)://\\S+");
    static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    static final Pattern KEY_PREFIX = Pattern.compile("[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*");
    /** Graviton families (c7g, m7g, t4g, c8g, r6gd …): the fleet's image is for arm64. */
    static final Pattern ARM64_INSTANCE_TYPE = Pattern.compile("[a-z]+[0-9]+g[a-z]*\\.[a-z0-9]+");

    static final Pattern CIDR = Pattern.compile("(\\d{1,3}\\.){3}\\d{1,3}/\\d{1,2}");
    static final Pattern CERTIFICATE_ARN =
            Pattern.compile("arn:aws[a-z-]*:acm:[a-z0-9-]+:\\d{12}:certificate/[0-9a-f-]{36}");
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
                securityGroups(ctx),
                ctx.optionalMatching(
                        "dbSecurityGroupId", SECURITY_GROUP_ID, "a security group id like sg-0123456789abcdef0"),
                ctx.optionalMatching(
                        "esSecurityGroupId", SECURITY_GROUP_ID, "a security group id like sg-0123456789abcdef0"));
        if (network.subnetIds().size() % network.availabilityZones().size() != 0) {
            throw ContextSource.invalid(
                    "subnetIds",
                    "expected the same number of subnets in each of the "
                            + network.availabilityZones().size() + " availabilityZones, got "
                            + network.subnetIds().size()
                            + " subnets (list them in AZ order)");
        }

        String esUrl = required(
                ctx,
                "esUrl",
                "the Elasticsearch base URL, e.g. https://search.internal:9200",
                HTTP_URL,
                "an http(s) URL");
        boolean esAllowPlainHttp = ctx.bool("esAllowPlainHttp", false);
        // the functions send the secret's credentials with every request (the handlers apply the same check)
        ContextSource.parsed("esUrl", esUrl, (key, url) -> {
            TransportSecurity.requireHttpsForCredentials(
                    key, URI.create(url), true, esAllowPlainHttp, "esAllowPlainHttp");
            return url;
        });
        SearchEngine searchEngine =
                ctx.optionalParsed("searchEngine", SearchEngine::parse).orElse(SearchEngine.DEFAULT);
        Optional<String> searchDomainArn = ctx.optionalMatching(
                "searchDomainArn",
                OPENSEARCH_DOMAIN_ARN,
                "an OpenSearch Service domain ARN like arn:aws:es:eu-west-1:123456789012:domain/messages"
                        + " (serverless collections are not deployed by this stack: their reads are granted by a data"
                        + " access policy, not by IAM resources)");
        if (searchDomainArn.isPresent()) {
            if (searchEngine != SearchEngine.OPENSEARCH) {
                throw ContextSource.invalid(
                        "searchDomainArn", "signs requests for Amazon OpenSearch Service: set searchEngine=opensearch");
            }
            if (ctx.optionalString("esSecretArn").isPresent()) {
                throw ContextSource.invalid(
                        "esSecretArn", "must be unset with searchDomainArn (the functions sign with their role)");
            }
            if (esAllowPlainHttp) {
                throw ContextSource.invalid(
                        "esAllowPlainHttp", "must be false with searchDomainArn (SigV4 over https)");
            }
        }
        Connections connections = new Connections(
                esUrl,
                searchDomainArn.isPresent()
                        ? Optional.empty()
                        : Optional.of(required(
                                ctx,
                                "esSecretArn",
                                "the complete ARN of the Secrets Manager secret with the cluster's credentials"
                                        + " (or searchDomainArn for SigV4)",
                                SECRET_ARN,
                                "a complete secret ARN (ending in -XXXXXX)")),
                esAllowPlainHttp,
                ContextSource.parsed(
                        "dbUrl",
                        required(
                                ctx,
                                "dbUrl",
                                "the MySQL JDBC URL, e.g. jdbc:mysql://db.internal:3306/export",
                                JDBC_MYSQL_URL,
                                "a jdbc:mysql:// URL"),
                        TransportSecurity::requireVerifiedTls),
                required(
                        ctx,
                        "dbSecretArn",
                        "the complete ARN of the Secrets Manager secret with the MySQL credentials",
                        SECRET_ARN,
                        "a complete secret ARN (ending in -XXXXXX)"),
                ctx.optionalMatching("secretsKmsKeyArn", KMS_KEY_ARN, "a KMS key ARN"),
                searchEngine,
                searchDomainArn);

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
                ctx.matching(
                        "keyPrefix",
                        ObjectKeyScheme.DEFAULT_PREFIX,
                        KEY_PREFIX,
                        "a key prefix without leading or trailing '/'"),
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
                ctx.bool("tracing", false),
                retention,
                ctx.optionalMatching("alarmEmail", EMAIL, "an e-mail address"),
                ctx.integer("lagAlarmDays", 2, 0, 3650));

        Path repoRoot = Path.of(ctx.string("repoRoot", "..")).toAbsolutePath().normalize();
        Artifacts artifacts = new Artifacts(
                repoRoot.resolve(ctx.string("extractorJar", "extractor-lambda/target/extractor-lambda.jar"))
                        .normalize(),
                repoRoot.resolve(ctx.string("workerJar", "worker-lambda/target/worker-lambda.jar"))
                        .normalize(),
                repoRoot.resolve(ctx.string("serviceDist", "worker-service/target/dist"))
                        .normalize());
        WorkerMode workerMode = ctx.choice("workerMode", WorkerMode.LAMBDA, WorkerMode.class);

        Map<String, String> jobEnvironment = jobEnvironment(ctx, repoRoot);
        Duration jobDeadline = Optional.ofNullable(jobEnvironment.get(EnvNames.JOB_DEADLINE))
                .map(v -> SettingFormat.positiveDuration(EnvNames.JOB_DEADLINE, v))
                .orElse(JobSettings.DEFAULT_JOB_DEADLINE);
        if (jobDeadline.compareTo(Duration.ofMinutes(schedule.stateMachineTimeoutMinutes())) >= 0) {
            throw ContextSource.invalid(
                    "stateMachineTimeoutMinutes",
                    "must be longer than the job deadline (" + jobDeadline + ", context key jobDeadline), or an"
                            + " execution times out before the job fails what is left; got "
                            + schedule.stateMachineTimeoutMinutes());
        }

        return new ExportSettings(
                ctx.matching("stackName", "MessageExport", STACK_NAME, "a CloudFormation stack name"),
                network,
                connections,
                archive,
                queue,
                functions,
                jobEnvironment,
                workerEnvironment(ctx),
                workerMode,
                fleet(ctx, workerMode),
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

    static final List<String> FLEET_KEYS = List.of(
            "fleetInstanceType",
            "fleetMaxInstances",
            "fleetWorkerConcurrency",
            "fleetBacklogPerInstance",
            "fleetStatusCidrs",
            "fleetStatusCertificateArn");

    private static Fleet fleet(ContextSource ctx, WorkerMode mode) {
        if (mode == WorkerMode.LAMBDA) {
            for (String key : FLEET_KEYS) {
                boolean given = key.equals("fleetStatusCidrs")
                        ? !ctx.list(key).isEmpty()
                        : ctx.optionalString(key).isPresent();
                if (given) {
                    throw ContextSource.invalid(key, "only used with workerMode=fleet (workerMode is lambda)");
                }
            }
        }
        List<String> cidrs = ctx.list("fleetStatusCidrs");
        for (String cidr : cidrs) {
            if (!CIDR.matcher(cidr).matches()) {
                throw ContextSource.invalid(
                        "fleetStatusCidrs", "expected IPv4 CIDR blocks like 10.0.0.0/16, got '" + cidr + "'");
            }
        }
        return new Fleet(
                ctx.matching(
                        "fleetInstanceType",
                        "c7g.large",
                        ARM64_INSTANCE_TYPE,
                        "an arm64 (Graviton) instance type like c7g.large (the image is Amazon Linux 2023 for arm64)"),
                ctx.integer("fleetMaxInstances", 2, 1, 100),
                ctx.integer("fleetWorkerConcurrency", 2, 1, 64),
                ctx.integer("fleetBacklogPerInstance", 60, 1, 100_000),
                cidrs,
                ctx.optionalMatching("fleetStatusCertificateArn", CERTIFICATE_ARN, "an ACM certificate ARN"));
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
     * Job settings for the extractor task functions, each checked by the parser the handlers apply to the variable it
     * becomes ({@link SettingFormat}); an unset key leaves the handler's default in force, so nothing is put in the
     * environment for it. The first window's start is required: from {@code firstStartDate}, else from the
     * {@code start_date} of the properties file {@code configFile} (read here with the handlers' reader).
     */
    private static Map<String, String> jobEnvironment(ContextSource ctx, Path repoRoot) {
        Map<String, String> env = new LinkedHashMap<>();
        indexSettings(ctx, env);
        integer(ctx, env, EnvNames.BATCH_SIZE, "exportBatchSize", 1, JobSettings.MAX_BATCH_SIZE);
        integer(ctx, env, EnvNames.PAGE_SIZE, "pageSize", 1, JobSettings.MAX_PAGE_SIZE);
        duration(ctx, env, EnvNames.PIT_KEEP_ALIVE, "pitKeepAlive");
        put(env, EnvNames.EXPORT_WINDOW, checked(ctx, "exportWindow", SettingFormat::wholeDays));
        duration(ctx, env, EnvNames.SAFETY_LAG, "safetyLag");
        env.put(EnvNames.FIRST_START_DATE, firstStartDate(ctx, repoRoot).toString());
        put(env, EnvNames.FAILURE_BUDGET, checked(ctx, "failureBudget", SettingFormat::failureBudget));
        integer(ctx, env, EnvNames.WINDOW_RETRY_LIMIT, "windowRetryLimit", 1, 1000);
        integer(ctx, env, EnvNames.MAX_WINDOW_DAYS, "maxWindowDays", 1, 3660);
        duration(ctx, env, EnvNames.JOB_DEADLINE, "jobDeadline");
        duration(ctx, env, EnvNames.LEASE_DURATION, "leaseDuration");
        duration(ctx, env, EnvNames.JOB_HEARTBEAT_TIMEOUT, "jobHeartbeatTimeout");
        integer(ctx, env, EnvNames.LATE_ARRIVAL_DAYS, "lateArrivalDays", 0, JobSettings.MAX_LATE_ARRIVAL_DAYS);
        keyHashPrefix(ctx, env);
        integer(ctx, env, EnvNames.TRACKING_RETENTION_DAYS, "trackingRetentionDays", 0, JobSettings.MAX_RETENTION_DAYS);
        integer(
                ctx,
                env,
                EnvNames.DB_POOL_SIZE,
                "dbPoolSize",
                DatabaseConfig.MIN_POOL_SIZE,
                DatabaseConfig.MAX_POOL_SIZE);
        return Map.copyOf(env);
    }

    private static LocalDate firstStartDate(ContextSource ctx, Path repoRoot) {
        Optional<LocalDate> given = ctx.optionalParsed("firstStartDate", SettingFormat::date);
        if (given.isPresent()) {
            return given.get();
        }
        Optional<String> file = ctx.optionalString("configFile");
        if (file.isPresent()) {
            String path = repoRoot.resolve(file.get()).normalize().toString();
            return ContextSource.parsed("configFile", path, (key, p) -> JobSettings.startDateFromFile(p));
        }
        throw new InvalidSettingException("Missing context key 'firstStartDate': the first window's start on the very"
                + " first run, e.g. 2024-01-01 (or configFile: a properties file with start_date=yyyy-MM-dd); set it"
                + " in cdk.json, with -c firstStartDate=..., or as " + ContextSource.environmentName("firstStartDate"));
    }

    /** Optional settings for the worker; unset keys leave the handler's defaults in force. */
    private static Map<String, String> workerEnvironment(ContextSource ctx) {
        Map<String, String> env = new LinkedHashMap<>();
        indexSettings(ctx, env);
        integer(ctx, env, EnvNames.PUT_CONCURRENCY, "putConcurrency", 1, 1024);
        integer(ctx, env, EnvNames.MAX_DOCUMENT_BYTES, "maxDocumentBytes", 1024, Integer.MAX_VALUE);
        put(
                env,
                EnvNames.OUTPUT_FORMAT,
                ctx.optionalParsed("outputFormat", SettingFormat::outputFormat).map(f -> f.setting()));
        duration(ctx, env, EnvNames.LEASE_DURATION, "leaseDuration");
        keyHashPrefix(ctx, env);
        integer(
                ctx,
                env,
                EnvNames.DB_POOL_SIZE,
                "workerDbPoolSize",
                DatabaseConfig.MIN_POOL_SIZE,
                DatabaseConfig.MAX_POOL_SIZE);
        return Map.copyOf(env);
    }

    /** The worker writes the keys, the finalizer states their pattern in the manifest: both need the same value. */
    private static void keyHashPrefix(ContextSource ctx, Map<String, String> env) {
        integer(ctx, env, EnvNames.KEY_HASH_PREFIX, "keyHashPrefix", 0, ObjectKeyScheme.MAX_HASH_CHARS);
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
        put(
                env,
                name,
                ctx.optionalParsed(key, (k, v) -> SettingFormat.integer(k, v, min, max))
                        .map(String::valueOf));
    }

    /** A positive ISO-8601 duration, as the handlers read it: P0D, PT0S or "P" fail here, not at run time. */
    private static void duration(ContextSource ctx, Map<String, String> env, String name, String key) {
        put(env, name, checked(ctx, key, SettingFormat::positiveDuration));
    }

    /** The value as written, once {@code parser} accepted it. */
    private static Optional<String> checked(
            ContextSource ctx, String key, java.util.function.BiFunction<String, String, ?> parser) {
        return ctx.optionalString(key).map(v -> {
            ContextSource.parsed(key, v, parser);
            return v;
        });
    }

    private static void put(Map<String, String> env, String name, Optional<String> value) {
        value.ifPresent(v -> env.put(name, v));
    }
}
