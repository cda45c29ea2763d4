package com.rediacc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/** Shows and switches the profiles of the config file. */
@Command(name = "config", description = "Show the effective connection and the saved profiles; switch profiles.",
        subcommands = {ConfigCommands.View.class, ConfigCommands.Use.class},
        footer = {"", "Examples:", "  rediacc config view", "  rediacc config use prod"})
final class ConfigCommands extends BaseCommand.Group {

    @Command(name = "view", description = "Where the URL and token come from, and the saved profiles (tokens hidden).",
            footer = {"", "Examples:", "  rediacc config view", "  REDIACC_URL=http://other:8080 rediacc config view"})
    static final class View extends BaseCommand {
        @Override
        int run() {
            Rediacc root = root();
            Config config = root.config();
            ObjectNode doc = ApiClient.JSON.createObjectNode();
            doc.put("file", config.file.toString());
            doc.put("currentProfile", config.currentProfile);
            ObjectNode profiles = doc.putObject("profiles");
            config.profiles.forEach((name, p) -> profiles.putObject(name).put("url", p.url())
                    .put("token", p.token() == null ? null : "***"));
            List<String[]> fields = new ArrayList<>();
            fields.add(new String[]{"Config file", config.file.toString()});
            fields.add(new String[]{"Current profile", config.currentProfile == null ? "-" : config.currentProfile});
            fields.add(new String[]{"Profiles", config.profiles.isEmpty() ? "-" : String.join(", ", config.profiles.keySet())});
            try {
                Config.Resolved resolved = root.connection();
                doc.put("url", resolved.url()).put("urlFrom", resolved.urlSource())
                        .put("tokenFrom", resolved.tokenSource());
                fields.add(new String[]{"URL", resolved.url() + "   (from " + resolved.urlSource() + ")"});
                fields.add(new String[]{"Token", resolved.tokenSource() == null ? "none" : "set (from " + resolved.tokenSource() + ")"});
            } catch (CliException e) {
                doc.put("problem", e.getMessage());
                fields.add(new String[]{"URL", "none: " + e.getMessage()});
            }
            printer().object(doc, "url", fields);
            return 0;
        }
    }

    @Command(name = "use", description = "Make a saved profile the current one.",
            footer = {"", "Examples:", "  rediacc config use prod"})
    static final class Use extends BaseCommand {
        @Parameters(paramLabel = "PROFILE")
        String name;

        @Override
        int run() {
            Config config = root().config();
            if (!config.profiles.containsKey(name)) {
                throw new CliException("no profile '" + name + "' in " + config.file,
                        "profiles: " + (config.profiles.isEmpty() ? "(none)" : String.join(", ", config.profiles.keySet())),
                        CliException.USAGE);
            }
            config.currentProfile = name;
            config.save();
            note("current profile: " + name);
            return 0;
        }
    }
}
