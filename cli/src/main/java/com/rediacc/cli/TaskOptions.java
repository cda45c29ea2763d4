package com.rediacc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How the tasks a command makes run (a picocli mixin): {@code create task} takes it for its task,
 * {@code group create} for each of the group's tasks, {@code cron create} and {@code cron update} for
 * every run of the cron. The API's task and cron
 * bodies name these fields alike: {@link RunOptions} and the vault data.
 */
final class TaskOptions {
    @Mixin
    RunOptions run;

    @Option(names = "--vault-file", paramLabel = "FILE",
            description = "JSON object of secrets, given to the command on stdin (encrypted at rest; - = stdin)")
    String vaultFile;

    /** Puts the options given into {@code body}; a bad value is a usage error of {@code command}. */
    void into(BaseCommand command, ObjectNode body) {
        run.into(command, body);
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
