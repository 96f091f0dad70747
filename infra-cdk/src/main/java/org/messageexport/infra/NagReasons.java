package org.messageexport.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.util.Arrays;
import java.util.List;

/** Builds cdk-nag suppressions; each one must carry the reason it is acceptable. */
final class NagReasons {
    private NagReasons() {}

    static NagPackSuppression suppress(String ruleId, String reason) {
        return NagPackSuppression.builder().id(ruleId).reason(reason).build();
    }

    /** A suppression that only covers findings whose detail matches one of the regexes. */
    static NagPackSuppression suppressMatching(String ruleId, String reason, String... regexes) {
        List<Object> appliesTo = Arrays.stream(regexes)
                .map(regex -> (Object)
                        RegexAppliesTo.builder().regex("/" + regex + "/").build())
                .toList();
        return NagPackSuppression.builder()
                .id(ruleId)
                .reason(reason)
                .appliesTo(appliesTo)
                .build();
    }
}
