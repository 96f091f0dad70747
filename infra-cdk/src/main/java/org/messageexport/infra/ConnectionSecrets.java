package org.messageexport.infra;

import java.util.Optional;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretAttributes;
import software.constructs.Construct;

/**
 * The existing Secrets Manager secrets with the search cluster's (none when the functions sign with SigV4) and MySQL's
 * credentials, imported by ARN.
 */
public final class ConnectionSecrets extends Construct {
    private final Optional<ISecret> elasticsearch;
    private final ISecret database;

    public ConnectionSecrets(Construct scope, String id, ExportSettings.Connections props) {
        super(scope, id);
        // A complete ARN (with the -XXXXXX suffix) makes the read grant name exactly this secret.
        Optional<IKey> key = props.secretsKmsKeyArn().map(arn -> Key.fromKeyArn(this, "Key", arn));
        elasticsearch = props.esSecretArn()
                .map(arn -> Secret.fromSecretAttributes(
                        this,
                        "Elasticsearch",
                        SecretAttributes.builder()
                                .secretCompleteArn(arn)
                                .encryptionKey(key.orElse(null))
                                .build()));
        database = Secret.fromSecretAttributes(
                this,
                "Database",
                SecretAttributes.builder()
                        .secretCompleteArn(props.dbSecretArn())
                        .encryptionKey(key.orElse(null))
                        .build());
    }

    public Optional<ISecret> elasticsearch() {
        return elasticsearch;
    }

    public ISecret database() {
        return database;
    }

    public void grantReadDatabase(IGrantable grantee) {
        database.grantRead(grantee);
    }

    public void grantReadElasticsearch(IGrantable grantee) {
        elasticsearch.ifPresent(secret -> secret.grantRead(grantee));
    }
}
