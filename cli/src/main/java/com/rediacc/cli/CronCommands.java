package com.rediacc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Crons: a command run on a machine on a schedule, each slot once, as a task per run. */
@Command(name = "cron", aliases = "crons",
        description = "Schedule commands on machines (cron expressions in an IANA time zone) and follow their runs.",
        subcommands = {CronCommands.Create.class, CronCommands.ListCrons.class, CronCommands.Get.class,
                CronCommands.Runs.class, CronCommands.Pause.class, CronCommands.Resume.class, CronCommands.Trigger.class,
                CronCommands.Update.class, CronCommands.Delete.class},
        footer = {"", "Examples:",
                "  rediacc cron create nightly-backup --machine db-01 --cron \"0 3 * * *\" --timezone Europe/Paris \\",
                "      --command /usr/local/bin/backup --max-runtime 2h --checkin-margin 10m",
                "  rediacc cron list",
                "  rediacc cron runs nightly-backup"})
final class CronCommands extends BaseCommand.Group {
    /** What a run does while the cron's previous run is still active. */
    enum Overlap { SKIP, ALLOW, REPLACE }

    private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm", Locale.ENGLISH);

    static List<Printer.Column> columns() {
        return List.of(
                Printer.Column.id("NAME", "name"),
                Printer.Column.field("MACHINE", "machine"),
                Printer.Column.field("SCHEDULE", "cronString"),
                Printer.Column.field("ZONE", "timezone"),
                new Printer.Column("STATE", CronCommands::state, Printer.Fit.SHRINK, true),
                Printer.Column.of("NEXT RUN", c -> c.path("nextRuns").isEmpty() ? "-" : c.path("nextRuns").get(0).asText()),
                new Printer.Column("LAST RUN", c -> Printer.text(c.path("lastRun").get("state")), Printer.Fit.SHRINK, true),
                Printer.Column.flex("COMMAND", c -> Printer.text(c.get("command"))));
    }

    static List<Printer.Column> wideColumns() {
        return List.of(
                Printer.Column.field("TEAM", "team"),
                Printer.Column.field("PRI", "priority"),
                Printer.Column.field("OVERLAP", "overlap"),
                Printer.Column.of("MAX RUNTIME", c -> c.hasNonNull("maxRuntimeInMinutes") ? c.get("maxRuntimeInMinutes").asText() + "m" : ""),
                Printer.Column.flex("ON EXIT", c -> Printer.text(c.path("onExit").get("command"))));
    }

    static List<Printer.Column> runColumns() {
        return List.of(
                Printer.Column.id("SLOT", "slot"),
                Printer.Column.status("STATE", "state"),
                Printer.Column.field("KIND", "kind"),
                Printer.Column.id("TASK", "taskId"),
                Printer.Column.of("LATE", run -> run.path("late").asBoolean() ? "late" : ""),
                Printer.Column.flex("DETAIL", run -> Printer.text(run.get("detail"))));
    }

    private static String state(JsonNode cron) {
        return cron.path("enabled").asBoolean() ? "active" : "paused";
    }

    /** A cron: its settings, its latest run and its next five fire times (also in its own time zone). */
    static void show(Printer printer, PrintStream out, JsonNode cron) {
        if (printer.quiet || printer.structured()) {
            printer.object(cron, "name", List.of());
            return;
        }
        printer.keyValues(List.of(
                new String[]{"Cron", cron.path("name").asText()},
                new String[]{"Team", cron.path("team").asText()},
                new String[]{"Machine", cron.path("machine").asText()},
                new String[]{"Command", cron.path("command").asText()},
                new String[]{"Schedule", cron.path("cronString").asText() + " (" + cron.path("timezone").asText() + ")"},
                new String[]{"State", printer.status(state(cron))},
                new String[]{"Priority", cron.path("priority").asText()},
                new String[]{"Retries", cron.path("maxRetries").asText() + ", delay " + cron.path("retryDelay").asText() + "s"},
                new String[]{"Timeout", cron.hasNonNull("timeoutSeconds") ? cron.get("timeoutSeconds").asText() + "s" : null},
                new String[]{"Max runtime", cron.hasNonNull("maxRuntimeInMinutes") ? cron.get("maxRuntimeInMinutes").asText() + "m" : null},
                new String[]{"Checkin margin", cron.path("checkinMargin").asText() + "m"},
                new String[]{"Overlap", cron.path("overlap").asText()},
                new String[]{"Tag", Printer.opt(cron, "tag")},
                new String[]{"Resumable", cron.path("resumable").asBoolean() ? "yes" : null},
                new String[]{"On exit", Printer.opt(cron.path("onExit"), "command")},
                new String[]{"Vault data", cron.hasNonNull("vaultData") ? cron.get("vaultData").toString() : null},
                new String[]{"Created", Printer.opt(cron, "createdAt") + (cron.hasNonNull("createdBy") ? " by " + cron.get("createdBy").asText() : "")},
                new String[]{"Updated", Printer.opt(cron, "updatedAt")},
                new String[]{"Last run", cron.hasNonNull("lastRun") ? describeRun(printer, cron.get("lastRun")) : "none yet"}));
        JsonNode next = cron.path("nextRuns");
        out.println();
        out.println(printer.bold("Next runs:") + (next.isEmpty() ? " none (paused)" : ""));
        ZoneId zone = zone(cron.path("timezone").asText());
        next.forEach(slot -> out.println("  " + slot.asText() + inZone(slot.asText(), zone)));
    }

