package org.messageexport.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;
import org.messageexport.local.LocalDeployment;

/**
 * Phase "extractor JVM": the extractor artifact in a fresh 256 MB JVM ({@link ProbeJvm}): the handlers' cold init,
 * then a whole job (plan, extract, check, finalize + manifest) on a window without messages, so that the bench's
 * data stays untouched.
 */
final class ExtractorJvmPhase {
    private ExtractorJvmPhase() {}

    static ProbeJvm.Result run(LocalDeployment deployment, LocalDate firstSampleDay, Path repoDir, PrintStream out)
            throws Exception {
        Path jar = repoDir.resolve(ProbeJvm.EXTRACTOR_JAR);
        if (!Files.isRegularFile(jar)) {
            return ProbeJvm.Result.NONE;
        }
        LocalDate start = firstSampleDay.minusDays(30);
        ProbeJvm.Result result = ProbeJvm.run(
                jar,
                deployment.environment(),
                "extractor",
                start.toString(),
                start.plusDays(1).toString());
        out.printf(
                Locale.ROOT,
                "  extractor JVM (%s, -Xmx256m): cold init (ExtractPageHandler) %s ms, the other three %s ms;"
                        + " empty job: %s%n",
                jar.getFileName(),
                result.text("initMs"),
                result.text("otherHandlersInitMs"),
                result.text("finalizeJob"));
        return result;
    }
}
