package org.messageexport.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.messageexport.config.StateMachineTask;

class StateMachineDefinitionTest {

    private static final List<String> LAMBDA_SERVICE_ERRORS = List.of(
            "Lambda.ServiceException",
            "Lambda.AWSLambdaException",
            "Lambda.SdkClientException",
            "Lambda.TooManyRequestsException");
    private static final String TRANSIENT_EXCEPTION = "org.messageexport.port.TransientException";

    private final ObjectMapper json = new ObjectMapper();
    private final StateMachineDefinition definition = StateMachineDefinition.load();

    @Test
    void withTimeoutSeconds_setsTheExecutionTimeout_andKeepsEveryPlaceholderAndState() throws Exception {
        StateMachineDefinition source = StateMachineDefinition.load();
        StateMachineDefinition changed = source.withTimeoutSeconds(3600);
        assertThat(changed.timeoutSeconds()).isEqualTo(3600);
        assertThat(source.timeoutSeconds()).isPositive().isNotEqualTo(3600);
        assertThat(changed.placeholders()).isEqualTo(source.placeholders());
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode expected =
                (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(source.text());
        expected.put("TimeoutSeconds", 3600);
        assertThat(json.readTree(changed.text())).isEqualTo(expected);
    }

    @Test
    void placeholders_areThoseOfTheTaskTable() {
        assertThat(definition.placeholders())
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(StateMachineTask.values())
                        .map(StateMachineTask::placeholder)
                        .toList())
                .hasSize(5);
    }

