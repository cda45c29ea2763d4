package com.rediacc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Task groups: one command or function on many machines (a task each), rolled out --max-parallel at
 * a time and stopped after --max-failures; followed, cancelled and retried as one.
 */
@Command(name = "group", aliases = "groups",
        description = {"Run a command or function on many machines as one task group, and follow, cancel or retry it.",
                "The group's tasks are created at once; --max-parallel of them run, the others are held until one ends. "
                        + "Once more than --max-failures failed, the held ones are cancelled (the group STOPPED)."},
        subcommands = {GroupCommands.Create.class, GroupCommands.ListGroups.class, GroupCommands.Show.class,
                GroupCommands.Cancel.class, GroupCommands.Retry.class},
        footer = {"", "Examples:",
                "  rediacc group create --pool Production:web --function deploy --param env=prod --max-parallel 3 \\",
                "      --max-failures 10%% --wait",
                "  rediacc group create --machine db-01,db-02 --command ./vacuum.sh --max-parallel 1",
                "  rediacc group show 3f2a1b2c-0000-0000-0000-000000000000",
                "  rediacc group retry 3f2a1b2c-0000-0000-0000-000000000000 --wait"})
final class GroupCommands extends BaseCommand.Group {
    static final String PATH = "/task-groups";
    private static final Pattern PERCENT = Pattern.compile("(\\d{1,3})%");
    private static final List<String> ENDED = List.of("COMPLETED", "FAILED", "CANCELLED");
    private static final List<String> ACTIVE = List.of("PENDING", "ASSIGNED", "PROCESSING");

    static List<Printer.Column> columns() {
        Instant now = Instant.now();
        return List.of(
                Printer.Column.id("ID", "groupId"),
                Printer.Column.status("STATUS", "status"),
                Printer.Column.field("TEAM", "team"),
                Printer.Column.field("TASKS", "tasks"),
                Printer.Column.field("PARALLEL", "maxParallel"),
                Printer.Column.of("AGE", g -> Printer.age(g.get("createdAt"), now)),
                Printer.Column.flex("RUNS", GroupCommands::runs));
    }

    static List<Printer.Column> wideColumns() {
        return List.of(
                Printer.Column.of("MAX FAILURES", GroupCommands::maxFailures),
                Printer.Column.field("BY", "createdBy"),
                Printer.Column.id("RETRY OF", "retriedFrom"),
                Printer.Column.of("FINISHED", g -> Printer.text(g.get("finishedAt"))),
                Printer.Column.flex("DETAIL", g -> Printer.text(g.get("detail"))));
    }

    static List<Printer.Column> machineColumns() {
        return List.of(
                Printer.Column.field("MACHINE", "machine"),
                Printer.Column.id("TASK", "taskId"),
                new Printer.Column("STATUS", GroupCommands::machineStatus, Printer.Fit.SHRINK, true),
                Printer.Column.field("EXIT", "exitCode"),
                Printer.Column.field("TRIES", "attempts"),
                Printer.Column.flex("ERROR", m -> Printer.text(m.get("error"))));
    }

    /** A held task is PENDING until the group releases it: HELD says why it waits. */
    private static String machineStatus(JsonNode row) {
        String status = row.path("status").asText();
        return row.path("held").asBoolean() && !ENDED.contains(status) ? "HELD" : status;
    }

    /** "function deploy v3" or the command. */
    static String runs(JsonNode group) {
        return group.hasNonNull("function") ? "function " + group.get("function").asText() + " v" + group.path("functionVersion").asText()
                : Printer.text(group.get("command"));
    }

    /** "2", "25%", or "-" when the group never stops. */
    static String maxFailures(JsonNode group) {
        return group.hasNonNull("maxFailures") ? group.get("maxFailures").asText()
                : group.hasNonNull("maxFailurePercent") ? group.get("maxFailurePercent").asText() + "%" : "-";
    }

    /** "3 COMPLETED, 1 FAILED, 2 PROCESSING": the non-zero counts, ended ones first. */
    static String counts(JsonNode group, List<String> statuses) {
        List<String> parts = new ArrayList<>();
        for (String status : statuses) {
            int n = group.path("counts").path(status).asInt(0);
            if (n > 0) {
                parts.add(n + " " + status);
            }
        }
        return String.join(", ", parts);
    }

    private static List<String> allStatuses() {
        List<String> all = new ArrayList<>(ENDED);
        all.addAll(ACTIVE);
        return all;
    }

    /** Released and not ended yet: PENDING (not held), ASSIGNED or PROCESSING. */
    static int running(JsonNode group) {
        return Math.max(0, group.path("tasks").asInt() - group.path("ended").asInt() - group.path("held").asInt());
    }

