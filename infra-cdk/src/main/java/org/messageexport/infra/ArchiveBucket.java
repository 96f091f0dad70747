package org.messageexport.infra;

import static org.messageexport.infra.NagReasons.suppress;

import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.Grant;
import software.amazon.awscdk.services.iam.GrantOnPrincipalOptions;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketAttributes;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.amazon.awscdk.services.s3.StorageClass;
import software.amazon.awscdk.services.s3.Transition;
import software.constructs.Construct;

/**
 * The bucket the messages are exported to: a new one (encrypted, private, TLS only, versioned, with
 * lifecycle rules and access logs) or an existing one by name. Functions get access through the
 * grant methods, scoped to the export key prefix.
 */
public final class ArchiveBucket extends Construct {
    /** Server-side encryption values the S3 PUTs name ({@code S3_SSE}). */
    static final String SSE_S3 = "AES256";

    static final String SSE_KMS = "aws:kms";

    private final IBucket bucket;
    private final Optional<IKey> key;
    private final String keyPrefix;

    public ArchiveBucket(Construct scope, String id, ExportSettings.Archive props) {
        super(scope, id);
        this.keyPrefix = props.keyPrefix();
        boolean kms = props.encryption() == ExportSettings.BucketEncryption.KMS;
        if (props.existingBucketName().isPresent()) {
            if (kms && props.kmsKeyArn().isEmpty()) {
                throw ContextSource.invalid(
                        "kmsKeyArn",
                        "required with bucketEncryption=KMS and an existing bucket (bucketName): the functions need grants on its key");
            }
            key = props.kmsKeyArn().map(arn -> Key.fromKeyArn(this, "Key", arn));
            bucket = Bucket.fromBucketAttributes(
                    this,
                    "Bucket",
                    BucketAttributes.builder()
                            .bucketName(props.existingBucketName().get())
                            .encryptionKey(key.orElse(null))
                            .build());
            return;
        }
        if (kms) {
            key = Optional.of(props.kmsKeyArn()
                    .map(arn -> Key.fromKeyArn(this, "Key", arn))
                    .orElseGet(() -> Key.Builder.create(this, "Key")
                            .description("Encrypts the exported messages")
                            .enableKeyRotation(true)
                            .removalPolicy(RemovalPolicy.RETAIN)
                            .build()));
        } else {
            key = Optional.empty();
        }
        IBucket accessLogs = props.accessLogsBucketName()
                .map(name -> Bucket.fromBucketName(this, "AccessLogs", name))
                .orElseGet(this::accessLogsBucket);

        Bucket.Builder builder = Bucket.Builder.create(this, "Bucket")
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .enforceSsl(true)
                .versioned(true)
                .lifecycleRules(lifecycleRules(props))
                .serverAccessLogsBucket(accessLogs)
                .serverAccessLogsPrefix("archive/")
                .removalPolicy(RemovalPolicy.RETAIN);
        if (kms) {
            builder.encryption(BucketEncryption.KMS).encryptionKey(key.get()).bucketKeyEnabled(true);
        } else {
            builder.encryption(BucketEncryption.S3_MANAGED);
        }
        bucket = builder.build();
    }

    private Bucket accessLogsBucket() {
        Bucket logs = Bucket.Builder.create(this, "AccessLogs")
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .encryption(BucketEncryption.S3_MANAGED) // S3 server access logging cannot write to SSE-KMS buckets
                .enforceSsl(true)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .lifecycleRules(List.of(LifecycleRule.builder()
                        .id("expire-access-logs")
                        .expiration(Duration.days(365))
                        .build()))
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        NagSuppressions.addResourceSuppressions(
                logs,
                List.of(
                        suppress(
                                "AwsSolutions-S1",
                                "This is the access-log destination of the archive bucket; logging it into itself would loop.")),
                true);
        return logs;
    }

    private static List<LifecycleRule> lifecycleRules(ExportSettings.Archive props) {
        LifecycleRule.Builder rule =
                LifecycleRule.builder().id("archive-lifecycle").abortIncompleteMultipartUploadAfter(Duration.days(7));
        if (props.transitionDays() > 0) {
            rule.transitions(List.of(Transition.builder()
                    .storageClass(storageClass(props.transitionStorageClass()))
                    .transitionAfter(Duration.days(props.transitionDays()))
                    .build()));
        }
        if (props.expirationDays() > 0) {
            rule.expiration(Duration.days(props.expirationDays()));
        }
        if (props.noncurrentVersionExpirationDays() > 0) {
            rule.noncurrentVersionExpiration(Duration.days(props.noncurrentVersionExpirationDays()));
        }
        List<LifecycleRule> rules = new ArrayList<>();
        rules.add(rule.build());
        return rules;
    }

    private static StorageClass storageClass(String name) {
        return switch (ExportSettings.TransitionStorageClass.valueOf(name)) {
            case INFREQUENT_ACCESS -> StorageClass.INFREQUENT_ACCESS;
            case INTELLIGENT_TIERING -> StorageClass.INTELLIGENT_TIERING;
            case GLACIER_INSTANT_RETRIEVAL -> StorageClass.GLACIER_INSTANT_RETRIEVAL;
            case GLACIER -> StorageClass.GLACIER;
            case DEEP_ARCHIVE -> StorageClass.DEEP_ARCHIVE;
        };
    }

    public IBucket bucket() {
        return bucket;
    }

    public Optional<IKey> key() {
        return key;
    }

    public String keyPrefix() {
        return keyPrefix;
    }

    /** The {@code S3_SSE} value for PUTs into this bucket. */
    public String serverSideEncryption() {
        return key.isPresent() ? SSE_KMS : SSE_S3;
    }

    /**
     * {@code s3:PutObject} on keys under the export prefix, and with a KMS bucket {@code kms:GenerateDataKey} on its
     * key: what a single PUT needs, nothing more. Not {@code bucket.grantPut}: that adds object retention, legal hold,
     * tagging and multipart-abort rights that the functions never use (a writer that can set a retention or a legal
     * hold can lock objects for years).
     */
    public void grantPutExports(IGrantable grantee) {
        Grant.addToPrincipal(GrantOnPrincipalOptions.builder()
                .grantee(grantee)
                .actions(List.of("s3:PutObject"))
                .resourceArns(List.of(bucket.arnForObjects(keyPrefix + "/*")))
                .build());
        key.ifPresent(k -> k.grant(grantee, "kms:GenerateDataKey"));
    }
}
