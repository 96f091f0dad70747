package org.messageexport.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.messageexport.config.StateMachineTask.CHECK_PROGRESS;
import static org.messageexport.config.StateMachineTask.EXTRACT_PAGE;
import static org.messageexport.config.StateMachineTask.FINALIZE_JOB;
import static org.messageexport.config.StateMachineTask.MARK_JOB_FAILED;
import static org.messageexport.config.StateMachineTask.PLAN_JOB;

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
import org.messageexport.config.StateMachineTask;
import org.messageexport.port.TransientException;

/**
 * Runs the real export-job definition on the real aws-local-stepfunctions engine, with scripted stand-ins for the
 * handlers: this checks the definition's flow, retries and catches (the handlers are tested in their own modules).
 */
class ExportJobStateMachineIT {

    private static final String EXECUTION = "execution-1";
    private static final String EXECUTION_ARN =
            "arn:aws:states:us-east-1:123456789012:execution:export-job:" + EXECUTION;
    private static final String DEFINITION =
            StateMachineDefinition.load().withLocalFunctionArns(StateMachineTask.functionNamesByPlaceholder());

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
        // the first check comes at once, then one wait before the second
        assertThat(statesEntered()).filteredOn("Wait for workers"::equals).hasSize(1);
        assertThat(statesEntered()).endsWith("Export completed");
    }

    @Test
    void manualWindowFinalizedFailed_failsTheExecutionWithExportFailed_andTheReason() {
        functions
                .script(PLAN_JOB, running())
                .script(EXTRACT_PAGE, extracted(true, 10))
                .script(CHECK_PROGRESS, progress(true, 1))
                .script(
                        FINALIZE_JOB,
                        "{\"jobId\":12,\"status\":\"FAILED\",\"reason\":\"3 messages failed, budget 0\","
                                + "\"manifestKey\":\"exports/manifests/job-12.json\",\"completed\":7,\"failed\":3}");

        ExecutionResult result = run("{\"startDate\":\"2026-11-01\",\"endDate\":\"2026-11-02\"}");

        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error()).isEqualTo("ExportFailed");
        assertThat(result.cause()).isEqualTo("3 messages failed, budget 0");
        assertThat(functions.sequence()).doesNotContain(MARK_JOB_FAILED);
    }

    @Test
    void transientException_isRetried_thenTheJobGoesOn() {
        functions
                .script(PLAN_JOB, running(), upToDate())
                .script(EXTRACT_PAGE, new TransientException("Elasticsearch busy", null), extracted(true, 10))
                .script(CHECK_PROGRESS, progress(true, 1))
                .script(FINALIZE_JOB, completed());

        ExecutionResult result = run("{}");

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(functions.sequence())
                .containsExactly(PLAN_JOB, EXTRACT_PAGE, EXTRACT_PAGE, CHECK_PROGRESS, FINALIZE_JOB, PLAN_JOB);
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
    void transientException_pastSixRetries_marksTheJobFailed_withTheLastMessageAsCause() {
        functions
                .script(PLAN_JOB, running())
                .script(EXTRACT_PAGE, extracted(true, 10))
                .script(
                        CHECK_PROGRESS,
                        new TransientException("db 1", null),
                        new TransientException("db 2", null),
                        new TransientException("db 3", null),
                        new TransientException("db 4", null),
                        new TransientException("db 5", null),
                        new TransientException("db 6", null),
                        new TransientException("db 7", null))
                .script(MARK_JOB_FAILED, markedFailed("db 7"));

        ExecutionResult result = run("{}");

        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error()).isEqualTo("org.messageexport.port.TransientException");
        assertThat(result.cause()).isEqualTo("db 7");
        assertThat(functions.payloads(CHECK_PROGRESS)).hasSize(7);
        assertThat(functions.sequence()).endsWith(MARK_JOB_FAILED);
    }

    @Test
    void unexpectedException_marksTheJobFailedWithTheError_thenFails() throws Exception {
        functions
                .script(PLAN_JOB, running())
                .script(EXTRACT_PAGE, extracted(false, 500), new IllegalStateException("index closed"))
                .script(MARK_JOB_FAILED, markedFailed("index closed"));

        ExecutionResult result = run("{}");

        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error()).isEqualTo("java.lang.IllegalStateException");
        assertThat(result.cause()).isEqualTo("index closed");
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
                .script(MARK_JOB_FAILED, markedFailed("endDate before startDate"));

        ExecutionResult result = run("{\"startDate\":\"2026-11-02\",\"endDate\":\"2026-11-01\"}");

        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error()).isEqualTo("java.lang.IllegalArgumentException");
        assertThat(result.cause()).isEqualTo("endDate before startDate");
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
        assertThat(statesEntered()).endsWith("Mark job failed", "Stopped by an error, not recorded");
        assertThat(result.cause()).contains("index closed");
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
                .script(MARK_JOB_FAILED, markedFailed("Function not found: finalize-job"));
        server.unregister(FINALIZE_JOB.functionName());

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

    @Test
    void scheduled_catchesUp_windowAfterWindow_aFailedWindowDoesNotStopTheNext_untilUpToDate() throws Exception {
        String failed = "{\"jobId\":12,\"status\":\"FAILED\",\"reason\":\"3 of 10 messages failed\","
                + "\"manifestKey\":\"exports/manifests/job-12.json\",\"completed\":7,\"failed\":3,"
                + "\"verdict\":\"complete\",\"overBudget\":true}";
        String second = "{\"jobId\":13,\"status\":\"COMPLETED\",\"manifestKey\":\"exports/manifests/job-13.json\","
                + "\"completed\":10,\"failed\":0}";
        functions
                .script(PLAN_JOB, running(), running(13), upToDate())
                .script(EXTRACT_PAGE, extracted(true, 10), extracted(true, 10))
                .script(CHECK_PROGRESS, progress(true, 1), progress(true, 1))
                .script(FINALIZE_JOB, failed, second);

        ExecutionResult result = run("{}");

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(functions.sequence())
                .containsExactly(
                        PLAN_JOB,
                        EXTRACT_PAGE,
                        CHECK_PROGRESS,
                        FINALIZE_JOB,
                        PLAN_JOB,
                        EXTRACT_PAGE,
                        CHECK_PROGRESS,
                        FINALIZE_JOB,
                        PLAN_JOB);
        assertThat(functions.payloads(FINALIZE_JOB))
                .extracting(p -> p.get("jobId").asInt())
                .containsExactly(12, 13);
        // every plan of the loop is a scheduled one, by the same execution
        assertThat(functions.payloads(PLAN_JOB))
                .allSatisfy(p -> assertThat(p)
                        .isEqualTo(json.readTree("{\"request\":{},\"executionId\":\"" + EXECUTION_ARN + "\"}")));
        assertThat(result.output()).isEqualTo(json.readTree(second));
        assertThat(statesEntered()).endsWith("Caught up");
    }

    @Test
    void scheduled_windowFailedByACompletenessMismatch_stopsTheCatchUp_failingWithTheProofAsCause() {
        String mismatch = "{\"jobId\":12,\"status\":\"FAILED\",\"reason\":\"completeness mismatch: index holds 9"
                + " messages for [2026-11-01, 2026-11-02), 10 tracked, 10 completed, 0 failed; 1 tracked messages are no"
                + " longer in the index\",\"manifestKey\":\"exports/manifests/job-12.json\",\"completed\":10,"
                + "\"failed\":0,\"verdict\":\"mismatch\",\"overBudget\":false}";
        functions
                .script(PLAN_JOB, running())
                .script(EXTRACT_PAGE, extracted(true, 10))
                .script(CHECK_PROGRESS, progress(true, 1))
                .script(FINALIZE_JOB, mismatch);

        ExecutionResult result = run("{}");

        // an error, not a try over the budget: the schedule stays at the window, the next execution redoes it
        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error()).isEqualTo("ExportFailed");
        assertThat(result.cause()).startsWith("completeness mismatch: index holds 9 messages");
        assertThat(functions.sequence()).containsExactly(PLAN_JOB, EXTRACT_PAGE, CHECK_PROGRESS, FINALIZE_JOB);
    }

    @Test
    void scheduled_catchUp_stopsAfterFortyWindows_forTheNextExecutionToContinue() {
        for (int i = 0; i < 40; i++) {
            functions
                    .script(PLAN_JOB, running(100 + i))
                    .script(EXTRACT_PAGE, extracted(true, 1))
                    .script(CHECK_PROGRESS, progress(true, 1))
                    .script(FINALIZE_JOB, completed());
        }

        ExecutionResult result = run("{}");

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(functions.payloads(FINALIZE_JOB)).hasSize(40);
        assertThat(functions.payloads(PLAN_JOB)).hasSize(40);
        assertThat(statesEntered()).endsWith("Window budget of this execution spent");
    }

    @Test
    void outOfMemory_lambdaUnknown_isRetried_thenTheJobGoesOn() {
        functions
                .script(PLAN_JOB, running(), upToDate())
                .script(EXTRACT_PAGE, extracted(true, 10))
                .script(
                        CHECK_PROGRESS,
                        new LambdaServiceException(502, "Unknown", "Runtime exited with error: signal: killed"),
                        progress(true, 1))
                .script(FINALIZE_JOB, completed());

        ExecutionResult result = run("{}");

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(events)
                .filteredOn(event -> event.type().equals("StateFailed"))
                .extracting(ExecutionEvent::error)
                .containsExactly("Lambda.Unknown");
        assertThat(functions.payloads(CHECK_PROGRESS)).hasSize(2);
        assertThat(functions.sequence()).doesNotContain(MARK_JOB_FAILED);
    }

    @Test
    void preflightFailure_isNotRetried_andIsTheExecutionsCause() {
        String line = "preflight: index 'history' does not exist (SIDE_COLLECTIONS 'history' index)";
        functions
                .script(PLAN_JOB, new org.messageexport.job.PreflightException(line))
                .script(MARK_JOB_FAILED, markedFailed(line));

        ExecutionResult result = run("{}");

        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error()).isEqualTo("org.messageexport.job.PreflightException");
        assertThat(result.cause()).isEqualTo(line);
        assertThat(functions.sequence()).containsExactly(PLAN_JOB, MARK_JOB_FAILED);
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
        return running(12);
    }

    private Function<JsonNode, String> running(int jobId) {
        return plan("{\"action\":\"RUN\",\"jobId\":" + jobId + ",\"startDate\":\"2026-11-01\","
                + "\"endDate\":\"2026-11-02\",\"resumed\":false}");
    }

    private Function<JsonNode, String> upToDate() {
        return plan("{\"action\":\"UP_TO_DATE\",\"reason\":\"no complete window\"}");
    }

    /** Mark job failed's answer: the error's message as the reason, as the handler reduces it. */
    private static String markedFailed(String reason) {
        return "{\"jobId\":12,\"marked\":true,\"reason\":\"" + reason + "\"}";
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