    @Test
    void substitute_replacesEveryPlaceholder_withItsValue() throws Exception {
        JsonNode substituted =
                json.readTree(definition.withLocalFunctionArns(StateMachineTask.functionNamesByPlaceholder()));

        assertThat(substituted.toString()).doesNotContain("${");
        Map<String, String> functionByTask = new HashMap<>();
        forEachState(substituted, (name, state) -> {
            if (state.path("Type").asText().equals("Task")) {
                functionByTask.put(name, state.at("/Parameters/FunctionName").asText());
            }
        });
        String arnPrefix = "arn:aws:lambda:us-east-1:123456789012:function:";
        assertThat(functionByTask)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "Plan job", arnPrefix + "plan-job",
                        "Extract next page", arnPrefix + "extract-page",
                        "Check progress", arnPrefix + "check-progress",
                        "Finalize job", arnPrefix + "finalize-job",
                        "Mark job failed", arnPrefix + "mark-job-failed"));
    }

    @Test
    void substitute_failsOnOneLineNamingEveryMissingPlaceholder() {
        Map<String, String> values =
                new HashMap<>(StateMachineDefinition.localFunctionArns(StateMachineTask.functionNamesByPlaceholder()));
        values.remove(StateMachineTask.FINALIZE_JOB.placeholder());
        values.remove(StateMachineTask.MARK_JOB_FAILED.placeholder());

        assertThatThrownBy(() -> definition.substitute(values))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("${FinalizeJobFunctionArn}")
                .hasMessageContaining("${MarkJobFailedFunctionArn}")
                .hasMessageNotContaining("${PlanJobFunctionArn},")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void substitute_escapesValuesForTheJsonStringTheyLandIn() throws Exception {
        StateMachineDefinition small = StateMachineDefinition.of("{\"FunctionName\": \"${Fn}\"}");

        JsonNode substituted = json.readTree(small.substitute(Map.of("Fn", "a\"b\\c", "Unused", "x")));

        assertThat(substituted.get("FunctionName").asText()).isEqualTo("a\"b\\c");
    }

    @Test
    void placeholders_occurOnlyAsTaskFunctionNames() throws Exception {
        JsonNode raw = json.readTree(definition.text());
        List<String> placesWithPlaceholders = new ArrayList<>();
        collectStringsWithPlaceholders(raw, "", placesWithPlaceholders);

        assertThat(placesWithPlaceholders)
                .hasSize(5)
                .allSatisfy(place -> assertThat(place).endsWith("/Parameters/FunctionName"));
    }

    @Test
    void localFunctionArn_isTheLoopbackAccountsArn() {
        assertThat(StateMachineDefinition.localFunctionArn("plan-job"))
                .isEqualTo("arn:aws:lambda:us-east-1:123456789012:function:plan-job");
        assertThat(StateMachineDefinition.localFunctionArns(StateMachineTask.functionNamesByPlaceholder())
                        .get(StateMachineTask.MARK_JOB_FAILED.placeholder()))
                .isEqualTo("arn:aws:lambda:us-east-1:123456789012:function:mark-job-failed");
        assertThatThrownBy(() -> StateMachineDefinition.localFunctionArn("arn:aws:lambda:x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyTask_invokesLambda_withTimeout_serviceErrorRetry_transientRetry_andCatchAll() throws Exception {
        JsonNode raw = json.readTree(definition.text());
        List<String> tasks = new ArrayList<>();
        forEachState(raw, (name, state) -> {
            if (!state.path("Type").asText().equals("Task")) {
                return;
            }
            tasks.add(name);
            assertThat(state.path("Resource").asText()).as(name).isEqualTo("arn:aws:states:::lambda:invoke");
            assertThat(state.at("/Parameters/FunctionName").asText()).as(name).matches("\\$\\{[A-Za-z]+FunctionArn}");
            assertThat(state.path("TimeoutSeconds").isInt())
                    .as(name + " TimeoutSeconds")
                    .isTrue();
            assertThat(state.path("TimeoutSeconds").asInt()).as(name).isBetween(1, 900);

            JsonNode serviceRetrier = retrierFor(state, "Lambda.ServiceException");
            assertThat(serviceRetrier).as(name + " service-error retrier").isNotNull();
            assertThat(strings(serviceRetrier.get("ErrorEquals"))).as(name).containsAll(LAMBDA_SERVICE_ERRORS);
            assertThat(serviceRetrier.path("IntervalSeconds").asInt()).as(name).isEqualTo(2);
            assertThat(serviceRetrier.path("BackoffRate").asDouble()).as(name).isEqualTo(2.0);
            assertThat(serviceRetrier.path("MaxAttempts").asInt()).as(name).isBetween(5, 7);

            JsonNode transientRetrier = retrierFor(state, TRANSIENT_EXCEPTION);
            assertThat(transientRetrier)
                    .as(name + " TransientException retrier")
                    .isNotNull();
            assertThat(transientRetrier.path("IntervalSeconds").asInt())
                    .as(name)
                    .isEqualTo(5);
            assertThat(transientRetrier.path("BackoffRate").asDouble()).as(name).isEqualTo(2.0);
            assertThat(transientRetrier.path("MaxAttempts").asInt()).as(name).isEqualTo(6);
            assertThat(transientRetrier.path("MaxDelaySeconds").asInt())
                    .as(name)
                    .isEqualTo(120);
            // an outage is waited out: 5 + 10 + 20 + 40 + 80 + 120 s between the seven tries
            assertThat(totalWaitSeconds(transientRetrier)).as(name).isBetween(240, 330);

            // a timed-out or out-of-memory invocation (no answer at all) is tried again
            JsonNode timeoutRetrier = retrierFor(state, "States.Timeout");
            assertThat(timeoutRetrier).as(name + " timeout retrier").isNotNull();
            assertThat(strings(timeoutRetrier.get("ErrorEquals"))).as(name).contains("Lambda.Unknown");
            assertThat(timeoutRetrier.path("MaxAttempts").asInt()).as(name).isBetween(1, 3);

            JsonNode catchAll = state.path("Catch").path(0);
            assertThat(strings(catchAll.get("ErrorEquals"))).as(name).containsExactly("States.ALL");
            if (name.equals("Mark job failed")) {
                // its own failure must not overwrite the error it was recording
                assertThat(catchAll.path("ResultPath").asText()).as(name).isNotEqualTo("$.error");
                assertThat(raw.at("/States/" + catchAll.path("Next").asText() + "/Type")
                                .asText())
                        .isEqualTo("Fail");
            } else {
                assertThat(catchAll.path("ResultPath").asText()).as(name).isEqualTo("$.error");
                assertThat(catchAll.path("Next").asText()).as(name).isEqualTo("Mark job failed");
            }
        });
        assertThat(tasks)
                .containsExactlyInAnyOrder(
                        "Plan job", "Extract next page", "Check progress", "Finalize job", "Mark job failed");
    }

    private static int totalWaitSeconds(JsonNode retrier) {
        double interval = retrier.path("IntervalSeconds").asDouble(1);
        double rate = retrier.path("BackoffRate").asDouble(2);
        double max = retrier.path("MaxDelaySeconds").asDouble(Double.MAX_VALUE);
        double total = 0;
        for (int i = 0; i < retrier.path("MaxAttempts").asInt(3); i++) {
            total += Math.min(max, interval * Math.pow(rate, i));
        }
        return (int) Math.round(total);
    }

    @Test
    void stoppedByAnError_causeIsTheReasonMarkJobFailedMadeOfTheErrorOutput() throws Exception {
        JsonNode raw = json.readTree(definition.text());

        assertThat(raw.at("/States/Stopped by an error/CausePath").asText()).isEqualTo("$.failure.reason");
        assertThat(raw.at("/States/Mark job failed/ResultSelector/reason.$").asText())
                .isEqualTo("$.Payload.reason");
        assertThat(raw.at("/States/Mark job failed/ResultPath").asText()).isEqualTo("$.failure");
    }

    @Test
    void markJobFailed_receivesTheWholeState() throws Exception {
        JsonNode raw = json.readTree(definition.text());

        assertThat(raw.at("/States/Mark job failed/Parameters/Payload.$").asText())
                .isEqualTo("$");
        assertThat(raw.at("/States/Start export/Parameters/executionId.$").asText())
                .isEqualTo("$$.Execution.Id");
    }

    @Test
    void definition_usesJsonPathOnly_withoutAssignOrStateContext() throws Exception {
        JsonNode raw = json.readTree(definition.text());
        Set<String> fieldNames = new LinkedHashSet<>();
        collectFieldNames(raw, fieldNames);

        assertThat(raw.path("QueryLanguage").asText("JSONPath")).isEqualTo("JSONPath");
        assertThat(fieldNames).doesNotContain("Assign", "Arguments", "Output", "QueryLanguage", "Items");
        assertThat(definition.text()).doesNotContain("{%", "$$.State.", "$$.Task.");
    }

    @Test
    void choiceRules_neverTestAnIsOperatorForFalse() throws Exception {
        JsonNode raw = json.readTree(definition.text());
        List<String> isOperators = new ArrayList<>();
        forEachState(raw, (name, state) -> {
            if (state.path("Type").asText().equals("Choice")) {
                collectIsOperators(state.get("Choices"), name, isOperators);
                assertThat(state.hasNonNull("Default"))
                        .as(name + " has a Default")
                        .isTrue();
            }
        });

        assertThat(isOperators).allSatisfy(operator -> assertThat(operator).endsWith("=true"));
    }

    @Test
    void everyState_isReachable_andEveryTransitionHasATarget() throws Exception {
        JsonNode raw = json.readTree(definition.text());
        JsonNode states = raw.get("States");
        Set<String> reached = new LinkedHashSet<>();
        Deque<String> toVisit = new ArrayDeque<>(List.of(raw.get("StartAt").asText()));
        while (!toVisit.isEmpty()) {
            String name = toVisit.pop();
            assertThat(states.has(name))
                    .as("transition target '%s' exists", name)
                    .isTrue();
            if (reached.add(name)) {
                toVisit.addAll(targetsOf(states.get(name)));
            }
        }

        List<String> all = new ArrayList<>();
        states.fieldNames().forEachRemaining(all::add);
        assertThat(reached).containsExactlyInAnyOrderElementsOf(all);
    }

    @Test
    void stateMachine_hasATimeout_andWaitsReadTheirSecondsFromTheState() throws Exception {
        JsonNode raw = json.readTree(definition.text());

        assertThat(raw.path("TimeoutSeconds").asInt()).isGreaterThanOrEqualTo(86_400);
        assertThat(raw.at("/States/Wait for workers/SecondsPath").asText()).isEqualTo("$.progress.waitSeconds");
        // the first check comes at once: a small window is settled before any wait
        assertThat(raw.at("/States/Start progress checks/Next").asText()).isEqualTo("Check progress");
    }

    private static List<String> targetsOf(JsonNode state) {
        List<String> targets = new ArrayList<>();
        if (state.hasNonNull("Next")) {
            targets.add(state.get("Next").asText());
        }
        if (state.hasNonNull("Default")) {
            targets.add(state.get("Default").asText());
        }
        state.path("Choices").forEach(rule -> targets.add(rule.get("Next").asText()));
        state.path("Catch").forEach(catcher -> targets.add(catcher.get("Next").asText()));
        return targets;
    }

    private static JsonNode retrierFor(JsonNode state, String error) {
        for (JsonNode retrier : state.path("Retry")) {
            if (strings(retrier.get("ErrorEquals")).contains(error)) {
                return retrier;
            }
        }
        return null;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        if (array != null) {
            array.forEach(value -> values.add(value.asText()));
        }
        return values;
    }

    private static void forEachState(JsonNode machine, BiConsumer<String, JsonNode> action) {
        machine.get("States").fields().forEachRemaining(entry -> {
            action.accept(entry.getKey(), entry.getValue());
            JsonNode state = entry.getValue();
            if (state.has("ItemProcessor")) {
                forEachState(state.get("ItemProcessor"), action);
            }
            state.path("Branches").forEach(branch -> forEachState(branch, action));
        });
    }

    private static void collectIsOperators(JsonNode node, String where, List<String> found) {
        if (node == null) {
            return;
        }
        if (node.isArray()) {
            node.forEach(element -> collectIsOperators(element, where, found));
        } else if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                if (field.getKey().startsWith("Is")) {
                    found.add(where + ":" + field.getKey() + "="
                            + field.getValue().asText());
                }
                collectIsOperators(field.getValue(), where, found);
            });
        }
    }

    private static void collectFieldNames(JsonNode node, Set<String> names) {
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                names.add(field.getKey());
                collectFieldNames(field.getValue(), names);
            });
        } else if (node.isArray()) {
            node.forEach(element -> collectFieldNames(element, names));
        }
    }

    private static void collectStringsWithPlaceholders(JsonNode node, String pointer, List<String> found) {
        if (node.isTextual() && node.asText().contains("${")) {
            found.add(pointer);
        } else if (node.isObject()) {
            node.fields()
                    .forEachRemaining(field ->
                            collectStringsWithPlaceholders(field.getValue(), pointer + "/" + field.getKey(), found));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectStringsWithPlaceholders(node.get(i), pointer + "/" + i, found);
            }
        }
    }
}
