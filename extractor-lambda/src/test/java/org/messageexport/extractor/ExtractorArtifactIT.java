package org.messageexport.extractor;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.messageexport.testing.LambdaArtifacts;

/** The deployable jar (target/extractor-lambda.jar), checked after the package phase. */
class ExtractorArtifactIT {
    @Test
    void shadedJar_holdsTheHandlers_andNoServerOrTestClasses() throws Exception {
        LambdaArtifacts.assertDeployable(
                Path.of("target", "extractor-lambda.jar"),
                PlanJobHandler.class.getName(),
                ExtractPageHandler.class.getName(),
                CheckProgressHandler.class.getName(),
                FinalizeJobHandler.class.getName(),
                MarkJobFailedHandler.class.getName(),
                MigrateDatabaseHandler.class.getName());
    }
}
