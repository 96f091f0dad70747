package org.messageexport.infra;

import java.util.List;
import java.util.Optional;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.sqs.IQueue;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;
import software.constructs.Construct;

/**
 * What an operator is told about, on an encrypted SNS topic: a message in the dead-letter queue,
 * work waiting too long, and an execution that failed or timed out.
 */
public final class ExportAlarms extends Construct {
    public record Props(
            IQueue queue,
            IQueue deadLetterQueue,
            int oldestMessageAlarmSeconds,
            IStateMachine stateMachine,
            Optional<String> email) {}

    private final Topic topic;
    private final Alarm deadLetters;
    private final Alarm oldestMessage;
    private final Alarm failedExecutions;
    private final Alarm timedOutExecutions;

    public ExportAlarms(Construct scope, String id, Props props) {
        super(scope, id);
        // CloudWatch must be allowed to use the topic's key, which an AWS managed key cannot allow
        Key key = Key.Builder.create(this, "TopicKey")
                .description("Encrypts the message export alarm topic")
                .enableKeyRotation(true)
                .build();
        key.grant(new ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*");
        topic = Topic.Builder.create(this, "Topic")
                .displayName("Message export alarms")
                .masterKey(key)
                .enforceSsl(true)
                .build();
        props.email().ifPresent(address -> topic.addSubscription(new EmailSubscription(address)));

        Duration period = Duration.minutes(5);
        deadLetters = alarm(
                "DeadLetters",
                "Batches failed repeatedly and are in the dead-letter queue: inspect, fix, then redrive them",
                props.deadLetterQueue()
                        .metricApproximateNumberOfMessagesVisible(MetricOptions.builder()
                                .statistic("Maximum")
                                .period(period)
                                .build()),
                0,
                TreatMissingData.NOT_BREACHING);
        oldestMessage = alarm(
                "OldestMessage",
                "Batches wait longer than " + props.oldestMessageAlarmSeconds() + " s on the work queue: the worker is"
                        + " failing, throttled or capped too low",
                props.queue()
                        .metricApproximateAgeOfOldestMessage(MetricOptions.builder()
                                .statistic("Maximum")
                                .period(period)
                                .build()),
                props.oldestMessageAlarmSeconds(),
                TreatMissingData.NOT_BREACHING);
        failedExecutions = alarm(
                "FailedExecutions",
                "An export execution failed",
                props.stateMachine()
                        .metricFailed(MetricOptions.builder()
                                .statistic("Sum")
                                .period(period)
                                .build()),
                0,
                TreatMissingData.NOT_BREACHING);
        timedOutExecutions = alarm(
                "TimedOutExecutions",
                "An export execution timed out",
                props.stateMachine()
                        .metricTimedOut(MetricOptions.builder()
                                .statistic("Sum")
                                .period(period)
                                .build()),
                0,
                TreatMissingData.NOT_BREACHING);
    }

    private Alarm alarm(String id, String description, IMetric metric, double threshold, TreatMissingData missing) {
        Alarm alarm = Alarm.Builder.create(this, id)
                .alarmDescription(description)
                .metric(metric)
                .threshold(threshold)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .evaluationPeriods(1)
                .treatMissingData(missing)
                .build();
        alarm.addAlarmAction(new SnsAction(topic));
        return alarm;
    }

    public Topic topic() {
        return topic;
    }

    public List<Alarm> alarms() {
        return List.of(deadLetters, oldestMessage, failedExecutions, timedOutExecutions);
    }
}
