package org.messageexport.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.messageexport.statemachine.ExportJobFunction.CHECK_PROGRESS;
import static org.messageexport.statemachine.ExportJobFunction.EXTRACT_PAGE;
import static org.messageexport.statemachine.ExportJobFunction.FINALIZE_JOB;
import static org.messageexport.statemachine.ExportJobFunction.MARK_JOB_FAILED;
import static org.messageexport.statemachine.ExportJobFunction.PLAN_JOB;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.messageexport.port.TransientException;

/**
 * Runs the real export-job definition on the real aws-local-stepfunctions engine, with scripted stand-ins for the
 * handlers: this checks the definition's flow, retries and catches (the handlers are tested in their own modules).
 */
class ExportJobStateMachineIT {

    private static final String EXECUTION = "execution-1";
    private static final String EXECUTION_ARN =
            "arn:aws:states:us-east-1:123456789012:execution:export-job:" + EXECUTION;
    private static final String DEFINITION = StateMachineDefinition.load().withLocalFunctionArns();

    private static LambdaInvokeServer server;

    private final ObjectMapper json = new ObjectMapper();
    private final List<ExecutionEvent> events = new CopyOnWriteArrayList<>();
    private ScriptedFunctions functions;
    private LocalStateMachineRunner runner;

    @BeforeAll
    static void startServer() {
        server = LambdaInvokeServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void scriptFunctions() {
        functions = new ScriptedFunctions(server);
        runner = LocalStateMachineRunner.builder(server.endpoint())
                .skipWaits(true)
                .retryInterval(Duration.ZERO)
                .processTimeout(Duration.ofSeconds(60))
                .eventListener(events::add)
                .build();
    }

    @Test
    void upToDate_succeedsWithoutExtracting() throws Exception {
        functions.script(PLAN_JOB, plan("{\"action\":\"UP_TO_DATE\",\"reason\":\"next window ends after the lag\"}"));

        ExecutionResult result = run("{}");

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.output().get("action").asText()).isEqualTo("UP_TO_DATE");
        assertThat(functions.sequence()).containsExactly(PLAN_JOB);
        assertThat(functions.payloads(PLAN_JOB).get(0))
                .isEqualTo(json.readTree("{\"request\":{},\"executionId\":\"" + EXECUTION_ARN + "\"}"));
        assertThat(statesEntered()).endsWith("Already up to date");
    }

