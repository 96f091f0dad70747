package org.messageexport.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.messageexport.infra.TemplateJson.map;
import static org.messageexport.infra.TemplateJson.properties;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The template read as CloudFormation acts on it: the schema migration (the trigger's custom resource) completes
 * before any SnapStart version is published (publishing runs the handler's constructor) and before the worker's event
 * source mapping exists, in every synthesized variant.
 */
class DeploymentOrderTest {
    static Stream<String> variants() {
        List<String> names = new ArrayList<>();
        names.add("defaults");
        names.addAll(TestApps.VARIANT_OVERRIDES.keySet());
        return names.stream();
    }

    private static TestApps.Synthesized synthesized(String variant) {
        return variant.equals("defaults") ? TestApps.defaults() : TestApps.variant(variant);
    }

    private static String migrationTrigger(TemplateJson json) {
        Map<String, Map<String, Object>> triggers = json.ofType("Custom::Trigger");
        assertThat(triggers).hasSize(1);
        return triggers.keySet().iterator().next();
    }

    @ParameterizedTest
    @MethodSource("variants")
    void everySnapStartVersion_andTheEventSourceMapping_waitForTheMigration(String variant) {
        TemplateJson json = new TemplateJson(synthesized(variant).json());
        DependencyGraph graph = new DependencyGraph(synthesized(variant).json());
        String trigger = migrationTrigger(json);

        List<String> snapStartVersions = json.ofType("AWS::Lambda::Version").entrySet().stream()
                .filter(e -> {
                    String function = (String)
                            map(properties(e.getValue()).get("FunctionName")).get("Ref");
                    return Map.of("ApplyOn", "PublishedVersions")
                            .equals(properties(map(json.resources().get(function)))
                                    .get("SnapStart"));
                })
                .map(Map.Entry::getKey)
                .toList();
        assertThat(snapStartVersions)
                .as("the five task functions and the worker")
                .hasSize(6);
        for (String version : snapStartVersions) {
            assertThat(graph.prerequisites(version)).as(version).contains(trigger);
        }
        assertThat(json.ofType("AWS::Lambda::EventSourceMapping"))
                .hasSize(1)
                .allSatisfy((mapping, resource) ->
                        assertThat(graph.prerequisites(mapping)).as(mapping).contains(trigger));
        // and what starts executions or invokes the aliases therefore comes after it too
        json.ofType("AWS::Lambda::Alias").keySet().forEach(alias -> {
            String function =
                    (String) map(properties(map(json.resources().get(alias))).get("FunctionName"))
                            .get("Ref");
            if (properties(map(json.resources().get(function))).containsKey("SnapStart")) {
                assertThat(graph.prerequisites(alias)).as(alias).contains(trigger);
            }
        });
        json.ofType("AWS::StepFunctions::StateMachine")
                .keySet()
                .forEach(sm -> assertThat(graph.prerequisites(sm)).contains(trigger));
    }

    @ParameterizedTest
    @MethodSource("variants")
    void theMigration_runsOnItsOwnVersion_withoutACycle(String variant) {
        TemplateJson json = new TemplateJson(synthesized(variant).json());
        DependencyGraph graph = new DependencyGraph(synthesized(variant).json());
        String trigger = migrationTrigger(json);
        Map<String, Object> resource = map(json.resources().get(trigger));
        String version = (String) map(properties(resource).get("HandlerArn")).get("Ref");
        String migrate =
                (String) map(properties(map(json.resources().get(version))).get("FunctionName"))
                        .get("Ref");
        assertThat(properties(map(json.resources().get(migrate))))
                .containsEntry("Handler", SchemaMigration.HANDLER)
                .doesNotContainKey("SnapStart");
        assertThat(properties(resource))
                .containsEntry("InvocationType", "RequestResponse")
                .containsEntry("ExecuteOnHandlerChange", true);
        assertThat(graph.prerequisites(trigger)).contains(version, migrate);
        assertThat(graph.cycle()).isEmpty();
    }
}
