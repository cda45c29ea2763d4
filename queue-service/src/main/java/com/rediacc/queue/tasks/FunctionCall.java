package com.rediacc.queue.tasks;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The function a task runs: its name and version, and its non-secret params (each a string), which
 * the script gets as environment variables. Its secret params are in the task's vaultData.
 */
public record FunctionCall(String name, int version, ObjectNode params) {

    /** The params as the script's environment. */
    public Map<String, String> environment() {
        Map<String, String> environment = new LinkedHashMap<>();
        params.properties().forEach(entry -> environment.put(entry.getKey(), entry.getValue().asText()));
        return environment;
    }
}
