package org.messageexport.statemachine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.messageexport.config.StateMachineTask;

/**
 * Stand-ins for the export job's handlers: each answers its invocations from a script, in order, and every call is
 * recorded. A scripted answer is JSON text, a {@code Function<JsonNode, String>} of the payload, or a
 * {@link RuntimeException} to throw. A call beyond the script fails loudly (and is recorded).
 */
final class ScriptedFunctions {

    record Call(StateMachineTask function, JsonNode payload) {}

    private final ObjectMapper json = new ObjectMapper();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<StateMachineTask, Deque<Object>> scripts = new EnumMap<>(StateMachineTask.class);

    ScriptedFunctions(LambdaInvokeServer server) {
        for (StateMachineTask function : StateMachineTask.values()) {
            scripts.put(function, new ArrayDeque<>());
            server.register(function.functionName(), payload -> answer(function, payload));
        }
    }

    ScriptedFunctions script(StateMachineTask function, Object... answers) {
        synchronized (scripts) {
            scripts.get(function).addAll(Arrays.asList(answers));
        }
        return this;
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    List<StateMachineTask> sequence() {
        return calls.stream().map(Call::function).toList();
    }

    List<JsonNode> payloads(StateMachineTask function) {
        return calls.stream()
                .filter(call -> call.function() == function)
                .map(Call::payload)
                .toList();
    }

    @SuppressWarnings("unchecked")
    private byte[] answer(StateMachineTask function, byte[] payload) throws Exception {
        JsonNode request = json.readTree(payload);
        calls.add(new Call(function, request));
        Object next;
        synchronized (scripts) {
            next = scripts.get(function).poll();
        }
        if (next == null) {
            throw new IllegalStateException("No scripted answer left for " + function.functionName());
        }
        if (next instanceof RuntimeException e) {
            throw e;
        }
        String text =
                next instanceof Function<?, ?> f ? ((Function<JsonNode, String>) f).apply(request) : (String) next;
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
