package com.rediacc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/** Team members and their roles: VIEWER reads, OPERATOR also runs and cancels tasks, ADMIN also manages. */
@Command(name = "member", aliases = "members", description = "Add, change and remove team members.",
        subcommands = {MemberCommands.ListMembers.class, MemberCommands.Add.class, MemberCommands.SetRole.class,
                MemberCommands.Remove.class},
        footer = {"", "Examples:", "  rediacc member add alice --team Production --role OPERATOR",
                "  rediacc member list --team Production"})
final class MemberCommands extends BaseCommand.Group {
    enum Role { ADMIN, OPERATOR, VIEWER }

    @Command(name = "list", aliases = "ls", description = "List a team's members.",
            footer = {"", "Examples:", "  rediacc member list --team Production"})
    static final class ListMembers extends BaseCommand {
        @Option(names = "--team", required = true, paramLabel = "TEAM")
        String team;

        @Override
        int run() {
            JsonNode page = api().get(path("teams", team, "members"));
            printer().list(page, page.path("items"), "user", List.of(Printer.Column.id("USER", "user"),
                    Printer.Column.field("ROLE", "role"), Printer.Column.field("SINCE", "addedAt")), List.of());
            return 0;
        }
    }

    @Command(name = "add", description = "Add a user to a team with a role.",
            footer = {"", "Examples:", "  rediacc member add alice --team Production --role OPERATOR"})
    static final class Add extends BaseCommand {
        @Parameters(paramLabel = "USER")
        String user;

        @Option(names = "--team", required = true, paramLabel = "TEAM")
        String team;

        @Option(names = "--role", required = true, paramLabel = "ROLE", description = "ADMIN, OPERATOR or VIEWER")
        Role role;

        @Override
        int run() {
            JsonNode member = api().post(path("teams", team, "members"),
                    ApiClient.JSON.createObjectNode().put("user", user).put("role", role.name())).body();
            return printRole(this, member, user, role, team);
        }
    }

    @Command(name = "set-role", aliases = "update", description = "Change a member's role.",
            footer = {"", "Examples:", "  rediacc member set-role alice --team Production --role ADMIN"})
    static final class SetRole extends BaseCommand {
        @Parameters(paramLabel = "USER")
        String user;

        @Option(names = "--team", required = true, paramLabel = "TEAM")
        String team;

        @Option(names = "--role", required = true, paramLabel = "ROLE", description = "ADMIN, OPERATOR or VIEWER")
        Role role;

        @Override
        int run() {
            JsonNode member = api().patch(path("teams", team, "members", user),
                    ApiClient.JSON.createObjectNode().put("role", role.name())).body();
            return printRole(this, member, user, role, team);
        }
    }

    @Command(name = "remove", aliases = "rm", description = "Remove a user from a team.",
            footer = {"", "Examples:", "  rediacc member remove alice --team Production"})
    static final class Remove extends BaseCommand {
        @Parameters(paramLabel = "USER")
        String user;

        @Option(names = "--team", required = true, paramLabel = "TEAM")
        String team;

        @Override
        int run() {
            api().delete(path("teams", team, "members", user));
            note(user + " removed from team " + team);
            return 0;
        }
    }

    /** What add and set-role answer: the membership, or one line saying it. */
    private static int printRole(BaseCommand command, JsonNode member, String user, Role role, String team) {
        if (command.printer().quiet || command.printer().structured()) {
            command.printer().object(member, "user", List.of());
        } else {
            command.out().println(user + " is now " + role + " of team " + team);
        }
        return 0;
    }
}
