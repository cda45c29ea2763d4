package com.rediacc.queue.functions;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** One version of a team's function, as stored and as the API shows it. */
public record FunctionDefinition(String team, String name, int version, String description, String script,
                                 List<Param> params, FunctionDefaults defaults, Instant createdAt, String createdBy) {

    public Optional<Param> param(String paramName) {
        return params.stream().filter(p -> p.name().equals(paramName)).findFirst();
    }

    /** "deploy v3", as a task's history names it. */
    public String label() {
        return name + " v" + version;
    }
}
