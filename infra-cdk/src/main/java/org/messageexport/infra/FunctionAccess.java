package org.messageexport.infra;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.messageexport.config.StateMachineTask.Need;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.iam.PolicyStatement;

/**
 * What each {@link Need} of the task table gives a function: environment variables, the secrets it may read and its
 * grants. The one mapping from needs to access, so that a need means the same for every function that has it (the
 * task functions from their rows of {@code StateMachineTask}, the worker from {@link #WORKER_NEEDS}). Every function
 * uses MySQL: its URL, its secret and {@code REQUIRE_TLS}.
 */
public final class FunctionAccess {
    /** The worker reads Elasticsearch and writes the exported objects; its queue consumption is its event source's. */
    static final Set<Need> WORKER_NEEDS = Set.of(Need.ELASTICSEARCH, Need.WRITE_EXPORTS);

    /**
     * The cdk-nag IAM5 finding of the search domain grant: the paths under one OpenSearch Service domain
     * ({@code <domain ARN>/*}: its indices and APIs), never another domain's.
     */
    static final String SEARCH_DOMAIN_PATHS = "^Resource::arn:aws[a-z-]*:es:[a-z0-9-]+:\\d{12}:domain/[a-z0-9-]+/\\*$";

    private final ExportSettings.Connections connections;
    private final ConnectionSecrets secrets;
    private final ArchiveBucket archive;
    private final WorkQueue queue;

    FunctionAccess(
            ExportSettings.Connections connections, ConnectionSecrets secrets, ArchiveBucket archive, WorkQueue queue) {
        this.connections = connections;
        this.secrets = secrets;
        this.archive = archive;
        this.queue = queue;
    }

    /** The archive the exports go to (its key prefix bounds every object grant). */
    ArchiveBucket archive() {
        return archive;
    }

    /** The variables for {@code needs}, then {@code settings} (which never override a connection's variable). */
    FunctionEnvironment environment(Set<Need> needs, Map<String, String> settings) {
        FunctionEnvironment environment = new FunctionEnvironment().database(connections);
        if (needs.contains(Need.ELASTICSEARCH)) {
            environment.elasticsearch(connections);
        }
        if (needs.contains(Need.SEND_BATCHES)) {
            environment.queue(queue);
        }
        if (needs.contains(Need.WRITE_EXPORTS)) {
            environment.archive(archive);
        }
        return environment.settings(settings);
    }

    /**
     * SigV4 access to one OpenSearch Service domain: GET and POST (search, PIT, mget, msearch) on the domain and its
     * paths; DELETE only on the point in time path (closing a PIT), so that the role can delete no index or document.
     */
    private static void grantSearchDomain(IGrantable grantee, String domainArn) {
        grantee.getGrantPrincipal()
                .addToPrincipalPolicy(PolicyStatement.Builder.create()
                        .actions(List.of("es:ESHttpGet", "es:ESHttpPost"))
                        .resources(List.of(domainArn, domainArn + "/*"))
                        .build());
        grantee.getGrantPrincipal()
                .addToPrincipalPolicy(PolicyStatement.Builder.create()
                        .actions(List.of("es:ESHttpDelete"))
                        .resources(List.of(domainArn + "/_search/point_in_time"))
                        .build());
    }

    /** The database secret always; for each need, exactly what it uses. */
    void grant(IGrantable grantee, Set<Need> needs) {
        secrets.grantReadDatabase(grantee);
        if (needs.contains(Need.ELASTICSEARCH)) {
            secrets.grantReadElasticsearch(grantee);
            connections.searchDomainArn().ifPresent(domain -> grantSearchDomain(grantee, domain));
        }
        if (needs.contains(Need.SEND_BATCHES)) {
            queue.queue().grantSendMessages(grantee);
        }
        if (needs.contains(Need.WRITE_EXPORTS)) {
            archive.grantPutExports(grantee);
        }
    }
}
