package org.messageexport.infra;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.messageexport.statemachine.StateMachineDefinition;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.ISubnet;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.Subnet;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.amazon.awscdk.services.lambda.Code;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * The whole export: bucket, queue, functions, schema migration, state machine, schedule, alarms; the worker as a
 * function on the queue's event source (workerMode=lambda, the default) or as a fleet of instances (workerMode=fleet).
 */
public final class MessageExportStack extends Stack {
    private final ArchiveBucket archive;
    private final WorkQueue workQueue;
    private final ExtractorFunctions extractor;
    private final Optional<WorkerFunction> worker;
    private final Optional<WorkerFleet> fleet;
    private final SchemaMigration migration;
    private final ExportStateMachine stateMachine;
    private final ExportSchedule schedule;
    private final ExportAlarms alarms;

    public MessageExportStack(
            Construct scope,
            String id,
            StackProps stackProps,
            ExportSettings settings,
            StateMachineDefinition definition) {
        super(scope, id, stackProps);
        // Checked first: a missing jar is the most common reason a synth fails.
        Code extractorCode =
                LambdaArtifact.jar(settings.artifacts().extractorJar(), "extractorJar", "extractor-lambda");
        boolean lambdaWorker = settings.workerMode() == ExportSettings.WorkerMode.LAMBDA;
        Optional<Code> workerCode = lambdaWorker
                ? Optional.of(LambdaArtifact.jar(settings.artifacts().workerJar(), "workerJar", "worker-lambda"))
                : Optional.empty();
        Optional<Path> serviceDistribution = lambdaWorker
                ? Optional.empty()
                : Optional.of(
                        WorkerFleet.checkedDistribution(settings.artifacts().serviceDistribution()));
        ExportSettings.Functions sizes = settings.functions();
        ExportSettings.Observability observability = settings.observability();

        FunctionNetwork network = network(settings.network());
        ConnectionSecrets secrets = new ConnectionSecrets(this, "Secrets", settings.connections());
        archive = new ArchiveBucket(this, "Archive", settings.archive());
        workQueue = new WorkQueue(
                this,
                "WorkQueue",
                new WorkQueue.Props(
                        sizes.workerTimeoutSeconds(), sizes.workerBatchingWindowSeconds(),
                        settings.queue().maxReceiveCount(), settings.queue().dlqRetentionDays()));

        FunctionAccess access = new FunctionAccess(settings.connections(), secrets, archive, workQueue);
        ServiceAccess serviceAccess = new ServiceAccess(
                this,
                "ServiceAccess",
                new ServiceAccess.Props(
                        network.securityGroups(),
                        settings.network().dbSecurityGroupId(),
                        ServiceAccess.databasePort(settings.connections().dbUrl()),
                        settings.network().esSecurityGroupId(),
                        ServiceAccess.elasticsearchPort(settings.connections().esUrl())));
        migration = new SchemaMigration(
                this,
                "SchemaMigration",
                new SchemaMigration.Props(
                        extractorCode,
                        sizes.migrateTimeoutSeconds(),
                        access,
                        network,
                        observability.tracing(),
                        observability.logRetentionDays()));
        migration.runAfter(List.of(serviceAccess));

        extractor = new ExtractorFunctions(
                this,
                "Extractor",
                new ExtractorFunctions.Props(
                        extractorCode,
                        sizes,
                        settings.jobEnvironment(),
                        access,
                        network,
                        observability.tracing(),
                        observability.logRetentionDays()));
        worker = workerCode.map(code -> new WorkerFunction(
                this,
                "Worker",
                new WorkerFunction.Props(
                        code,
                        sizes,
                        settings.workerEnvironment(),
                        access,
                        workQueue,
                        network,
                        observability.tracing(),
                        observability.logRetentionDays())));
        fleet = serviceDistribution.map(dir -> new WorkerFleet(
                this,
                "WorkerFleet",
                new WorkerFleet.Props(
                        dir,
                        settings.fleet(),
                        sizes.workerTimeoutSeconds(),
                        settings.workerEnvironment(),
                        access,
                        workQueue,
                        network,
                        observability.logRetentionDays())));
        // publishing a SnapStart version runs the handler's constructor, the worker's mapping starts invocations and
        // the fleet's instances start workers: all come after the migrations, so that what they start finds the
        // schema it was built for
        List<Construct> afterMigration = new ArrayList<>();
        for (IConstruct child : getNode().findAll()) {
            if (child instanceof JavaFunction function && function.snapStart()) {
                afterMigration.add(function.version());
            }
        }
        worker.ifPresent(w -> afterMigration.add(w.eventSource()));
        fleet.ifPresent(afterMigration::add);
        migration.runBefore(afterMigration);

        stateMachine = new ExportStateMachine(
                this,
                "ExportJob",
                new ExportStateMachine.Props(
                        definition.withTimeoutSeconds(settings.schedule().stateMachineTimeoutMinutes() * 60L),
                        extractor,
                        observability.tracing(),
                        observability.logRetentionDays()));
        schedule = new ExportSchedule(
                this,
                "Schedule",
                new ExportSchedule.Props(
                        stateMachine.stateMachine(),
                        settings.schedule().expression(),
                        settings.schedule().enabled()));
        alarms = new ExportAlarms(
                this,
                "Alarms",
                new ExportAlarms.Props(
                        workQueue.queue(),
                        workQueue.deadLetterQueue(),
                        settings.queue().oldestMessageAlarmSeconds(),
                        stateMachine.stateMachine(),
                        observability.lagAlarmDays(),
                        observability.alarmEmail()));

        CfnOutput.Builder.create(this, "StateMachineArn")
                .value(stateMachine.stateMachine().getStateMachineArn())
                .description("aws stepfunctions start-execution --state-machine-arn <this> --input '{}'")
                .build();
        CfnOutput.Builder.create(this, "BucketName")
                .value(archive.bucket().getBucketName())
                .build();
        CfnOutput.Builder.create(this, "WorkQueueUrl")
                .value(workQueue.queue().getQueueUrl())
                .build();
        CfnOutput.Builder.create(this, "DeadLetterQueueUrl")
                .value(workQueue.deadLetterQueue().getQueueUrl())
                .build();
        CfnOutput.Builder.create(this, "AlarmTopicArn")
                .value(alarms.topic().getTopicArn())
                .build();
        for (IConstruct child : getNode().findAll()) {
            if (child instanceof JavaFunction function) {
                function.suppressGrantWildcards(settings.archive().keyPrefix());
            }
        }
        // Imported subnets carry no route table id, which nothing here reads.
        Annotations.of(this)
                .acknowledgeWarning(
                        "@aws-cdk/aws-ec2:noSubnetRouteTableId",
                        "The functions only need subnet ids; no route table is read from the imported subnets.");
        // Each SnapStart function has a "live" alias on its current version, so a version is always published.
        Annotations.of(this)
                .acknowledgeWarning(
                        "@aws-cdk/aws-lambda:snapStartRequirePublish",
                        "Every SnapStart function is invoked through an alias on a published version.");
        network.securityGroups().forEach(group -> {
            if (group instanceof SecurityGroup created) {
                CfnOutput.Builder.create(this, "FunctionSecurityGroupId")
                        .value(created.getSecurityGroupId())
                        .description("Allow this group in the Elasticsearch and MySQL security groups")
                        .build();
            }
        });
    }

