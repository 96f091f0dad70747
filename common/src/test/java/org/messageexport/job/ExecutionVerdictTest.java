package org.messageexport.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ExecutionVerdictTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aSucceededExecution_isNamedByItsJobsStatus_elseByItsAction_elseByItsOwnStatus() throws Exception {
        assertThat(ExecutionVerdict.of(
                        true, JSON.readTree("{\"status\":\"COMPLETED\",\"action\":\"EXPORT\"}"), "SUCCEEDED"))
                .isEqualTo("COMPLETED");
        assertThat(ExecutionVerdict.of(true, JSON.readTree("{\"action\":\"UP_TO_DATE\"}"), "SUCCEEDED"))
                .isEqualTo("UP_TO_DATE");
        assertThat(ExecutionVerdict.of(true, JSON.readTree("{}"), "SUCCEEDED")).isEqualTo("SUCCEEDED");
        assertThat(ExecutionVerdict.of(true, null, "SUCCEEDED")).isEqualTo("SUCCEEDED");
    }

    @Test
    void anExecutionThatDidNotSucceed_isNamedByItsStatus_whateverItsOutput() throws Exception {
        assertThat(ExecutionVerdict.of(false, JSON.readTree("{\"status\":\"COMPLETED\"}"), "TIMED_OUT"))
                .isEqualTo("TIMED_OUT");
    }
}
