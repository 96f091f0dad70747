package org.messageexport.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.awscdk.services.lambda.Code;

/** A shaded jar built by one of the Lambda modules, used as-is as a code asset. */
public final class LambdaArtifact {
    private LambdaArtifact() {}

    /**
     * @param contextKey the context key that names the jar, for the error message
     * @param module the Maven module that builds it, for the error message
     */
    public static Code jar(Path jar, String contextKey, String module) {
        if (!Files.isRegularFile(jar)) {
            throw new InvalidSettingException("Lambda artifact not found: " + jar + " (context key '" + contextKey
                    + "'); build it first with: mvn -B -pl " + module + " -am package -DskipTests");
        }
        return Code.fromAsset(jar.toString());
    }
}
