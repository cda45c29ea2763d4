package com.rediacc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.List;

/** Teams: own machines, tasks, vault entries and members. */
@Command(name = "team", aliases = "teams", description = "Create and list teams.",
        subcommands = {TeamCommands.ListTeams.class, TeamCommands.Get.class, TeamCommands.Create.class},
        footer = {"", "Examples:", "  rediacc team create Production", "  rediacc team list"})
final class TeamCommands extends BaseCommand.Group {

    @Command(name = "list", aliases = "ls", description = "List the teams you can see.",
            footer = {"", "Examples:", "  rediacc team list", "  rediacc team list -q"})
    static final class ListTeams extends BaseCommand {
        @Override
        int run() {
            JsonNode page = api().get("/teams");
            printer().list(page, page.path("items"), "name",
                    List.of(Printer.Column.id("NAME", "name"), Printer.Column.field("CREATED", "createdAt")), List.of());
            return 0;
        }
    }

    @Command(name = "get", aliases = "inspect", description = "Show a team.",
            footer = {"", "Examples:", "  rediacc team get Production -o json"})
    static final class Get extends BaseCommand {
        @Parameters(paramLabel = "TEAM")
        String name;

        @Override
        int run() {
            JsonNode team = api().get(path("teams", name));
            printer().object(team, "name", List.of(new String[]{"Name", team.path("name").asText()},
                    new String[]{"Created", Printer.text(team.get("createdAt"))}));
            return 0;
        }
    }

    @Command(name = "create", aliases = "add", description = "Create a team (global admin).",
            footer = {"", "Examples:", "  rediacc team create Production"})
    static final class Create extends BaseCommand {
        @Parameters(paramLabel = "TEAM")
        String name;

        @Override
        int run() {
            JsonNode team = api().post("/teams", ApiClient.JSON.createObjectNode().put("name", name)).body();
            if (printer().quiet || printer().structured()) {
                printer().object(team, "name", List.of());
            } else {
                out().println("team " + name + " created");
            }
            return 0;
        }
    }
}