    private FunctionNetwork network(ExportSettings.Network settings) {
        // Imported from attributes, never looked up: synth stays offline and needs no credentials.
        IVpc vpc = Vpc.fromVpcAttributes(
                this,
                "Vpc",
                VpcAttributes.builder()
                        .vpcId(settings.vpcId())
                        .availabilityZones(settings.availabilityZones())
                        .privateSubnetIds(settings.subnetIds())
                        .build());
        List<ISubnet> subnets = new ArrayList<>();
        for (int i = 0; i < settings.subnetIds().size(); i++) {
            subnets.add(Subnet.fromSubnetAttributes(
                    this,
                    "Subnet" + i,
                    software.amazon.awscdk.services.ec2.SubnetAttributes.builder()
                            .subnetId(settings.subnetIds().get(i))
                            .availabilityZone(settings.availabilityZones()
                                    .get(i % settings.availabilityZones().size()))
                            .build()));
        }
        List<ISecurityGroup> groups = new ArrayList<>();
        if (settings.securityGroupIds().isEmpty()) {
            groups.add(SecurityGroup.Builder.create(this, "FunctionSecurityGroup")
                    .vpc(vpc)
                    .description("Message export functions: egress to Elasticsearch, MySQL and AWS APIs; no ingress")
                    .allowAllOutbound(true)
                    .build());
        } else {
            for (int i = 0; i < settings.securityGroupIds().size(); i++) {
                groups.add(SecurityGroup.fromSecurityGroupId(
                        this, "SecurityGroup" + i, settings.securityGroupIds().get(i)));
            }
        }
        return new FunctionNetwork(
                vpc, SubnetSelection.builder().subnets(subnets).build(), groups);
    }

    public ArchiveBucket archive() {
        return archive;
    }

    public WorkQueue workQueue() {
        return workQueue;
    }

    public ExtractorFunctions extractor() {
        return extractor;
    }

    /** The worker function (workerMode=lambda). */
    public Optional<WorkerFunction> worker() {
        return worker;
    }

    /** The worker fleet (workerMode=fleet). */
    public Optional<WorkerFleet> fleet() {
        return fleet;
    }

    public SchemaMigration migration() {
        return migration;
    }

    public ExportStateMachine stateMachine() {
        return stateMachine;
    }

    public ExportSchedule schedule() {
        return schedule;
    }

    public ExportAlarms alarms() {
        return alarms;
    }
}
