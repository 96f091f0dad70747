package org.messageexport.infra;

import java.util.List;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SubnetSelection;

/** Where the functions run: the imported VPC, its private subnets and the security groups. */
public record FunctionNetwork(IVpc vpc, SubnetSelection subnets, List<ISecurityGroup> securityGroups) {
    public FunctionNetwork {
        securityGroups = List.copyOf(securityGroups);
    }
}
