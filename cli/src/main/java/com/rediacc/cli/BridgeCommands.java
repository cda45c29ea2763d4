package com.rediacc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

import java.time.Instant;
import java.util.List;

/** Bridges, for troubleshooting: which are alive, what each serves and runs. */
@Command(name = "bridge", aliases = "bridges", description = "Show the bridges and what they serve.",
        subcommands = {BridgeCommands.ListBridges.class},
        footer = {"", "Examples:", "  rediacc bridge list", "  rediacc bridge list -o wide"})
final class BridgeCommands extends BaseCommand.Group {

    @Command(name = "list", aliases = "ls", description = {"List the bridges: LIVE, or QUIET when they missed their last presences,",
            "with the machines they serve (your teams' only) and the tasks they run."},
            footer = {"", "Examples:", "  rediacc bridge list", "  rediacc bridge list -o json"})
    static final class ListBridges extends BaseCommand {
        @Override
        int run() {
            JsonNode page = api().get("/bridges", ApiClient.params());
            Instant now = Instant.now();
            printer().list(page, page.path("items"), "bridgeId", List.of(
                    Printer.Column.id("BRIDGE", "bridgeId"),
                    Printer.Column.status("STATE", "state"),
                    Printer.Column.of("SEEN", b -> Printer.age(b.get("lastHeartbeat"), now) + " ago"),
                    Printer.Column.of("RUNNING", b -> b.path("runningCount").asText() + "/" + b.path("batchSize").asText()),
                    Printer.Column.field("VERSION", "version"),
                    Printer.Column.flex("MACHINES", b -> joined(b.path("machines")))), List.of(
                    Printer.Column.of("PARTITIONS", b -> joined(b.path("partitions")) + " of " + b.path("partitionCount").asText()),
                    Printer.Column.of("TAGS", b -> joined(b.path("tags"))),
                    Printer.Column.flex("TASKS", b -> {
                        StringBuilder tasks = new StringBuilder();
                        b.path("runningTasks").forEach(t -> tasks.append(tasks.isEmpty() ? "" : ",")
                                .append(t.path("taskId").asText()));
                        return tasks.toString();
                    })));
            return 0;
        }

        private static String joined(JsonNode values) {
            StringBuilder joined = new StringBuilder();
            values.forEach(v -> joined.append(joined.isEmpty() ? "" : ",").append(v.asText()));
            return joined.toString();
        }
    }
}
