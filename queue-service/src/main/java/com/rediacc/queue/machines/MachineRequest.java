package com.rediacc.queue.machines;

import java.util.List;

/**
 * Body of {@code POST /api/v1/machines}, and of {@code PATCH /api/v1/machines/{name}}, where absent
 * fields stay as they are.
 */
public record MachineRequest(
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
