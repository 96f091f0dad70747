package org.messageexport.extractor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.messageexport.job.InvalidRequestException;
import org.messageexport.job.PlanRequest;

/** The execution input as Plan job reads it: a misspelled or unknown key is refused, never read as "scheduled". */
class PlanJobHandlerTest {
    private final ObjectMapper json = new ObjectMapper();

    private PlanRequest request(String input) throws Exception {
        return PlanJobHandler.request(new PlanJobHandler.Input(json.readTree(input), "exec-1"));
    }

    @Test
    void emptyInput_isTheScheduledWindow() throws Exception {
        assertThat(request("{}")).isEqualTo(PlanRequest.scheduled("exec-1"));
    }

    @Test
    void manualInput_isReadWhole() throws Exception {
        PlanRequest r = request("{\"startDate\":\"2026-11-01\",\"endDate\":\"2026-11-03\",\"reexport\":true}");

        assertThat(r.startDate()).contains(LocalDate.of(2026, 11, 1));
        assertThat(r.endDate()).contains(LocalDate.of(2026, 11, 3));
        assertThat(r.reexport()).isTrue();
    }

    @Test
    void misspelledKey_isRefused_namingItAndTheAllowedKeys() {
        assertThatThrownBy(() -> request("{\"startdate\":\"2026-11-01\",\"endDate\":\"2026-11-03\"}"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("execution input has an unknown key 'startdate'; allowed: startDate, endDate, reexport"
                        + " (none: the next scheduled window)");
    }

    @Test
    void badDatesAndTypes_areOneLineEach() {
        assertThatThrownBy(() -> request("{\"startDate\":\"2026-02-30\",\"endDate\":\"2026-03-01\"}"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("startDate")
                .hasMessageContaining("2026-02-30");
        assertThatThrownBy(() -> request("{\"startDate\":20261101}"))
                .hasMessage("startDate must be a date string yyyy-MM-dd, got 20261101");
        assertThatThrownBy(() -> request("{\"reexport\":\"yes\"}"))
                .hasMessage("reexport must be true or false, got \"yes\"");
        assertThatThrownBy(() -> request("[1]")).hasMessage("execution input must be a JSON object, got ARRAY");
    }

    @Test
    void markJobFailed_reasonIsTheErrorsMessage_inOneLine() {
        String lambdaCause = "{\"errorMessage\":\"preflight: index 'history' does not exist\","
                + "\"errorType\":\"org.messageexport.job.PreflightException\",\"stackTrace\":[\"a\",\"b\"]}";

        assertThat(MarkJobFailedHandler.reason("X", MarkJobFailedHandler.causeMessage(lambdaCause)))
                .isEqualTo("preflight: index 'history' does not exist");
        assertThat(MarkJobFailedHandler.reason("States.Timeout", null)).isEqualTo("States.Timeout");
        assertThat(MarkJobFailedHandler.reason("E", "first line\n\tat x.y")).isEqualTo("first line");
    }
}
