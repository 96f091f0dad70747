package org.messageexport.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.embedded.EmbeddedServicesExtension;
import org.messageexport.local.faults.FaultSuite;
import org.messageexport.local.faults.FaultSuite.Fault;

/**
 * Each row of the fault suite's table, asserted: the fault was injected, no message was lost, no object was written
 * twice, and the job completed, or failed with its reason where it must (the deleted messages failed with their reason,
 * within the budget, and the completeness proof fails the job: the index no longer holds what was tracked). The services are
 * the test JVM's shared ones.
 */
@ExtendWith(EmbeddedServicesExtension.class)
class FaultSuiteIT {
    private static final List<FaultSuite.Row> rows = new CopyOnWriteArrayList<>();

    private final EmbeddedServices services;

    FaultSuiteIT(EmbeddedServices services) {
        this.services = services;
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void fault_isSurvived_noMessageLost_noDuplicateObject_jobVerdictAsExpected(Fault fault) throws Exception {
        FaultSuite.Row row = new FaultSuite(services).run(fault);
        rows.add(row);

        assertThat(row.injected())
                .as("the fault was injected")
                .doesNotStartWith("0 ")
                .isNotEqualTo("not cut off");
        assertThat(row.lost()).as("lost: %s", row).isZero();
        assertThat(row.duplicateObjects()).as("duplicates: %s", row).isZero();
        assertThat(row.verdict()).as("verdict: %s", row).isEqualTo(fault.expectedVerdict());
        assertThat(row.survived()).as("survived: %s", row).isTrue();
        if (fault == Fault.MESSAGE_DELETED) {
            assertThat(row.failedWithReason()).isEqualTo(5);
            assertThat(row.exported()).isEqualTo(row.messages() - 5);
            // the completeness proof: the index no longer holds what was tracked; the job fails saying so
            assertThat(row.reason())
                    .contains("completeness mismatch")
                    .contains("5 tracked messages are no longer in the index");
        } else {
            if (fault == Fault.WORKER_PROCESS_KILLED) {
                // SIGKILL (exit 137) while it held claimed rows; every one of them claimed again and exported
                java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                                "worker process killed \\(exit 137\\) holding (\\d+) claimed rows; (\\d+) of them claimed"
                                        + " again and exported")
                        .matcher(row.injected());
                assertThat(m.matches()).as(row.injected()).isTrue();
                assertThat(Integer.parseInt(m.group(1))).isPositive();
                assertThat(m.group(2)).isEqualTo(m.group(1));
            }
            if (fault == Fault.POISON_BATCH_REDRIVEN) {
                // dead-lettered, the job failed over budget; redriven, recounted, and the next execution completed
                assertThat(row.injected())
                        .contains("FAILED; ")
                        .containsPattern("; [1-9]\\d* DLQ messages redriven")
                        .contains("recounted: manifest " + row.messages() + " completed, 0 failed")
                        .endsWith("(scheduled) COMPLETED");
            }
            assertThat(row.failedWithReason()).isZero();
            assertThat(row.exported()).isEqualTo(row.messages());
        }
    }

    @AfterAll
    static void printTable() {
        System.out.println(FaultSuite.table(rows));
    }
}
