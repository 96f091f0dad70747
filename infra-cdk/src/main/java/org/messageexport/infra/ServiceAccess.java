package org.messageexport.infra;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SecurityGroupImportOptions;
import software.constructs.Construct;

/**
 * Admits the functions to MySQL and Elasticsearch: given the security group of each (context keys
 * {@code dbSecurityGroupId}, {@code esSecurityGroupId}), an ingress rule per function security group on the service's
 * port, read from its URL. With the rules in the stack, a first deployment works in one go: the schema migration,
 * which runs after them, can reach MySQL. Without a group id nothing is added (the owner of the service's group admits
 * the functions' group, output {@code FunctionSecurityGroupId}).
 */
public final class ServiceAccess extends Construct {
    public record Props(
            List<ISecurityGroup> functionGroups,
            Optional<String> databaseGroupId,
            int databasePort,
            Optional<String> elasticsearchGroupId,
            int elasticsearchPort) {}

    public ServiceAccess(Construct scope, String id, Props props) {
        super(scope, id);
        props.databaseGroupId()
                .ifPresent(group -> admit("Database", group, props.databasePort(), "MySQL", props.functionGroups()));
        props.elasticsearchGroupId()
                .ifPresent(group -> admit(
                        "Elasticsearch", group, props.elasticsearchPort(), "Elasticsearch", props.functionGroups()));
    }

    private void admit(String id, String groupId, int port, String service, List<ISecurityGroup> functionGroups) {
        ISecurityGroup group = SecurityGroup.fromSecurityGroupId(
                this,
                id,
                groupId,
                SecurityGroupImportOptions.builder().mutable(true).build());
        for (ISecurityGroup functionGroup : functionGroups) {
            group.addIngressRule(
                    Peer.securityGroupId(functionGroup.getSecurityGroupId()),
                    Port.tcp(port),
                    "Message export functions to " + service);
        }
    }

    /** The port of a JDBC URL ({@code jdbc:mysql://host:port/db}), 3306 when it names none. */
    static int databasePort(String jdbcUrl) {
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        return uri.getPort() > 0 ? uri.getPort() : 3306;
    }

    /** The port of an http(s) URL, the scheme's default when it names none. */
    static int elasticsearchPort(String url) {
        URI uri = URI.create(url);
        return uri.getPort() > 0 ? uri.getPort() : ("https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80);
    }
}
