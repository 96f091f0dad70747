package org.messageexport.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.messageexport.infra.TemplateJson.list;
import static org.messageexport.infra.TemplateJson.map;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.cxapi.SynthesisMessage;

/** The AwsSolutions rule pack, which the app applies to itself, finds nothing left unexplained. */
class CdkNagTest {
    private final TestApps.Synthesized synthesized = TestApps.defaults();

    @Test
    void awsSolutions_reportsNoUnsuppressedErrors() {
        List<SynthesisMessage> errors =
                Annotations.fromStack(synthesized.stack()).findError("*", Match.stringLikeRegexp("AwsSolutions-.*"));
        assertThat(errors)
                .extracting(m -> m.getId() + " " + m.getEntry().getData())
                .isEmpty();
    }

    @Test
    void awsSolutions_rulesRan_andEverySuppressionCarriesAReason() {
        List<Map<String, Object>> suppressions = new ArrayList<>();
        new TemplateJson(synthesized.json()).resources().values().forEach(resource -> {
            Object metadata = map(resource).get("Metadata");
            if (metadata != null && map(metadata).get("cdk_nag") != null) {
                for (Object rule : list(map(map(metadata).get("cdk_nag")).get("rules_to_suppress"))) {
                    suppressions.add(map(rule));
                }
            }
        });
        assertThat(suppressions).isNotEmpty();
        assertThat(suppressions).allSatisfy(rule -> {
            assertThat((String) rule.get("id")).startsWith("AwsSolutions-");
            assertThat((String) rule.get("reason")).hasSizeGreaterThan(40);
        });
        // the ids that this app accepts, each explained in the README
        assertThat(suppressions)
                .extracting(rule -> (String) rule.get("id"))
                .containsOnly(
                        "AwsSolutions-IAM4",
                        "AwsSolutions-IAM5",
                        "AwsSolutions-L1",
                        "AwsSolutions-S1",
                        "AwsSolutions-SF2");
    }
}
