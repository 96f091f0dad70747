package org.messageexport.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = {
            "Recompute a job's completeness now: the index's count of its window, its rows, the objects in the bucket",
            "and its manifest, each compared with the next. Lists every difference; exit 1 when there is any."
        })
final class VerifyCommand extends OperatorCommand {
    @Option(names = "--job", required = true, description = "The job to verify.")
    long job;

    @Override
    int run(Operator operator) throws Exception {
        String bucket = operator.config().bucket();
        JobVerifier verifier = new JobVerifier(
                operator.jobs(),
                operator.explorer(),
                operator.settlement(),
                operator.census(),
                operator.s3(),
                bucket,
                new Manifests(operator.s3(), bucket),
                Clock.systemUTC());
        JobVerifier.Verification v = verifier.verify(job);
        if (json()) {
            printJson(v);
            return v.ok() ? 0 : 1;
        }
        PrintWriter out = out();
        out.printf(Locale.ROOT, "job %d  window %s  %s%n", v.jobId(), v.window(), v.status());
        out.printf(Locale.ROOT, "  index     %,d messages in the window%n", v.indexCount());
        out.printf(
                Locale.ROOT,
                "  rows      %,d: completed %,d  failed %,d  pending %,d  in progress %,d%n",
                v.rows().total(),
                v.rows().completed(),
                v.rows().failed(),
                v.rows().pending(),
                v.rows().inProgress() + v.rows().stalled());
        out.printf(Locale.ROOT, "  recorded  completed %,d  failed %,d%n", v.recordedCompleted(), v.recordedFailed());
        out.printf(
                Locale.ROOT,
                "  objects   %,d of %,d present in s3://%s%n",
                v.objectsFound(),
                v.objectsExpected(),
                bucket);
        out.println("  manifest  " + (v.manifestKey() == null ? "-" : "s3://" + bucket + "/" + v.manifestKey())
                + (v.verdict() == null ? "" : "  verdict " + v.verdict()));
        if (v.ok()) {
            out.println("OK: no differences");
        } else {
            out.println(v.differences().size() + " difference(s):");
            v.differences().forEach(d -> out.println("  - " + d));
        }
        out.flush();
        return v.ok() ? 0 : 1;
    }
}
