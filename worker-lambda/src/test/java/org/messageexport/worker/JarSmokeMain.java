package org.messageexport.worker;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.time.Duration;
import org.messageexport.localkit.LocalLambdaContext;
import org.messageexport.localkit.SqsEvents;

/**
 * Runs in a JVM of its own on the shaded jar (plus this class and local-kit's): builds the handler the way the Lambda
 * runtime does (public constructor, configuration from the environment) and handles one record whose
 * body is {@code args[0]}. Prints {@code INIT_MS=} and {@code FAILURES=} lines for {@link ShadedJarIT}.
 */
public final class JarSmokeMain {
    private JarSmokeMain() {}

    public static void main(String[] args) {
        long t0 = System.nanoTime();
        ExportBatchHandler handler = new ExportBatchHandler();
        long initMillis = (System.nanoTime() - t0) / 1_000_000;
        SQSEvent event = SqsEvents.of("smoke-1", args[0], 1);
        long t1 = System.nanoTime();
        SQSBatchResponse response =
                handler.handleRequest(event, LocalLambdaContext.of("worker", Duration.ofMinutes(1)));
        long handleMillis = (System.nanoTime() - t1) / 1_000_000;
        System.out.println("INIT_MS=" + initMillis);
        System.out.println("FIRST_BATCH_MS=" + handleMillis);
        System.out.println("FAILURES=" + response.getBatchItemFailures().size());
        System.exit(0);
    }
}
