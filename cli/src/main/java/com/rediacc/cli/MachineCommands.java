package com.rediacc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Machines: the SSH targets tasks run on. */
@Command(name = "machine", aliases = "machines", description = "Register, list, change, pause and remove machines.",
        subcommands = {MachineCommands.ListMachines.class, MachineCommands.Get.class, MachineCommands.Add.class,
                MachineCommands.Update.class, MachineCommands.Delete.class, MachineCommands.Pause.class,
                MachineCommands.Resume.class, MachineCommands.Check.class},
        footer = {"", "Examples:", "  rediacc machine list --team Production", "  rediacc machine pause prod-01",
                "  rediacc machine check prod-01"})
final class MachineCommands extends BaseCommand.Group {

    static List<Printer.Column> columns() {
        return List.of(
                Printer.Column.id("NAME", "name"),
                Printer.Column.field("TEAM", "team"),
                Printer.Column.of("ADDRESS", m -> m.path("user").asText() + "@" + m.path("host").asText() + ":" + m.path("port").asText()),
                Printer.Column.field("MAX", "maxConcurrency"),
                new Printer.Column("STATE", m -> m.path("paused").asBoolean() ? "paused" : "ready", Printer.Fit.SHRINK, true),
                Printer.Column.flex("TAGS", m -> {
                    StringBuilder tags = new StringBuilder();
                    m.path("tags").forEach(t -> tags.append(tags.isEmpty() ? "" : ",").append(t.asText()));
                    return tags.toString();
                }));
    }

    static List<Printer.Column> wideColumns() {
        return List.of(Printer.Column.field("CREDENTIAL", "credential"),
                Printer.Column.of("LOAD", m -> resource(m, "load", "one", "")),
                Printer.Column.of("MEM", m -> resource(m, "memory", "usedPercent", "%")),
                Printer.Column.of("DISK", m -> resource(m, "disk", "usedPercent", "%")),
                Printer.Column.of("OVER", m -> over(m.path("resources"))),
                Printer.Column.flex("HOST KEY", m -> Printer.text(m.get("hostKey"))));
    }

    /** One figure of the machine's newest resource sample; "-" before the first. */
    private static String resource(JsonNode machine, String group, String field, String unit) {
        JsonNode value = machine.path("resources").path(group).path(field);
        return value.isMissingNode() ? "-" : value.asText() + unit;
    }

    private static String over(JsonNode resources) {
        if (resources.isMissingNode()) {
            return "-";
        }
        StringBuilder over = new StringBuilder();
        resources.path("over").forEach(r -> over.append(over.isEmpty() ? "" : ",").append(r.asText()));
        return over.isEmpty() ? "ok" : over.toString();
    }

    static void show(BaseCommand command, JsonNode machine) {
        command.printer().object(machine, "name", List.of(
                new String[]{"Name", machine.path("name").asText()},
                new String[]{"Team", machine.path("team").asText()},
                new String[]{"Address", machine.path("user").asText() + "@" + machine.path("host").asText() + ":" + machine.path("port").asText()},
                new String[]{"Host key", machine.path("hostKey").asText()},
                new String[]{"Credential", machine.path("credential").asText() + " (team vault entry)"},
                new String[]{"Tags", machine.path("tags").isEmpty() ? "-" : machine.path("tags").toString()},
                new String[]{"Max concurrency", machine.path("maxConcurrency").asText()},
                new String[]{"State", command.printer().status(machine.path("paused").asBoolean() ? "paused" : "ready")},
                new String[]{"Created", Printer.text(machine.get("createdAt"))},
                new String[]{"Resources", resources(machine.path("resources"))}));
    }

    private static String resources(JsonNode r) {
        if (r.isMissingNode()) {
            return "- (sampled by the bridge once it has a session to the machine)";
        }
        return "load " + r.path("load").path("one").asText() + " " + r.path("load").path("five").asText() + " "
                + r.path("load").path("fifteen").asText() + " on " + r.path("load").path("cpus").asText() + " CPUs, memory "
                + r.path("memory").path("usedPercent").asText() + "% used, disk / " + r.path("disk").path("usedPercent").asText()
                + "% used; over: " + over(r) + " (sampled " + r.path("sampledAt").asText() + " by " + r.path("bridge").asText() + ")";
    }

