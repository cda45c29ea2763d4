package com.rediacc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/** Users and their API tokens. */
@Command(name = "user", aliases = "users", description = "Create users, show who you are, issue new tokens.",
        subcommands = {UserCommands.ListUsers.class, UserCommands.Create.class, UserCommands.Me.class, UserCommands.Token.class},
        footer = {"", "Examples:", "  rediacc user create alice", "  rediacc user me"})
final class UserCommands extends BaseCommand.Group {

    @Command(name = "list", aliases = "ls", description = "List users (global admin).",
            footer = {"", "Examples:", "  rediacc user list"})
    static final class ListUsers extends BaseCommand {
        @Override
        int run() {
            JsonNode page = api().get("/users");
            printer().list(page, page.path("items"), "name", List.of(Printer.Column.id("NAME", "name"),
                    Printer.Column.field("ADMIN", "globalAdmin"), Printer.Column.field("CREATED", "createdAt")), List.of());
            return 0;
        }
    }

    @Command(name = "create", aliases = "add", description = "Create a user (global admin); prints its token once.",
            footer = {"", "Examples:", "  rediacc user create alice", "  token=$(rediacc user create alice -o json | jq -r .token)"})
    static final class Create extends BaseCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @picocli.CommandLine.Option(names = "--global-admin", description = "may do everything, in every team")
        boolean globalAdmin;

        @Override
        int run() {
            var body = ApiClient.JSON.createObjectNode().put("name", name);
            if (globalAdmin) {
                body.put("globalAdmin", true);
            }
            JsonNode user = api().post("/users", body).body();
            printToken(this, user, "user " + name + " created");
            return 0;
        }
    }

    @Command(name = "token", description = "Issue a new token for a user; the old one stops working.",
            footer = {"", "Examples:", "  rediacc user token alice"})
    static final class Token extends BaseCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run() {
            JsonNode user = api().post(path("users", name, "token"), null).body();
            printToken(this, user, "new token for " + name + " (the old one no longer works)");
            return 0;
        }
    }

    static void printToken(BaseCommand command, JsonNode user, String message) {
        Printer printer = command.printer();
        if (printer.structured()) {
            printer.document(user);
        } else if (printer.quiet) {
            command.out().println(user.path("token").asText());
        } else {
            command.out().println(message);
            command.out().println("token: " + user.path("token").asText());
            command.err().println("(shown once: store it now, e.g. rediacc login --profile "
                    + user.path("name").asText() + " --token-stdin)");
        }
    }

    @Command(name = "me", aliases = "whoami", description = "Who the current token belongs to, and its team roles.",
            footer = {"", "Examples:", "  rediacc user me"})
    static final class Me extends BaseCommand {
        @Override
        int run() {
            JsonNode me = api().get("/users/me");
            List<String[]> fields = new ArrayList<>();
            fields.add(new String[]{"User", me.path("name").asText()});
            fields.add(new String[]{"Global admin", me.path("globalAdmin").asBoolean() ? "yes" : "no"});
            StringBuilder teams = new StringBuilder();
            me.path("memberships").forEach(m -> teams.append(teams.isEmpty() ? "" : ", ")
                    .append(m.path("team").asText()).append(" (").append(m.path("role").asText()).append(')'));
            fields.add(new String[]{"Teams", teams.isEmpty() ? "-" : teams.toString()});
            printer().object(me, "name", fields);
            return 0;
        }
    }
}
