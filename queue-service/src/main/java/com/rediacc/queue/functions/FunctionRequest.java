package com.rediacc.queue.functions;

import java.util.List;

/** Body of {@code PUT /api/v1/teams/{team}/functions/{name}}: the new version. Unknown fields are rejected. */
public record FunctionRequest(String description, String script, List<Param> params, FunctionDefaults defaults) {
}
