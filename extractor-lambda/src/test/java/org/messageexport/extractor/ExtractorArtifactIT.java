package org.messageexport.extractor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.messageexport.config.StateMachineTask;
import org.messageexport.testing.LambdaArtifacts;

/** The deployable jar (target/extractor-lambda.jar), checked after the package phase. */
class ExtractorArtifactIT {
    private static final Path JAR = Path.of("target", "extractor-lambda.jar");

    @Test
    void shadedJar_holdsTheHandlersCdkDeploys_andNoServerOrTestClasses() throws Exception {
        List<String> handlers = new ArrayList<>();
        for (StateMachineTask task : StateMachineTask.values()) {
            handlers.add(task.handlerClass());
        }
        handlers.add(MigrateDatabaseHandler.class.getName());
        LambdaArtifacts.assertDeployable(JAR, handlers.toArray(String[]::new));
    }

    @Test
    void shadedJar_holdsNoBenchmarkSampleDataOrLocalOnlyClasses() throws Exception {
        LambdaArtifacts.assertNoLocalTooling(JAR, StateMachineTask.EXTRACT_PAGE.handlerClass());
    }
}
