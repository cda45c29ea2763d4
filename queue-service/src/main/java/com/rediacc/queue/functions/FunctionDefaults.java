package com.rediacc.queue.functions;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.rediacc.queue.tasks.Task;
import com.rediacc.queue.tasks.TaskRequest;

/** The task options a function's tasks get unless the request gives its own. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FunctionDefaults(Integer priority, Integer timeoutSeconds, Integer maxRetries, Integer retryDelay,
                               Boolean resumable, String tag, Task.FailureAction failureAction,
                               TaskRequest.OnExit onExit) {
    public static final FunctionDefaults NONE = new FunctionDefaults(null, null, null, null, null, null, null, null);
}