    /** "group 3f2a1b2c: 4/10 ended (3 COMPLETED, 1 FAILED), 2 running, 4 held" (the status when not RUNNING). */
    static String progress(JsonNode group) {
        String status = group.path("status").asText();
        String ended = counts(group, ENDED);
        return "group " + shortId(group.path("groupId").asText()) + ("RUNNING".equals(status) ? "" : " " + status) + ": "
                + group.path("ended").asInt() + "/" + group.path("tasks").asInt() + " ended"
                + (ended.isEmpty() ? "" : " (" + ended + ")")
                + ", " + running(group) + " running, " + group.path("held").asInt() + " held";
    }

    private static String shortId(String id) {
        return id.length() > 8 ? id.substring(0, 8) : id;
    }

    /** Ended: the server marked its end, or it no longer runs and every task ended. */
    static boolean ended(JsonNode group) {
        return group.hasNonNull("finishedAt")
                || (!"RUNNING".equals(group.path("status").asText()) && group.path("ended").asInt() >= group.path("tasks").asInt());
    }

    /** Everything went well: the group COMPLETED and so did every one of its tasks. */
    static boolean succeeded(JsonNode group) {
        return "COMPLETED".equals(group.path("status").asText())
                && group.path("counts").path("COMPLETED").asInt(0) == group.path("tasks").asInt();
    }

    /** "10 tasks (team Production), 3 at a time, stops after 2 failed". */
    static String summary(JsonNode group) {
        int tasks = group.path("tasks").asInt();
        int parallel = group.path("maxParallel").asInt(tasks);
        String failures = maxFailures(group);
        return tasks + " task" + (tasks == 1 ? "" : "s") + " (team " + group.path("team").asText() + ")"
                + (parallel < tasks ? ", " + parallel + " at a time" : ", all at once")
                + (failures.equals("-") ? "" : ", stops after more than " + failures + " failed");
    }

    /** A group: its settings and counts, then one row per machine. */
    static void show(BaseCommand command, JsonNode group) {
        Printer printer = command.printer();
        if (printer.structured()) {
            printer.document(group);
            return;
        }
        if (printer.quiet) {
            group.path("machines").forEach(m -> command.out().println(m.path("taskId").asText()));
            return;
        }
        String counts = counts(group, allStatuses());
        printer.keyValues(List.of(
                new String[]{"Group", group.path("groupId").asText()},
                new String[]{"Status", printer.status(group.path("status").asText())
                        + (group.hasNonNull("detail") ? " (" + group.get("detail").asText() + ")" : "")},
                new String[]{"Team", group.path("team").asText()},
                new String[]{"Runs", runs(group)},
                new String[]{"Tasks", group.path("tasks").asText() + ": " + group.path("ended").asInt() + " ended, "
                        + running(group) + " running, " + group.path("held").asInt() + " held"},
                new String[]{"Counts", counts.isEmpty() ? null : counts},
                new String[]{"Max parallel", group.path("maxParallel").asText()},
                new String[]{"Max failures", maxFailures(group).equals("-") ? "none (never stops)" : maxFailures(group)},
                new String[]{"Retry of", Printer.opt(group, "retriedFrom")},
                new String[]{"Created", Printer.opt(group, "createdAt")
                        + (group.hasNonNull("createdBy") ? " by " + group.get("createdBy").asText() : "")},
                new String[]{"Finished", Printer.opt(group, "finishedAt")}));
        PrintStream out = command.out();
        out.println();
        out.println(printer.bold("Machines:"));
        printer.table(machineColumns(), group.path("machines"));
    }

    /**
     * Follows a group until it ended: its progress on stderr (one line rewritten in place on a
     * terminal, a line per change otherwise), asking every {@code intervalSeconds}; then the machines
     * (or the document for JSON/YAML) on stdout. 0 when the group and all its tasks COMPLETED, 1 otherwise.
     */
    static int follow(BaseCommand command, JsonNode group, int intervalSeconds) {
        String id = group.path("groupId").asText();
        boolean show = !command.root().quiet;
        boolean tty = command.root().terminal.tty();
        PrintStream err = command.err();
        String last = null;
        while (true) {
            String line = progress(group);
            if (show && !line.equals(last)) {
                if (tty) {
                    err.print("\r" + line + "\u001b[K");
                    err.flush();
                } else {
                    err.println(line);
                }
            }
            last = line;
            if (ended(group)) {
                break;
            }
            TaskCommands.sleep(intervalSeconds * 1000L);
            group = command.api().get(PATH + "/" + ApiClient.encode(id));
        }
        if (show && tty) {
            err.println();
        }
        Printer printer = command.printer();
        if (printer.structured()) {
            printer.document(group);
        } else if (!printer.quiet) {
            printer.table(machineColumns(), group.path("machines"));
        }
        String status = group.path("status").asText();
        String counts = counts(group, ENDED);
        if (succeeded(group)) {
            command.note("group " + id + " " + printer.status(status) + ": " + counts);
            return 0;
        }
        err.println("error: group " + id + " " + printer.status(status)
                + (group.hasNonNull("detail") ? " (" + group.get("detail").asText() + ")" : "") + ": " + counts);
        if (group.path("counts").path("FAILED").asInt(0) + group.path("counts").path("CANCELLED").asInt(0) > 0) {
            err.println("hint: see its machines: rediacc group show " + id + "; run the failed and cancelled ones again: "
                    + "rediacc group retry " + id);
        }
        return CliException.FAILED;
    }

