package com.rediacc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Option;

/**
 * How a task runs (a picocli mixin): priority, retries, time limit, bridge tag, resumable and the
 * onExit follow-up. {@link TaskOptions} adds the vault data a task or cron takes; {@code function put}
 * takes these alone, as the defaults of the function's tasks (a function's secrets are secret params).
 */
final class RunOptions {
    @Option(names = "--priority", paramLabel = "1-5", description = "1 highest, 5 lowest (default 3)")
    Integer priority;

    @Option(names = "--retries", paramLabel = "N", description = "retries after a failed attempt (default 0)")
    Integer retries;

    @Option(names = "--retry-delay", paramLabel = "DURATION", converter = Durations.class,
            description = "wait before a retry, e.g. 30s, 5m (default 30s)")
    Integer retryDelay;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.class,
            description = "kill the command after this long, e.g. 10m")
    Integer timeout;

    @Option(names = "--tag", paramLabel = "TAG", description = "only bridges started with this tag run it")
    String tag;

    @Option(names = "--resumable", negatable = true,
            description = "if its bridge is lost, start it again without using a retry")
    Boolean resumable;

    @Option(names = "--on-exit", paramLabel = "CMD",
            description = "a follow-up command run on the same machine once the task ended (whatever its end); "
                    + "it reads the ended task as JSON on stdin")
    String onExit;

    /** Puts the options given into {@code body}; a bad value is a usage error of {@code command}. */
    void into(BaseCommand command, ObjectNode body) {
        if (priority != null && (priority < 1 || priority > 5)) {
            throw command.usage("--priority must be between 1 and 5");
        }
        if (retries != null && retries < 0) {
            throw command.usage("--retries must be 0 or more");
        }
        if (priority != null) body.put("priority", priority);
        if (retries != null) body.put("maxRetries", retries);
        if (retryDelay != null) body.put("retryDelay", retryDelay);
        if (timeout != null) body.put("timeoutSeconds", timeout);
        if (tag != null) body.put("tag", tag);
        if (resumable != null) body.put("resumable", resumable);
        if (onExit != null) body.putObject("onExit").put("command", onExit);
    }
}
