package org.messageexport.extractor;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.lang.reflect.Modifier;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.messageexport.config.SecretLookup;
import org.messageexport.config.StateMachineTask;
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.embedded.EmbeddedServicesExtension;
import org.messageexport.localkit.LocalEndpoints;
import org.messageexport.testing.TestServices;

/**
 * The task table against the handlers: for every row, the handler that the local runner builds on a shared
 * runtime is the class that CDK deploys (the table's string), and Lambda can build that class itself.
 */
@ExtendWith(EmbeddedServicesExtension.class)
class StateMachineTaskIT {
    @Test
    void everyTask_localHandlerIsTheDeployedClass_withThePublicConstructorLambdaCalls(EmbeddedServices services)
            throws Exception {
        TestServices.dataSource(services); // migrated: the runtime checks the schema
        // building the handlers sends nothing: the queue need not exist
        ExtractorConfig config = ExtractorConfig.fromEnv(
                LocalEndpoints.of(services)
                        .environment("exports", services.sqs().url() + "/000000000000/unused"),
                SecretLookup.NONE);
        try (ExtractorRuntime runtime = new ExtractorRuntime(config, Clock.systemUTC())) {
            for (StateMachineTask task : StateMachineTask.values()) {
                RequestStreamHandler handler = runtime.handler(task);

                assertThat(handler.getClass().getName()).as(task.name()).isEqualTo(task.handlerClass());
                assertThat(task.lambdaHandler()).isEqualTo(task.handlerClass() + "::handleRequest");
                Class<?> deployed = Class.forName(task.handlerClass());
                assertThat(RequestStreamHandler.class.isAssignableFrom(deployed))
                        .as(task.name())
                        .isTrue();
                assertThat(Modifier.isPublic(deployed.getConstructor().getModifiers()))
                        .as(task.name())
                        .isTrue();
            }
        }
    }
}