    /** --max-failures N or N%: a count (a JSON number) or a share of the tasks ("25%"). */
    static JsonNode maxFailures(BaseCommand command, String given) {
        String text = given.strip();
        Matcher percent = PERCENT.matcher(text);
        if (percent.matches()) {
            if (Integer.parseInt(percent.group(1)) > 100) {
                throw command.usage("--max-failures " + given + ": a percentage is at most 100%");
            }
            return ApiClient.JSON.getNodeFactory().textNode(Integer.parseInt(percent.group(1)) + "%");
        }
        if (text.matches("\\d{1,9}")) {
            return ApiClient.JSON.getNodeFactory().numberNode(Integer.parseInt(text));
        }
        throw command.usage("--max-failures must be a count (e.g. 2) or a percentage of the tasks (e.g. 25%), not '" + given + "'");
    }

    /** The options of --wait. */
    static final class WaitOptions {
        @Option(names = "--wait",
                description = "follow the group until it ended, its progress on stderr; exit 1 unless it and all its tasks COMPLETED")
        boolean await;

        @Option(names = "--interval", paramLabel = "DURATION", converter = Durations.class,
                description = "with --wait: how often to ask for the group's state (default 1s)")
        Integer interval;

        int seconds() {
            return interval == null ? 1 : interval;
        }
    }

    // ---------------------------------------------------------------- create

    @Command(name = "create",
            description = {"Create a task group (OPERATOR of the machines' team): a task per machine, all at once.",
                    "What: --command CMD, or --function NAME [--version N] [--param KEY=VALUE ...].",
                    "Where: --machine M (repeat, or M1,M2; all of one team), or --pool TEAM[:TAG,...]: every machine "
                            + "of the team (not paused) carrying every tag given.",
                    "--max-failures N or N%%: once more than N tasks (N%% of them) failed, the held ones are cancelled "
                            + "and the group STOPPED; the running ones run on."},
            footer = {"", "Examples:",
                    "  rediacc group create --machine web-01,web-02,web-03 --command \"systemctl restart app\" --max-parallel 1",
                    "  rediacc group create --pool Production:web --function deploy --param env=prod \\",
                    "      --max-parallel 5 --max-failures 10%% --timeout 15m --wait",
                    "  id=$(rediacc group create --pool Staging --command uptime -q)"})
    static final class Create extends BaseCommand {
        @Option(names = "--command", paramLabel = "CMD", description = "shell command run on each machine")
        String command;

        @Mixin
        FunctionOptions function;

        @Option(names = "--machine", split = ",", paramLabel = "NAME", description = "a machine of the group (repeat, or NAME,NAME)")
        List<String> machines;

        @Option(names = "--pool", paramLabel = "TEAM[:TAG,...]",
                description = "instead of --machine: every machine of the team (not paused) with every tag given")
        String pool;

        @Option(names = "--max-parallel", paramLabel = "N", description = "at most N tasks run at once (default: all)")
        Integer maxParallel;

        @Option(names = "--max-failures", paramLabel = "N|N%",
                description = "stop the group once more than N (or N%% of its) tasks failed (default: never stop)")
        String maxFailures;

        @Mixin
        TaskOptions options;

        @Option(names = "--alert", description = "each task publishes an alert when it finally fails")
        boolean alert;

        @Mixin
        WaitOptions wait;

        @Override
        int run() {
            if (machines == null && pool == null) {
                throw usage("missing required option: --machine or --pool");
            }
            if (machines != null && pool != null) {
                throw usage("use --machine or --pool, not both");
            }
            if (machines != null && machines.stream().anyMatch(String::isBlank)) {
                throw usage("--machine: a machine name is empty");
            }
            if (maxParallel != null && maxParallel < 1) {
                throw usage("--max-parallel must be 1 or more");
            }
            ObjectNode body = ApiClient.JSON.createObjectNode();
            function.into(this, body, command, options);
            if (machines != null) {
                machines.forEach(body.putArray("machines")::add);
            } else {
                body.set("selector", Inputs.selector(this, "--pool", pool));
            }
            if (maxParallel != null) body.put("maxParallel", maxParallel);
            if (maxFailures != null) body.set("maxFailures", maxFailures(this, maxFailures));
            options.into(this, body);
            if (alert) body.put("failureAction", "ALERT");
            JsonNode group = api().post(PATH, body).body();
            return created(this, group, "", wait);
        }
    }