    /** "SUCCEEDED: MANUAL run of 2026-12-07T02:00:00Z, task 3f1c..., late; detail". */
    static String describeRun(Printer printer, JsonNode run) {
        return printer.status(run.path("state").asText()) + ": " + run.path("kind").asText() + " run of " + run.path("slot").asText()
                + (run.hasNonNull("taskId") ? ", task " + run.get("taskId").asText() : "")
                + (run.path("late").asBoolean() ? ", late" : "")
                + (run.hasNonNull("detail") ? "; " + run.get("detail").asText() : "");
    }

    /** The cron's zone, or null when it is UTC (its instants say it already) or unknown here. */
    private static ZoneId zone(String timezone) {
        try {
            ZoneId zone = ZoneId.of(timezone);
            return zone.normalized().equals(ZoneOffset.UTC) ? null : zone;
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static String inZone(String instant, ZoneId zone) {
        if (zone == null) {
            return "";
        }
        try {
            return "  (" + LOCAL_TIME.format(Instant.parse(instant).atZone(zone)) + " " + zone.getId() + ")";
        } catch (DateTimeException e) {
            return "";
        }
    }

    /** The schedule settings create and update take (the task settings come with {@link TaskOptions}). */
    static class Settings {
        @Option(names = "--machine", paramLabel = "NAME", description = "the machine its runs run on")
        String machine;

        @Option(names = "--command", paramLabel = "CMD", description = "shell command run on the machine")
        String command;

        @Option(names = "--cron", paramLabel = "EXPR",
                description = "when it runs: minute hour day-of-month month day-of-week, e.g. \"0 3 * * *\" (03:00 daily), "
                        + "6 fields with seconds first, or @hourly, @daily, @weekly, @monthly, @yearly")
        String cron;

        @Option(names = "--timezone", paramLabel = "ZONE", description = "IANA time zone the schedule is read in, e.g. Europe/Paris (default UTC)")
        String timezone;

        @Option(names = "--checkin-margin", paramLabel = "DURATION", converter = Durations.Minutes.class,
                description = "a run not started this long after its slot is late, and a missed slot still runs within it "
                        + "(whole minutes, e.g. 10m; default 5m)")
        Integer checkinMargin;

        @Option(names = "--max-runtime", paramLabel = "DURATION", converter = Durations.Minutes.class,
                description = "kill a run after this long (whole minutes, e.g. 2h)")
        Integer maxRuntime;

        @Option(names = "--overlap", paramLabel = "RULE",
                description = "when the previous run is still active: SKIP this run (default), ALLOW both, REPLACE (cancel) the previous")
        Overlap overlap;

        void into(ObjectNode body) {
            if (machine != null) body.put("machine", machine);
            if (command != null) body.put("command", command);
            if (cron != null) body.put("cronString", cron);
            if (timezone != null) body.put("timezone", timezone);
            if (checkinMargin != null) body.put("checkinMargin", checkinMargin);
            if (maxRuntime != null) body.put("maxRuntimeInMinutes", maxRuntime);
            if (overlap != null) body.put("overlap", overlap.name());
        }
    }

    @Command(name = "create", aliases = "add", description = "Create a cron (ADMIN of its machine's team).",
            footer = {"", "Examples:",
                    "  rediacc cron create nightly-backup --machine db-01 --cron \"0 3 * * *\" --timezone Europe/Paris \\",
                    "      --command \"/usr/local/bin/backup\" --max-runtime 2h --checkin-margin 10m",
                    "  rediacc cron create hourly-sync --machine web-01 --cron @hourly --command ./sync.sh --overlap REPLACE \\",
                    "      --vault-file sync-secrets.json --on-exit ./report.sh",
                    "  rediacc cron create later --machine web-01 --cron \"*/15 * * * *\" --command uptime --paused"})
    static final class Create extends BaseCommand {
        @Parameters(paramLabel = "NAME", description = "lowercase letters, digits and '-'")
        String name;

        @Option(names = "--team", paramLabel = "TEAM", description = "the machine's team (a check; default: the machine's)")
        String team;

        @Mixin
        Settings settings;

        @Mixin
        TaskOptions task;

        @Option(names = "--paused", description = "create it paused (it runs after: rediacc cron resume NAME)")
        boolean paused;

        @Override
        int run() {
            List<String> missing = new ArrayList<>();
            if (settings.machine == null) missing.add("--machine");
            if (settings.command == null) missing.add("--command");
            if (settings.cron == null) missing.add("--cron");
            if (!missing.isEmpty()) {
                throw usage("missing required option" + (missing.size() > 1 ? "s: " : ": ") + String.join(", ", missing));
            }
            ObjectNode body = ApiClient.JSON.createObjectNode().put("name", name);
            if (team != null) body.put("team", team);
            settings.into(body);
            task.into(this, body);
            if (paused) body.put("enabled", false);
            JsonNode cron = api().post("/crons", body).body();
            JsonNode next = cron.path("nextRuns");
            printResult(cron, "name", "cron " + name + " created on " + cron.path("machine").asText() + " (team "
                    + cron.path("team").asText() + "): " + (next.isEmpty() ? "paused" : "next run " + next.get(0).asText()));
            return 0;
        }
    }

    @Command(name = "list", aliases = "ls", description = "List crons with their next and last runs.",
            footer = {"", "Examples:", "  rediacc cron list", "  rediacc cron list --team Production -o wide",
                    "  rediacc cron list -q | xargs -n1 rediacc cron pause"})
    static final class ListCrons extends BaseCommand {
        @Option(names = "--team", paramLabel = "TEAM")
        String team;

        @Option(names = "--limit", paramLabel = "N", description = "at most N crons (default 100)")
        Integer limit;

        @Option(names = "--cursor", paramLabel = "CURSOR", description = "next page: the cursor a previous page printed")
        String cursor;

        @Override
        int run() {
            JsonNode page = api().get("/crons", ApiClient.params("team", team, "limit", limit, "cursor", cursor));
            printer().list(page, page.path("items"), "name", columns(), wideColumns());
            if (page.path("items").isEmpty() && !printer().structured()) {
                note("no crons");
            }
            nextPageNote(page);
            return 0;
        }
    }

    @Command(name = "get", aliases = "inspect", description = "Show a cron: settings, last run and the next five runs.",
            footer = {"", "Examples:", "  rediacc cron get nightly-backup", "  rediacc cron get nightly-backup -o json | jq .nextRuns"})
    static final class Get extends BaseCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run() {
            show(printer(), out(), api().get(path("crons", name)));
            return 0;
        }
    }

    @Command(name = "runs", aliases = "history",
            description = {"List a cron's runs, newest first.",
                    "Each with its slot, state, kind (SCHEDULED, CATCH_UP, MANUAL), task, lateness and detail;",
                    "-q prints the runs' task ids."},
            footer = {"", "Examples:", "  rediacc cron runs nightly-backup",
                    "  rediacc cron runs nightly-backup --limit 5 -o json",
                    "  rediacc logs $(rediacc cron runs nightly-backup --limit 1 -q)"})
    static final class Runs extends BaseCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--limit", paramLabel = "N", description = "at most N runs (default 100)")
        Integer limit;

        @Option(names = "--cursor", paramLabel = "CURSOR", description = "next page: the cursor a previous page printed")
        String cursor;

        @Override
        int run() {
            JsonNode page = api().get(path("crons", name, "runs"), ApiClient.params("limit", limit, "cursor", cursor));
            JsonNode items = page.path("items");
            Printer printer = printer();
            if (printer.quiet) {
                // runs that made no task (skipped, missed) have no id to print
                ArrayNode withTasks = ApiClient.JSON.createArrayNode();
                items.forEach(run -> {
                    if (run.hasNonNull("taskId")) {
                        withTasks.add(run);
                    }
                });
                items = withTasks;
            }
            printer.list(page, items, "taskId", runColumns(), List.of());
            if (page.path("items").isEmpty() && !printer.structured()) {
                note("no runs yet");
            }
            nextPageNote(page);
            return 0;
        }
    }

