package com.rediacc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;

/**
 * Queue-depth thresholds: crossing one (PENDING tasks, or the age of the oldest) publishes one alert
 * on rediacc.alerts, and its clearing another.
 */
@Command(name = "threshold", aliases = "thresholds", description = "Set, list and delete queue-depth alert thresholds.",
        subcommands = {ThresholdCommands.ListThresholds.class, ThresholdCommands.Set.class, ThresholdCommands.Delete.class},
        footer = {"", "Examples:", "  rediacc threshold set --team Production --max-pending 500 --max-pending-age 15m",
                "  rediacc threshold set --machine prod-01 --max-pending 50",
                "  rediacc threshold list --team Production"})
final class ThresholdCommands extends BaseCommand.Group {

    /** A team's threshold, or one machine's. */
    static final class Scope {
        @Option(names = "--team", required = true, paramLabel = "TEAM", description = "the team's threshold (all its machines)")
        String team;

        @Option(names = "--machine", required = true, paramLabel = "MACHINE", description = "one machine's threshold")
        String machine;

        String apiPath() {
            return machine != null ? BaseCommand.path("queue", "thresholds", "machines", machine)
                    : BaseCommand.path("queue", "thresholds", "teams", team);
        }

        String describe() {
            return machine != null ? "machine " + machine : "team " + team;
        }
    }

    @Command(name = "list", aliases = "ls", description = "List thresholds and whether their alerts fire.",
            footer = {"", "Examples:", "  rediacc threshold list", "  rediacc threshold list --team Production -o json"})
    static final class ListThresholds extends BaseCommand {
        @Option(names = "--team", paramLabel = "TEAM")
        String team;

        @Override
        int run() {
            JsonNode page = api().get("/queue/thresholds", ApiClient.params("team", team));
            printer().list(page, page.path("items"), "team", List.of(Printer.Column.id("TEAM", "team"),
                    Printer.Column.field("MACHINE", "machine"), Printer.Column.field("MAX PENDING", "maxPending"),
                    Printer.Column.field("MAX AGE (S)", "maxPendingAgeSeconds"),
                    Printer.Column.field("PENDING ALERT SINCE", "pendingAlertSince"),
                    Printer.Column.field("AGE ALERT SINCE", "ageAlertSince")), List.of());
            return 0;
        }
    }

    @Command(name = "set", description = "Set a team's or a machine's thresholds (team ADMIN); they replace the ones set before.",
            footer = {"", "Examples:", "  rediacc threshold set --team Production --max-pending 500 --max-pending-age 15m",
                    "  rediacc threshold set --machine prod-01 --max-pending-age 1h"})
    static final class Set extends BaseCommand {
        @ArgGroup(multiplicity = "1")
        Scope scope;

        @Option(names = "--max-pending", paramLabel = "N", description = "alert when more tasks than this are PENDING")
        Long maxPending;

        @Option(names = "--max-pending-age", paramLabel = "DURATION", converter = Durations.class,
                description = "alert when the oldest PENDING task has waited longer than this (e.g. 90s, 15m, 1h)")
        Integer maxPendingAge;

        @Override
        int run() {
            if (maxPending == null && maxPendingAge == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give --max-pending, --max-pending-age or both");
            }
            ObjectNode body = ApiClient.JSON.createObjectNode();
            if (maxPending != null) {
                body.put("maxPending", maxPending);
            }
            if (maxPendingAge != null) {
                body.put("maxPendingAgeSeconds", maxPendingAge.longValue());
            }
            JsonNode threshold = api().put(scope.apiPath(), body).body();
            if (printer().quiet || printer().structured()) {
                printer().object(threshold, "team", List.of());
            } else {
                out().println("thresholds of " + scope.describe() + " set");
            }
            return 0;
        }
    }

    @Command(name = "delete", aliases = "rm", description = "Delete a team's or a machine's thresholds (team ADMIN).",
            footer = {"", "Examples:", "  rediacc threshold delete --machine prod-01"})
    static final class Delete extends BaseCommand {
        @ArgGroup(multiplicity = "1")
        Scope scope;

        @Override
        int run() {
            api().delete(scope.apiPath());
            note("thresholds of " + scope.describe() + " deleted");
            return 0;
        }
    }
}
