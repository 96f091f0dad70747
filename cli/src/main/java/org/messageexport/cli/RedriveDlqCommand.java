package org.messageexport.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import org.messageexport.config.EnvNames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "redrive-dlq",
        mixinStandardHelpOptions = true,
        description = {
            "Move the dead-lettered batches back to the work queue (SQS message move task; where the queue service has",
            "none, receive / send / delete with the same guarantees) and report what moved."
        })
final class RedriveDlqCommand extends OperatorCommand {
    @Option(
            names = "--dead-letter-queue-url",
            description = "The DLQ (default: the stack's DeadLetterQueueUrl output, the local deployment's, or $"
                    + OperatorTarget.DLQ_ENV + ").")
    String deadLetterQueueUrl;

    @Option(
            names = "--timeout",
            defaultValue = "PT5M",
            description = "The longest wait for the move (ISO-8601 duration, default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    int run(Operator operator) throws Exception {
        String dlq = deadLetterQueueUrl != null
                ? deadLetterQueueUrl
                : operator.endpoints()
                        .deadLetterQueueUrl()
                        .orElseThrow(() -> new IllegalArgumentException(
                                "no dead-letter queue known: give --dead-letter-queue-url"));
        DeadLetterRedrive.Redrive r = new DeadLetterRedrive(operator.sqs(), Clock.systemUTC())
                .redrive(dlq, operator.required(EnvNames.QUEUE_URL), timeout);
        if (json()) {
            printJson(r);
        } else {
            PrintWriter out = out();
            out.printf(
                    Locale.ROOT,
                    "dead-letter queue: %,d waiting; moved %,d to the work queue, %,d not moved%n",
                    r.waitingBefore(),
                    r.moved(),
                    r.failed());
            out.println("how: " + r.method().name().toLowerCase(Locale.ROOT).replace('_', ' ') + " (" + r.note() + ")");
            out.flush();
        }
        return r.failed() == 0 ? 0 : 1;
    }
}