    @Command(name = "pause", description = "Stop a cron's runs; the slots that pass while paused are missed.",
            footer = {"", "Examples:", "  rediacc cron pause nightly-backup"})
    static final class Pause extends BaseCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run() {
            printChange(api().post(path("crons", name, "pause"), null).body(), "cron " + name + " paused");
            return 0;
        }
    }

    @Command(name = "resume", description = {"Run a paused cron again.",
            "The slots it missed are recorded; the latest runs now if it is still within the checkin margin."},
            footer = {"", "Examples:", "  rediacc cron resume nightly-backup"})
    static final class Resume extends BaseCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run() {
            JsonNode cron = api().post(path("crons", name, "resume"), null).body();
            JsonNode next = cron.path("nextRuns");
            printChange(cron, "cron " + name + " resumed" + (next.isEmpty() ? "" : "; next run " + next.get(0).asText()));
            return 0;
        }
    }

    @Command(name = "trigger",
            description = {"Run a cron now, as a MANUAL run (OPERATOR).",
                    "Its overlap rule applies: with SKIP and a run still active no task is made, and this exits 1."},
            footer = {"", "Examples:", "  rediacc cron trigger nightly-backup",
                    "  rediacc cron trigger nightly-backup --wait",
                    "  id=$(rediacc cron trigger nightly-backup -q)"})
    static final class Trigger extends BaseCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--wait", description = "follow the run's task until it ends; exit 1 unless it COMPLETED")
        boolean await;

        @Override
        int run() {
            JsonNode run = api().post(path("crons", name, "trigger"), null).body();
            Printer printer = printer();
            if (!run.hasNonNull("taskId")) {
                if (printer.structured()) {
                    printer.document(run);
                }
                err().println("error: cron " + name + " did not run: " + describeRun(printer, run));
                return CliException.FAILED;
            }
            String taskId = run.get("taskId").asText();
            if (await) {
                if (printer.quiet) {
                    out().println(taskId);
                } else if (!printer.structured()) {
                    note("cron " + name + " triggered: task " + taskId + "; waiting for it to end");
                }
                return TaskCommands.waitFor(this, taskId, !printer.quiet && !printer.structured());
            }
            printResult(run, "taskId", "cron " + name + " triggered: task " + taskId + " (" + run.path("state").asText() + ")");
            return 0;
        }
    }

    @Command(name = "update", aliases = "set",
            description = {"Change a cron's settings (only the ones given).",
                    "A new schedule or time zone counts from now; --no-on-exit removes the follow-up command."},
            footer = {"", "Examples:", "  rediacc cron update nightly-backup --cron \"30 2 * * *\"",
                    "  rediacc cron update nightly-backup --max-runtime 3h --overlap REPLACE",
                    "  rediacc cron update nightly-backup --no-on-exit"})
    static final class Update extends BaseCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Mixin
        Settings settings;

        @Mixin
        TaskOptions task;

        @Option(names = "--no-on-exit", description = "remove the follow-up command")
        boolean noOnExit;

        @Override
        int run() {
            if (noOnExit && task.run.onExit != null) {
                throw usage("use --on-exit or --no-on-exit, not both");
            }
            ObjectNode body = ApiClient.JSON.createObjectNode();
            settings.into(body);
            task.into(this, body);
            if (noOnExit) {
                body.putObject("onExit");
            }
            if (body.isEmpty()) {
                throw usage("nothing to change: give at least one setting (see: rediacc cron update --help)");
            }
            printResult(api().patch(path("crons", name), body).body(), "name", "cron " + name + " updated");
            return 0;
        }
    }

    @Command(name = "delete", aliases = "rm",
            description = "Delete a cron (its runs' tasks stay). Without --confirm it changes nothing and exits 2.",
            footer = {"", "Examples:", "  rediacc cron delete nightly-backup            # dry run",
                    "  rediacc cron delete nightly-backup --confirm"})
    static final class Delete extends BaseCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--confirm", description = "really delete")
        boolean confirm;

        @Override
        int run() {
            if (!confirm) {
                JsonNode cron = api().get(path("crons", name));
                err().println("would delete cron " + name + " (team " + cron.path("team").asText() + ", \""
                        + cron.path("cronString").asText() + "\" on " + cron.path("machine").asText()
                        + "); nothing changed: add --confirm");
                return CliException.USAGE;
            }
            api().delete(path("crons", name));
            note("cron " + name + " deleted");
            return 0;
        }
    }
}
