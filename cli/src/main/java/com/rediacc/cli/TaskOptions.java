package com.rediacc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How the tasks a command makes run (a picocli mixin): {@code create task} takes it for its task,
 * {@code cron create} and {@code cron update} for every run of the cron. The API's task and cron
 * bodies name these fields alike.
 */
final class TaskOptions {
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

    @Option(names = "--vault-file", paramLabel = "FILE",
            description = "JSON object of secrets, given to the command on stdin (encrypted at rest; - = stdin)")
    String vaultFile;

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
        if (vaultFile != null) body.set("vaultData", readVaultFile(command));
    }

    private JsonNode readVaultFile(BaseCommand command) {
        String text;
        try {
            text = vaultFile.equals("-") ? new String(command.root().terminal.in().readAllBytes())
                    : Files.readString(Path.of(vaultFile));
        } catch (IOException e) {
            throw new CliException("cannot read --vault-file " + vaultFile + ": " + e.getMessage(), null, CliException.USAGE);
        }
        try {
            JsonNode value = ApiClient.JSON.readTree(text);
            if (value == null || !value.isObject()) {
                throw command.usage("--vault-file " + vaultFile + " must hold a JSON object, e.g. {\"password\": \"...\"}");
            }
            return value;
        } catch (IOException e) {
            throw command.usage("--vault-file " + vaultFile + " is not JSON: " + e.getMessage());
        }
    }
}
