package com.rediacc.queue.machines;

import java.util.List;

/** Body of {@code PATCH /api/v1/machines/{name}}: the fields to change; absent fields stay. */
public record MachinePatch(
        String name,
        String team,
        String host,
        Integer port,
        String user,
        String hostKey,
        String credential,
        List<String> tags,
        Integer maxConcurrency) {
}
