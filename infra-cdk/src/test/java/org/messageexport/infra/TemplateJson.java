package org.messageexport.infra;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Navigation in a synthesized template (as {@code Template.toJSON()} returns it). */
final class TemplateJson {
    private final Map<String, Object> json;

    TemplateJson(Map<String, Object> json) {
        this.json = json;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        return (List<Object>) value;
    }

    Map<String, Object> resources() {
        return map(json.get("Resources"));
    }

    /** logical id → resource, for one resource type. */
    Map<String, Map<String, Object>> ofType(String type) {
        Map<String, Map<String, Object>> found = new LinkedHashMap<>();
        resources().forEach((id, resource) -> {
            if (type.equals(map(resource).get("Type"))) {
                found.put(id, map(resource));
            }
        });
        return found;
    }

    static Map<String, Object> properties(Map<String, Object> resource) {
        return map(resource.get("Properties"));
    }

    /** The logical id of the one function with this handler. */
    String functionWithHandler(String handler) {
        return ofType("AWS::Lambda::Function").entrySet().stream()
                .filter(e -> handler.equals(properties(e.getValue()).get("Handler")))
                .map(Map.Entry::getKey)
                .reduce((a, b) -> {
                    throw new AssertionError("two functions with handler " + handler);
                })
                .orElseThrow(() -> new AssertionError("no function with handler " + handler));
    }

    /** The logical id of the function's role (Fn::GetAtt [role, Arn]). */
    String roleOf(String functionId) {
        Map<String, Object> role =
                map(properties(map(resources().get(functionId))).get("Role"));
        return (String) list(role.get("Fn::GetAtt")).get(0);
    }

    /** All statements of the inline policies attached to a role. */
    List<Map<String, Object>> statementsOf(String roleId) {
        return ofType("AWS::IAM::Policy").values().stream()
                .filter(policy -> list(properties(policy).get("Roles")).contains(Map.of("Ref", roleId)))
                .flatMap(policy ->
                        list(map(properties(policy).get("PolicyDocument")).get("Statement")).stream())
                .map(TemplateJson::map)
                .toList();
    }

    /** The alias (logical id) whose FunctionName refers to this function. */
    String aliasOf(String functionId) {
        return ofType("AWS::Lambda::Alias").entrySet().stream()
                .filter(e -> Map.of("Ref", functionId)
                        .equals(properties(e.getValue()).get("FunctionName")))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no alias for " + functionId));
    }

    static List<Object> asList(Object value) {
        return value instanceof List<?> l ? list(l) : List.of(value);
    }
}
