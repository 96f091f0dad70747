package org.messageexport.cli;

import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Stack;

/** A deployed stack's outputs (DescribeStacks), with the default region and credentials chains. */
final class StackOutputs {
    private StackOutputs() {}

    static Map<String, String> of(String stackName) {
        try (CloudFormationClient cfn = CloudFormationClient.create()) {
            Stack stack =
                    cfn.describeStacks(d -> d.stackName(stackName)).stacks().getFirst();
            Map<String, String> outputs = new HashMap<>();
            for (Output o : stack.outputs()) {
                outputs.put(o.outputKey(), o.outputValue());
            }
            return outputs;
        } catch (CloudFormationException e) {
            if (e.statusCode() == 400) {
                throw new IllegalArgumentException(
                        "--stack " + stackName + ": " + e.awsErrorDetails().errorMessage());
            }
            throw e;
        }
    }
}