    @Test
    void busy_endsCleanly_withoutTouchingTheWindow() {
        functions.script(
                PLAN_JOB,
                plan("{\"action\":\"BUSY\",\"jobId\":11,\"reason\":\"job 11 is owned by execution other-1\"}"));

        ExecutionResult result = run("{}");

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.output().get("jobId").asInt()).isEqualTo(11);
        assertThat(functions.sequence()).containsExactly(PLAN_JOB);
        assertThat(statesEntered()).endsWith("Window owned by another execution");
    }

    @Test
    void run_loopsExtractUntilDone_pollsUntilSettled_thenFinalizes() throws Exception {
        String input = "{\"startDate\":\"2026-11-01\",\"endDate\":\"2026-11-02\",\"reexport\":true}";
        String finalized = "{\"jobId\":12,\"status\":\"COMPLETED\",\"reason\":\"all exported\","
                + "\"manifestKey\":\"exports/manifests/job-12.json\",\"completed\":1500,\"failed\":0}";
        functions
                .script(PLAN_JOB, running())
                .script(EXTRACT_PAGE, extracted(false, 500), extracted(false, 1000), extracted(true, 1500))
                .script(CHECK_PROGRESS, progress(false, 1), progress(true, 2))
                .script(FINALIZE_JOB, finalized);

        ExecutionResult result = run(input);

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(functions.sequence())
                .containsExactly(
                        PLAN_JOB,
                        EXTRACT_PAGE,
                        EXTRACT_PAGE,
                        EXTRACT_PAGE,
                        CHECK_PROGRESS,
                        CHECK_PROGRESS,
                        FINALIZE_JOB);
        assertThat(functions.payloads(PLAN_JOB).get(0).get("request")).isEqualTo(json.readTree(input));
        JsonNode jobAndExecution = json.readTree("{\"jobId\":12,\"executionId\":\"" + EXECUTION_ARN + "\"}");
        assertThat(functions.payloads(EXTRACT_PAGE)).containsOnly(jobAndExecution);
        assertThat(functions.payloads(CHECK_PROGRESS))
                .extracting(payload -> payload.get("polls").asInt())
                .containsExactly(0, 1);
        assertThat(functions.payloads(CHECK_PROGRESS)).allSatisfy(payload -> {
            assertThat(payload.get("jobId").asInt()).isEqualTo(12);
            assertThat(payload.get("executionId").asText()).isEqualTo(EXECUTION_ARN);
        });
        assertThat(functions.payloads(FINALIZE_JOB)).containsExactly(jobAndExecution);
        assertThat(result.output()).isEqualTo(json.readTree(finalized));
        assertThat(statesEntered()).filteredOn("Wait for workers"::equals).hasSize(2);
        assertThat(statesEntered()).endsWith("Export completed");
    }

    @Test
    void finalizeFailed_failsTheExecutionWithExportFailed_andTheReason() {
        functions
                .script(PLAN_JOB, running())
                .script(EXTRACT_PAGE, extracted(true, 10))
                .script(CHECK_PROGRESS, progress(true, 1))
                .script(
                        FINALIZE_JOB,
                        "{\"jobId\":12,\"status\":\"FAILED\",\"reason\":\"3 messages failed, budget 0\","
                                + "\"manifestKey\":\"exports/manifests/job-12.json\",\"completed\":7,\"failed\":3}");

        ExecutionResult result = run("{}");

        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error()).isEqualTo("ExportFailed");
        assertThat(result.cause()).isEqualTo("3 messages failed, budget 0");
        assertThat(functions.sequence()).doesNotContain(MARK_JOB_FAILED);
    }

    @Test
    void transientException_isRetried_thenTheJobGoesOn() {
        functions
                .script(PLAN_JOB, running())
                .script(EXTRACT_PAGE, new TransientException("Elasticsearch busy"), extracted(true, 10))
                .script(CHECK_PROGRESS, progress(true, 1))
                .script(FINALIZE_JOB, completed());

        ExecutionResult result = run("{}");

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(functions.sequence())
                .containsExactly(PLAN_JOB, EXTRACT_PAGE, EXTRACT_PAGE, CHECK_PROGRESS, FINALIZE_JOB);
        assertThat(events)
                .filteredOn(event -> event.type().equals("StateRetried"))
                .singleElement()
                .satisfies(event -> {
                    assertThat(event.state()).isEqualTo("Extract next page");
                    assertThat(event.json().get("retrier").toString())
                            .contains("org.messageexport.port.TransientException");
                });
    }

    @Test
    void transientException_pastThreeRetries_marksTheJobFailed() {
        functions
                .script(PLAN_JOB, running())
                .script(EXTRACT_PAGE, extracted(true, 10))
                .script(
                        CHECK_PROGRESS,
                        new TransientException("db 1"),
                        new TransientException("db 2"),
                        new TransientException("db 3"),
                        new TransientException("db 4"))
                .script(MARK_JOB_FAILED, "{\"jobId\":12,\"status\":\"FAILED\"}");

        ExecutionResult result = run("{}");

        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error()).isEqualTo("org.messageexport.port.TransientException");
        assertThat(functions.payloads(CHECK_PROGRESS)).hasSize(4);
        assertThat(functions.sequence()).endsWith(MARK_JOB_FAILED);
    }

    @Test
    void unexpectedException_marksTheJobFailedWithTheError_thenFails() throws Exception {
        functions
                .script(PLAN_JOB, running())
                .script(EXTRACT_PAGE, extracted(false, 500), new IllegalStateException("index closed"))
                .script(MARK_JOB_FAILED, "{\"jobId\":12,\"status\":\"FAILED\"}");

        ExecutionResult result = run("{}");

        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error()).isEqualTo("java.lang.IllegalStateException");
        assertThat(functions.sequence()).containsExactly(PLAN_JOB, EXTRACT_PAGE, EXTRACT_PAGE, MARK_JOB_FAILED);
        JsonNode marked = functions.payloads(MARK_JOB_FAILED).get(0);
        assertThat(marked.get("jobId").asInt()).isEqualTo(12);
        assertThat(marked.get("executionId").asText()).isEqualTo(EXECUTION_ARN);
        assertThat(marked.at("/error/Error").asText()).isEqualTo("java.lang.IllegalStateException");
        JsonNode cause = json.readTree(marked.at("/error/Cause").asText());
        assertThat(cause.get("errorMessage").asText()).isEqualTo("index closed");
        assertThat(cause.get("errorType").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(marked.at("/extract/extracted").asInt()).isEqualTo(500);
    }

    @Test
    void planFailure_marksTheJobFailed_withTheExecutionButNoJob() {
        functions
                .script(PLAN_JOB, new IllegalArgumentException("endDate before startDate"))
                .script(MARK_JOB_FAILED, "{\"status\":\"NO_JOB\"}");

        ExecutionResult result = run("{\"startDate\":\"2026-11-02\",\"endDate\":\"2026-11-01\"}");

        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error()).isEqualTo("java.lang.IllegalArgumentException");
        JsonNode marked = functions.payloads(MARK_JOB_FAILED).get(0);
        assertThat(marked.has("jobId")).isFalse();
        assertThat(marked.get("executionId").asText()).isEqualTo(EXECUTION_ARN);
        assertThat(marked.at("/request/startDate").asText()).isEqualTo("2026-11-02");
        assertThat(marked.at("/error/Error").asText()).isEqualTo("java.lang.IllegalArgumentException");
    }

    @Test
    void markJobFailedFailing_stillFailsTheExecution_withTheOriginalError() {
        functions
                .script(PLAN_JOB, running())
                .script(EXTRACT_PAGE, new IllegalStateException("index closed"))
                .script(MARK_JOB_FAILED, new IllegalStateException("database down"));

        ExecutionResult result = run("{}");

        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error()).isEqualTo("java.lang.IllegalStateException");
        assertThat(functions.sequence()).containsExactly(PLAN_JOB, EXTRACT_PAGE, MARK_JOB_FAILED);
        assertThat(statesEntered()).endsWith("Mark job failed", "Stopped by an error");
    }

    @Test
    void lambdaServiceException_isRetried() {
        functions.script(
                PLAN_JOB,
                LambdaServiceException.serviceException("Lambda was unable to start the function"),
                LambdaServiceException.tooManyRequests("Rate exceeded"),
                plan("{\"action\":\"UP_TO_DATE\",\"reason\":\"nothing new\"}"));

        ExecutionResult result = run("{}");

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(functions.sequence()).containsExactly(PLAN_JOB, PLAN_JOB, PLAN_JOB);
        assertThat(events)
                .filteredOn(event -> event.type().equals("StateFailed"))
                .extracting(ExecutionEvent::error)
                .containsExactly("Lambda.ServiceException", "Lambda.TooManyRequestsException");
        assertThat(events)
                .filteredOn(event -> event.type().equals("StateRetried"))
                .hasSize(2);
    }

    @Test
    void missingFunction_isResourceNotFound_andMarksTheJobFailed() {
        functions
                .script(PLAN_JOB, running())
                .script(EXTRACT_PAGE, extracted(true, 10))
                .script(CHECK_PROGRESS, progress(true, 1))
                .script(MARK_JOB_FAILED, "{\"jobId\":12,\"status\":\"FAILED\"}");
        server.unregister(FINALIZE_JOB.localName());

        ExecutionResult result = run("{}");

        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error()).isEqualTo("Lambda.ResourceNotFoundException");
        assertThat(functions.payloads(MARK_JOB_FAILED).get(0).at("/error/Error").asText())
                .isEqualTo("Lambda.ResourceNotFoundException");
    }

    @Test
    void unknownPlanAction_failsWithoutTouchingTheJob() {
        functions.script(PLAN_JOB, plan("{\"action\":\"MAYBE\"}"));

        ExecutionResult result = run("{}");

        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error()).isEqualTo("UnknownPlanAction");
        assertThat(functions.sequence()).containsExactly(PLAN_JOB);
    }

    private ExecutionResult run(String input) {
        try {
            return runner.run(DEFINITION, json.readTree(input), EXECUTION);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private List<String> statesEntered() {
        return events.stream()
                .filter(event -> event.type().equals("StateEntered"))
                .map(ExecutionEvent::state)
                .toList();
    }

    /** Plan job's answer: the given fields plus the executionId it was called with, as the handler echoes it. */
    private Function<JsonNode, String> plan(String fields) {
        return payload -> {
            try {
                var answer = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(fields);
                answer.put("executionId", payload.get("executionId").asText());
                return json.writeValueAsString(answer);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
    }

    private Function<JsonNode, String> running() {
        return plan("{\"action\":\"RUN\",\"jobId\":12,\"startDate\":\"2026-11-01\",\"endDate\":\"2026-11-02\","
                + "\"resumed\":false}");
    }

    private static String extracted(boolean done, int extracted) {
        return "{\"jobId\":12,\"done\":" + done + ",\"extracted\":" + extracted + ",\"batches\":" + (extracted / 500)
                + ",\"pages\":1}";
    }

    private static String progress(boolean done, int polls) {
        return "{\"jobId\":12,\"done\":" + done + ",\"waitSeconds\":" + (5 << polls) + ",\"polls\":" + polls
                + ",\"pending\":" + (done ? 0 : 3) + ",\"inProgress\":" + (done ? 0 : 1) + ",\"completed\":10,"
                + "\"failed\":0}";
    }

    private static String completed() {
        return "{\"jobId\":12,\"status\":\"COMPLETED\",\"reason\":\"all exported\","
                + "\"manifestKey\":\"exports/manifests/job-12.json\",\"completed\":10,\"failed\":0}";
    }
}
