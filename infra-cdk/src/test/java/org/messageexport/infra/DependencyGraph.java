package org.messageexport.infra;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The order CloudFormation creates a template's resources in, read the way it reads it: a resource waits for every
 * resource it names in {@code DependsOn}, {@code Ref}, {@code Fn::GetAtt} or a {@code ${...}} of {@code Fn::Sub}
 * (anywhere in its properties). Names that are not resources (parameters, pseudo parameters) are ignored.
 */
final class DependencyGraph {
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^!}][^}]*)}");

    private final Map<String, Set<String>> edges = new LinkedHashMap<>();

    DependencyGraph(Map<String, Object> template) {
        Map<String, Object> resources = TemplateJson.map(template.get("Resources"));
        for (var entry : resources.entrySet()) {
            Map<String, Object> resource = TemplateJson.map(entry.getValue());
            Set<String> deps = new TreeSet<>();
            Object dependsOn = resource.get("DependsOn");
            if (dependsOn != null) {
                TemplateJson.asList(dependsOn).forEach(d -> deps.add((String) d));
            }
            collect(resource.get("Properties"), deps);
            deps.retainAll(resources.keySet());
            edges.put(entry.getKey(), deps);
        }
    }

    private static void collect(Object node, Set<String> deps) {
        if (node instanceof Map<?, ?> map) {
            if (map.size() == 1 && map.containsKey("Ref")) {
                deps.add((String) map.get("Ref"));
                return;
            }
            if (map.size() == 1 && map.containsKey("Fn::GetAtt")) {
                Object target = map.get("Fn::GetAtt");
                deps.add(target instanceof List<?> l ? (String) l.get(0) : ((String) target).split("\\.")[0]);
                return;
            }
            if (map.size() == 1 && map.containsKey("Fn::Sub")) {
                Object sub = map.get("Fn::Sub");
                String text = sub instanceof List<?> l ? (String) l.get(0) : (String) sub;
                Matcher m = SUB_VARIABLE.matcher(text);
                Set<String> local = new HashSet<>();
                if (sub instanceof List<?> l && l.size() > 1) {
                    local.addAll(TemplateJson.map(l.get(1)).keySet());
                    collect(l.get(1), deps);
                }
                while (m.find()) {
                    String name = m.group(1).split("\\.")[0];
                    if (!local.contains(name)) {
                        deps.add(name);
                    }
                }
                return;
            }
            map.values().forEach(v -> collect(v, deps));
        } else if (node instanceof List<?> list) {
            list.forEach(v -> collect(v, deps));
        }
    }

    /** The resources {@code id} names directly. */
    Set<String> direct(String id) {
        return edges.getOrDefault(id, Set.of());
    }

    /** Every resource that must exist before {@code id} is created. */
    Set<String> prerequisites(String id) {
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(direct(id));
        while (!todo.isEmpty()) {
            String next = todo.pop();
            if (seen.add(next)) {
                todo.addAll(direct(next));
            }
        }
        return seen;
    }

    /** A cycle, as a list of ids, or an empty list (CloudFormation refuses a template with one). */
    List<String> cycle() {
        Map<String, Integer> state = new HashMap<>();
        for (String start : edges.keySet()) {
            List<String> found = visit(start, state, new ArrayDeque<>());
            if (!found.isEmpty()) {
                return found;
            }
        }
        return List.of();
    }

    private List<String> visit(String id, Map<String, Integer> state, Deque<String> path) {
        Integer s = state.get(id);
        if (s != null && s == 2) {
            return List.of();
        }
        if (s != null && s == 1) {
            List<String> cycle = new java.util.ArrayList<>(path);
            cycle.add(id);
            return cycle;
        }
        state.put(id, 1);
        path.push(id);
        for (String dep : direct(id)) {
            List<String> found = visit(dep, state, path);
            if (!found.isEmpty()) {
                return found;
            }
        }
        path.pop();
        state.put(id, 2);
        return List.of();
    }
}