    /** A group just created (or retried): its id, document or a line; then followed with --wait. */
    static int created(BaseCommand command, JsonNode group, String how, WaitOptions wait) {
        Printer printer = command.printer();
        String line = "group " + group.path("groupId").asText() + " created" + how + ": " + summary(group);
        if (wait.await) {
            if (printer.quiet) {
                command.out().println(group.path("groupId").asText());
            } else if (!printer.structured()) {
                command.note(line + "; waiting for it to end");
            }
            return follow(command, group, wait.seconds());
        }
        command.printResult(group, "groupId", line);
        return 0;
    }

    // ---------------------------------------------------------------- read

    @Command(name = "list", aliases = "ls", description = "List task groups, newest first.",
            footer = {"", "Examples:", "  rediacc group list", "  rediacc group list --team Production --limit 10 -o wide"})
    static final class ListGroups extends BaseCommand {
        @Option(names = "--team", paramLabel = "TEAM")
        String team;

        @Option(names = "--limit", paramLabel = "N", description = "at most N groups (default 100)")
        Integer limit;

        @Option(names = "--cursor", paramLabel = "CURSOR", description = "next page: the cursor a previous page printed")
        String cursor;

        @Override
        int run() {
            JsonNode page = api().get(PATH, ApiClient.params("team", team, "limit", limit, "cursor", cursor));
            printer().list(page, page.path("items"), "groupId", columns(), wideColumns());
            if (page.path("items").isEmpty() && !printer().structured()) {
                note("no task groups");
            }
            nextPageNote(page);
            return 0;
        }
    }

    @Command(name = "show", aliases = {"get", "inspect"},
            description = {"Show a task group: its settings, its tasks counted per status, and one row per machine.",
                    "-q prints its tasks' ids."},
            footer = {"", "Examples:", "  rediacc group show 3f2a1b2c-0000-0000-0000-000000000000",
                    "  rediacc group show 3f2a1b2c-0000-0000-0000-000000000000 -o json | jq .counts",
                    "  rediacc group show 3f2a1b2c-0000-0000-0000-000000000000 -q | xargs -n1 rediacc logs"})
    static final class Show extends BaseCommand {
        @Parameters(paramLabel = "GROUP_ID")
        String id;

        @Override
        int run() {
            show(this, api().get(PATH + "/" + ApiClient.encode(id)));
            return 0;
        }
    }

    // ---------------------------------------------------------------- cancel, retry

    @Command(name = "cancel",
            description = {"Cancel a task group. Without --confirm it only shows what it would cancel, changes nothing and exits 2.",
                    "Held and waiting tasks end CANCELLED at once; running ones have their remote command killed."},
            footer = {"", "Examples:", "  rediacc group cancel 3f2a1b2c-0000-0000-0000-000000000000            # dry run",
                    "  rediacc group cancel 3f2a1b2c-0000-0000-0000-000000000000 --confirm"})
    static final class Cancel extends BaseCommand {
        @Parameters(paramLabel = "GROUP_ID")
        String id;

        @Option(names = "--confirm", description = "really cancel")
        boolean confirm;

        @Override
        int run() {
            if (!confirm) {
                JsonNode group = api().get(PATH + "/" + ApiClient.encode(id));
                int left = group.path("tasks").asInt() - group.path("ended").asInt();
                err().println(left == 0
                        ? "group " + id + " has no task left to cancel (" + group.path("status").asText() + "); nothing changed"
                        : "would cancel group " + id + " (team " + group.path("team").asText() + "): " + left + " task"
                        + (left == 1 ? "" : "s") + " not ended (" + running(group) + " running, " + group.path("held").asInt()
                        + " held); nothing changed: add --confirm");
                return CliException.USAGE;
            }
            JsonNode group = api().post(PATH + "/" + ApiClient.encode(id) + "/cancel", null).body();
            printChange(group, "group " + id + " " + group.path("status").asText() + ": " + counts(group, allStatuses()));
            return 0;
        }
    }

    @Command(name = "retry",
            description = {"Run a group's FAILED and CANCELLED machines again, as a new group linked to it (OPERATOR).",
                    "The group must have ended (cancel it first to retry while it runs)."},
            footer = {"", "Examples:", "  rediacc group retry 3f2a1b2c-0000-0000-0000-000000000000",
                    "  rediacc group retry 3f2a1b2c-0000-0000-0000-000000000000 --wait"})
    static final class Retry extends BaseCommand {
        @Parameters(paramLabel = "GROUP_ID")
        String id;

        @Mixin
        WaitOptions wait;

        @Override
        int run() {
            JsonNode group = api().post(PATH + "/" + ApiClient.encode(id) + "/retry", null).body();
            return created(this, group, " (retry of " + id + ")", wait);
        }
    }
}
