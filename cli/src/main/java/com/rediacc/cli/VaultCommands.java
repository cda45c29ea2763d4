package com.rediacc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A team's vault: secrets (e.g. SSH private keys) that go in and never come out of the API. */
@Command(name = "vault", description = "Store team secrets, list them (names and versions only), rotate the team key.",
        subcommands = {VaultCommands.Put.class, VaultCommands.ListEntries.class, VaultCommands.Rotate.class},
        footer = {"", "Examples:", "  rediacc vault put prod-ssh-key --team Production --file-field privateKey=~/.ssh/id_ed25519",
                "  rediacc vault list --team Production"})
final class VaultCommands extends BaseCommand.Group {

    @Command(name = "put", aliases = "set",
            description = {"Store a new version of a team vault entry: a JSON object from --from-json,",
                    "or fields from --set key=value and --file-field key=FILE (the file's content)."},
            footer = {"", "Examples:",
                    "  rediacc vault put prod-ssh-key --team Production --file-field privateKey=/path/to/id_ed25519",
                    "  rediacc vault put db --team Production --set user=app --set password=s3cret",
                    "  rediacc vault put api --team Production --from-json secret.json"})
    static final class Put extends BaseCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--team", required = true, paramLabel = "TEAM")
        String team;

        @Option(names = "--from-json", paramLabel = "FILE", description = "a file holding a JSON object (- = stdin)")
        String fromJson;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "a string field (repeat for more)")
        List<String> sets = new ArrayList<>();

        @Option(names = "--file-field", paramLabel = "KEY=FILE", description = "a field holding a file's content (repeat for more)")
        List<String> fileFields = new ArrayList<>();

        @Override
        int run() throws IOException {
            ObjectNode value;
            if (fromJson != null) {
                String text = fromJson.equals("-") ? new String(root().terminal.in().readAllBytes()) : read(fromJson);
                JsonNode parsed;
                try {
                    parsed = ApiClient.JSON.readTree(text);
                } catch (IOException e) {
                    throw usage("--from-json " + fromJson + " is not JSON: " + e.getMessage());
                }
                if (parsed == null || !parsed.isObject()) {
                    throw usage("--from-json " + fromJson + " must hold a JSON object");
                }
                value = (ObjectNode) parsed;
            } else {
                value = ApiClient.JSON.createObjectNode();
            }
            for (String set : sets) {
                String[] kv = split(set, "--set");
                value.put(kv[0], kv[1]);
            }
            for (String field : fileFields) {
                String[] kv = split(field, "--file-field");
                value.put(kv[0], read(kv[1]));
            }
            if (value.isEmpty()) {
                throw usage("no value: give --from-json, --set key=value or --file-field key=FILE");
            }
            JsonNode stored = api().put(path("teams", team, "vault", name),
                    ApiClient.JSON.createObjectNode().set("value", value)).body();
            if (printer().structured()) {
                printer().document(stored);
            } else if (printer().quiet) {
                out().println(name);
            } else {
                out().println("stored " + name + " version " + stored.path("version").asText("?") + " in the vault of team " + team);
            }
            return 0;
        }

        private String[] split(String pair, String option) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw usage(option + " takes KEY=VALUE, got '" + pair + "'");
            }
            return new String[]{pair.substring(0, eq), pair.substring(eq + 1)};
        }

        private static String read(String file) {
            String expanded = file.startsWith("~/") ? System.getProperty("user.home") + file.substring(1) : file;
            try {
                return Files.readString(Path.of(expanded));
            } catch (IOException e) {
                throw new CliException("cannot read " + file + ": " + e.getMessage(), null, CliException.USAGE);
            }
        }
    }

    @Command(name = "list", aliases = "ls", description = "List a team's vault entries: names and versions, never values.",
            footer = {"", "Examples:", "  rediacc vault list --team Production"})
    static final class ListEntries extends BaseCommand {
        @Option(names = "--team", required = true, paramLabel = "TEAM")
        String team;

        @Override
        int run() {
            JsonNode page = api().get(path("teams", team, "vault"));
            printer().list(page, page.path("items"), "name", List.of(Printer.Column.id("NAME", "name"),
                    Printer.Column.field("VERSION", "latestVersion"),
                    Printer.Column.of("VERSIONS", e -> e.path("versions").size() + ""),
                    Printer.Column.field("UPDATED", "updatedAt")), List.of());
            return 0;
        }
    }

    @Command(name = "rotate", description = "Rotate the team's key-encryption key: new writes use the new version, old ones still decrypt.",
            footer = {"", "Examples:", "  rediacc vault rotate --team Production"})
    static final class Rotate extends BaseCommand {
        @Option(names = "--team", required = true, paramLabel = "TEAM")
        String team;

        @Override
        int run() {
            JsonNode key = api().post(path("teams", team, "vault", "rotate"), null).body();
            if (printer().structured()) {
                printer().document(key);
            } else if (printer().quiet) {
                out().println(key.path("latestVersion").asText());
            } else {
                out().println("key of team " + team + " rotated: now version " + key.path("latestVersion").asText());
            }
            return 0;
        }
    }
}
