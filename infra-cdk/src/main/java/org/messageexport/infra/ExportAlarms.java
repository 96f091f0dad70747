package org.messageexport.infra;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.messageexport.config.StateMachineTask;
import org.messageexport.observability.Metrics;
import org.messageexport.observability.ScheduleMetrics;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.sqs.IQueue;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;
import software.constructs.Construct;

/**
 * What an operator is told about, on an encrypted SNS topic: a message in the dead-letter queue,
 * work waiting too long, an execution that failed or timed out, the export falling behind (the oldest due day not
 * exported, {@link ScheduleMetrics#EXPORT_LAG_DAYS}), and a window past its retry limit that waits for an operator.
 */
public final class ExportAlarms extends Construct {
    public record Props(
            IQueue queue,
            IQueue deadLetterQueue,
            int oldestMessageAlarmSeconds,
            IStateMachine stateMachine,
            int lagAlarmDays,
            Optional<String> email) {}

    private final Topic topic;
    private final Alarm deadLetters;
    private final Alarm oldestMessage;
    private final Alarm failedExecutions;
    private final Alarm timedOutExecutions;
    private final Alarm exportLag;
    private final Alarm windowsAwaitingOperator;

    public ExportAlarms(Construct scope, String id, Props props) {
        super(scope, id);
        // CloudWatch must be allowed to use the topic's key, which an AWS managed key cannot allow
        Key key = Key.Builder.create(this, "TopicKey")
                .description("Encrypts the message export alarm topic")
                .enableKeyRotation(true)
                .build();
        // only on behalf of this account's alarms: without the conditions any account's CloudWatch could use the key
        // (the confused-deputy case of a service principal)
        Stack stack = Stack.of(this);
        key.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("AllowThisAccountsCloudWatchAlarms")
                .principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com")))
                .actions(List.of("kms:Decrypt", "kms:GenerateDataKey*"))
                .resources(List.of("*"))
                .conditions(Map.of(
                        "StringEquals",
                        Map.of("aws:SourceAccount", stack.getAccount()),
                        "ArnLike",
                        Map.of(
                                "aws:SourceArn",
                                "arn:" + stack.getPartition() + ":cloudwatch:" + stack.getRegion() + ":"
                                        + stack.getAccount() + ":alarm:*")))
                .build());
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
        exportLag = alarm(
                "ExportLag",
                "The oldest due day not exported lies more than " + props.lagAlarmDays() + " days behind: windows"
                        + " fail or executions do not run (see the job_runs rows and the executions)",
                scheduleMetric(ScheduleMetrics.EXPORT_LAG_DAYS),
                props.lagAlarmDays(),
                TreatMissingData.IGNORE);
        windowsAwaitingOperator = alarm(
                "WindowsAwaitingOperator",
                "A window failed over its failure budget WINDOW_RETRY_LIMIT times and is no longer retried: read its"
                        + " manifest's failures, fix the cause, then run the window by hand (or raise FAILURE_BUDGET)",
                scheduleMetric(ScheduleMetrics.WINDOWS_AWAITING_OPERATOR),
                0,
                TreatMissingData.IGNORE);
    }

    /**
     * A figure Plan job reports at each plan. Between two executions there is no data: the alarm keeps its state
     * (a lag stays an alarm until a later plan reports it gone).
     */
    private static IMetric scheduleMetric(String name) {
        return Metric.Builder.create()
                .namespace(Metrics.NAMESPACE)
                .metricName(name)
                .dimensionsMap(Map.of("Function", StateMachineTask.PLAN_JOB.functionName()))
                .statistic("Maximum")
                .period(Duration.hours(1))
                .build();
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
        return List.of(
                deadLetters, oldestMessage, failedExecutions, timedOutExecutions, exportLag, windowsAwaitingOperator);
    }
}
