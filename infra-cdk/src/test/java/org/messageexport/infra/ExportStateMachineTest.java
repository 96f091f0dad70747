package org.messageexport.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.messageexport.infra.TemplateJson.map;
import static org.messageexport.infra.TemplateJson.properties;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.messageexport.config.StateMachineTask;
import org.messageexport.statemachine.StateMachineDefinition;

/** The deployed definition is the statemachine module's ASL with the task aliases substituted. */
class ExportStateMachineTest {
    private final TemplateJson json = new TemplateJson(TestApps.defaults().json());

    /** What CloudFormation does with DefinitionSubstitutions, with each alias Ref resolved to a plausible ARN. */
    private String deployedDefinition() {
        Map<String, Object> props = properties(json.ofType("AWS::StepFunctions::StateMachine")
                .values()
                .iterator()
                .next());
        String definition = (String) props.get("DefinitionString");
        for (Map.Entry<String, Object> substitution :
                map(props.get("DefinitionSubstitutions")).entrySet()) {
            definition = definition.replace("${" + substitution.getKey() + "}", resolve(substitution.getValue()));
        }
        return definition;
    }

    private static String resolve(Object token) {
        String aliasId = (String) map(token).get("Ref");
        return "arn:aws:lambda:eu-west-1:123456789012:function:" + aliasId + ":live";
    }

    private Map<String, String> expectedSubstitutions() {
        Map<String, String> values = new LinkedHashMap<>();
        for (StateMachineTask task : StateMachineTask.values()) {
            String alias = json.aliasOf(json.functionWithHandler(task.lambdaHandler()));
            values.put(task.placeholder(), resolve(Map.of("Ref", alias)));
        }
        return values;
    }

    @Test
    void definition_equalsTheAslFile_withEachPlaceholderReplacedByItsTasksAlias() throws IOException {
        StateMachineDefinition asl = StateMachineDefinition.load();
        assertThat(asl.placeholders()).hasSize(StateMachineTask.values().length);

        JsonNode deployed = TestApps.JSON.readTree(deployedDefinition());
        // with the execution timeout of cdk.json's stateMachineTimeoutMinutes
        JsonNode expected =
                TestApps.JSON.readTree(asl.withTimeoutSeconds(1440L * 60).substitute(expectedSubstitutions()));

        assertThat(deployed).isEqualTo(expected);
        assertThat(deployed.toString()).doesNotContain("${");
    }

    @Test
    void definition_passesAslValidator(@TempDir Path dir) throws IOException, InterruptedException {
        Path file = dir.resolve("export-job.asl.json");
        Files.writeString(file, deployedDefinition(), StandardCharsets.UTF_8);
        Path validator = Path.of("node_modules/asl-validator/dist/bin/asl-validator.js");
        assertThat(validator)
                .as("npm ci in infra-cdk installs asl-validator (the build's npm-ci profile does)")
                .isRegularFile();

        Process process = new ProcessBuilder("node", validator.toString(), "--json-path", file.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("is valid");
    }
}