    @Command(name = "list", aliases = "ls", description = "List machines.",
            footer = {"", "Examples:", "  rediacc machine list", "  rediacc machine list --team Production -o wide"})
    static final class ListMachines extends BaseCommand {
        @Option(names = "--team", paramLabel = "TEAM")
        String team;

        @Option(names = "--limit", paramLabel = "N")
        Integer limit;

        @Option(names = "--cursor", paramLabel = "CURSOR")
        String cursor;

        @Override
        int run() {
            JsonNode page = api().get("/machines", ApiClient.params("team", team, "limit", limit, "cursor", cursor));
            printer().list(page, page.path("items"), "name", columns(), wideColumns());
            nextPageNote(page);
            return 0;
        }
    }

    @Command(name = "get", aliases = "inspect", description = "Show a machine.",
            footer = {"", "Examples:", "  rediacc machine get prod-01", "  rediacc machine get prod-01 -o yaml"})
    static final class Get extends BaseCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run() {
            show(this, api().get(path("machines", name)));
            return 0;
        }
    }

    /** The settings both add and update take. */
    static class Settings {
        @Option(names = "--host", paramLabel = "HOST", description = "host name or IP address")
        String host;

        @Option(names = "--port", paramLabel = "PORT", description = "SSH port (default 22)")
        Integer port;

        @Option(names = "--user", paramLabel = "USER", description = "SSH user")
        String user;

        @ArgGroup(exclusive = true)
        HostKey hostKey;

        @Option(names = "--credential", paramLabel = "ENTRY", description = "team vault entry holding the SSH private key")
        String credential;

        @Option(names = "--tag", paramLabel = "TAG", description = "a tag (repeat for more)")
        List<String> tags;

        @Option(names = "--max-concurrency", paramLabel = "N", description = "tasks run at once (default 1)")
        Integer maxConcurrency;

        static class HostKey {
            @Option(names = "--host-key", paramLabel = "KEY", description = "the server's public host key, e.g. \"ssh-ed25519 AAAA...\"")
            String value;

            @Option(names = "--host-key-file", paramLabel = "FILE", description = "read the host key from a file (e.g. /etc/ssh/ssh_host_ed25519_key.pub)")
            Path file;

            String read() {
                if (value != null) {
                    return value;
                }
                try {
                    return Files.readString(file).trim();
                } catch (IOException e) {
                    throw new CliException("cannot read --host-key-file " + file + ": " + e.getMessage(), null, CliException.USAGE);
                }
            }
        }

        void into(ObjectNode body) {
            if (host != null) body.put("host", host);
            if (port != null) body.put("port", port);
            if (user != null) body.put("user", user);
            if (hostKey != null) body.put("hostKey", hostKey.read());
            if (credential != null) body.put("credential", credential);
            if (tags != null) tags.forEach(body.withArray("tags")::add);
            if (maxConcurrency != null) body.put("maxConcurrency", maxConcurrency);
        }
    }

    @Command(name = "add", aliases = "create", description = "Register a machine (ADMIN of its team).",
            footer = {"", "Examples:",
                    "  rediacc machine add prod-01 --team Production --host 10.0.0.5 --user deploy \\",
                    "      --host-key-file prod-01.pub --credential prod-ssh-key --tag eu --max-concurrency 2"})
    static final class Add extends BaseCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--team", required = true, paramLabel = "TEAM")
        String team;

        @picocli.CommandLine.Mixin
        Settings settings;

        @Override
        int run() {
            ObjectNode body = ApiClient.JSON.createObjectNode().put("name", name).put("team", team);
            settings.into(body);
            JsonNode machine = api().post("/machines", body).body();
            if (printer().quiet || printer().structured()) {
                printer().object(machine, "name", List.of());
            } else {
                out().println("machine " + name + " registered in team " + team);
            }
            return 0;
        }
    }

    @Command(name = "update", aliases = "set", description = "Change a machine's settings (only the ones given).",
            footer = {"", "Examples:", "  rediacc machine update prod-01 --max-concurrency 4",
                    "  rediacc machine update prod-01 --host 10.0.0.6 --host-key-file new.pub"})
    static final class Update extends BaseCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @picocli.CommandLine.Mixin
        Settings settings;

        @Override
        int run() {
            ObjectNode body = ApiClient.JSON.createObjectNode();
            settings.into(body);
            if (body.isEmpty()) {
                throw usage("nothing to change: give at least one of --host, --port, --user, --host-key, --credential, --tag, --max-concurrency");
            }
            JsonNode machine = api().patch(path("machines", name), body).body();
            if (printer().quiet || printer().structured()) {
                printer().object(machine, "name", List.of());
            } else {
                out().println("machine " + name + " updated");
            }
            return 0;
        }
    }

    @Command(name = "delete", aliases = "rm", description = "Remove a machine (refused while it has unfinished tasks). Without --confirm it changes nothing and exits 2.",
            footer = {"", "Examples:", "  rediacc machine delete old-01 --confirm"})
    static final class Delete extends BaseCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--confirm", description = "really delete")
        boolean confirm;

        @Override
        int run() {
            if (!confirm) {
                JsonNode machine = api().get(path("machines", name));
                err().println("would delete machine " + name + " (team " + machine.path("team").asText() + ", "
                        + machine.path("host").asText() + "); nothing changed: add --confirm");
                return CliException.USAGE;
            }
            api().delete(path("machines", name));
            note("machine " + name + " deleted");
            return 0;
        }
    }

    @Command(name = "pause", description = "Stop starting tasks on a machine (running ones go on).",
            footer = {"", "Examples:", "  rediacc machine pause prod-01"})
    static final class Pause extends BaseCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run() {
            JsonNode machine = api().post(path("machines", name, "pause"), null).body();
            if (printer().structured()) {
                printer().document(machine);
            } else {
                note("machine " + name + " paused");
            }
            return 0;
        }
    }

    @Command(name = "resume", description = "Start tasks on a paused machine again.",
            footer = {"", "Examples:", "  rediacc machine resume prod-01"})
    static final class Resume extends BaseCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run() {
            JsonNode machine = api().post(path("machines", name, "resume"), null).body();
            if (printer().structured()) {
                printer().document(machine);
            } else {
                note("machine " + name + " resumed");
            }
            return 0;
        }
    }

    @Command(name = "check", description = {"Check a machine's SSH connectivity through the bridge that serves it:",
            "connect, host key, auth and running `true`, each step with its time (OPERATOR).",
            "Exits 0 when every step passed, 1 when one failed, 3 when no live bridge serves the machine now."},
            footer = {"", "Examples:", "  rediacc machine check prod-01", "  rediacc machine check prod-01 -o json"})
    static final class Check extends BaseCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run() {
            JsonNode check = api().post(path("machines", name, "check"), null).body();
            JsonNode steps = check.path("steps");
            boolean ok = steps.size() == 4;
            for (JsonNode step : steps) {
                ok &= step.path("ok").asBoolean();
            }
            if (printer().structured()) {
                printer().document(check);
            } else if (!printer().quiet) {
                printer().table(List.of(Printer.Column.field("STEP", "name"),
                        new Printer.Column("RESULT", s -> s.path("ok").asBoolean() ? "ok" : "failed", Printer.Fit.SHRINK, true),
                        Printer.Column.of("TIME", s -> s.path("millis").asText() + " ms"),
                        Printer.Column.flex("ERROR", s -> Printer.text(s.get("error")))), steps);
                out().println((ok ? "machine " + name + " is reachable" : "machine " + name + " is not reachable")
                        + " from bridge " + check.path("bridge").asText());
            }
            return ok ? 0 : 1;
        }
    }
}
