package com.rediacc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Tasks: create, list, inspect, cancel, retry, logs, watch and the queue's stats. */
final class TaskCommands {
    static final Set<String> TERMINAL = Set.of("COMPLETED", "FAILED", "CANCELLED");

    enum Status { PENDING, ASSIGNED, PROCESSING, COMPLETED, FAILED, CANCELLED }

    private TaskCommands() {
    }

    static List<Printer.Column> columns() {
        Instant now = Instant.now();
        return List.of(
                Printer.Column.id("ID", "taskId"),
                Printer.Column.status("STATUS", "status"),
                Printer.Column.field("PRI", "priority"),
                Printer.Column.field("MACHINE", "machine"),
                Printer.Column.of("AGE", t -> Printer.age(t.get("createdAt"), now)),
                Printer.Column.flex("COMMAND", t -> t.hasNonNull("function") ? "function " + function(t) + params(t)
                        : Printer.text(t.get("command"))));
    }

    /** " env=prod replicas=3": a function task's (non-secret) params as the list shows them. */
    private static String params(JsonNode task) {
        StringBuilder params = new StringBuilder();
        task.path("params").properties().forEach(p -> params.append(' ').append(p.getKey()).append('=').append(p.getValue().asText()));
        return params.toString();
    }

    static List<Printer.Column> wideColumns() {
        return List.of(
                Printer.Column.field("TEAM", "team"),
                Printer.Column.field("TRIES", "attempts"),
                Printer.Column.field("EXIT", "exitCode"),
                Printer.Column.field("TAG", "tag"),
                Printer.Column.flex("ERROR", t -> Printer.text(t.get("error"))));
    }

    // ---------------------------------------------------------------- create

    @Command(name = "create", description = "Create a resource (a task, or many tasks at once).",
            subcommands = {CreateTask.class, CreateBatch.class},
            footer = {"", "Examples:", "  rediacc create task --machine prod-01 --command \"systemctl restart app\"",
                    "  rediacc create batch --file tasks.json"})
    static final class Create extends BaseCommand.Group {
    }

    @Command(name = "task",
            description = {"Queue a shell command, or a function of the machine's team, for a machine.",
                    "--pool TEAM[:TAG,...] instead of --machine: the server picks the least busy machine of the team "
                            + "(not paused) that carries every tag given, when the task is created."},
            footer = {"", "Examples:",
                    "  rediacc create task --machine prod-01 --priority 1 --command \"systemctl restart app\"",
                    "  rediacc create task --machine db-01 --command ./backup.sh --retries 3 --timeout 30m",
                    "  rediacc create task --machine web-01 --command ./deploy.sh --vault-file s.json --wait",
                    "  rediacc create task --machine db-01 --command ./backup.sh --on-exit \"./notify.sh\"   # notify.sh reads the task as JSON",
                    "  rediacc create task --machine web-01 --function deploy --param env=prod --param replicas=3",
                    "  rediacc create task --pool Production:eu,ssd --function deploy --version 2 --param env=prod --wait",
                    "  id=$(rediacc create task --machine web-01 --command uptime -q)"})
    static final class CreateTask extends BaseCommand {
        @Option(names = "--machine", paramLabel = "NAME", description = "target machine")
        String machine;

        @Option(names = "--pool", paramLabel = "TEAM[:TAG,...]",
                description = "instead of --machine: the least busy machine of the team (not paused) with every tag given")
        String pool;

        @Option(names = "--command", paramLabel = "CMD", description = "shell command run on the machine")
        String command;

        @Mixin
        FunctionOptions function;

        @Mixin
        TaskOptions options;

        @Option(names = "--delay", paramLabel = "DURATION", converter = Durations.class,
                description = "do not start before this long from now, e.g. 10m")
        Integer delay;

        @Option(names = "--not-before", paramLabel = "TIME", description = "do not start before this ISO-8601 time")
        String notBefore;

        @Option(names = "--idempotency-key", paramLabel = "KEY",
                description = "the same key within 24 h returns the existing task instead of a new one")
        String idempotencyKey;

        @Option(names = "--alert", description = "publish an alert when it finally fails")
        boolean alert;

        @Option(names = "--wait", description = "follow the output until the task ends; exit 1 unless it COMPLETED")
        boolean await;

        @Override
        int run() {
            if (machine == null && pool == null) {
                // the wording picocli uses for a missing required option (scripts and tests look for it)
                throw usage("Missing required option: '--machine=NAME' (or --pool TEAM[:TAG,...])");
            }
            if (machine != null && pool != null) {
                throw usage("use --machine or --pool, not both");
            }
            if (delay != null && notBefore != null) {
                throw usage("use --delay or --not-before, not both");
            }
            ObjectNode body = ApiClient.JSON.createObjectNode();
            if (machine != null) {
                body.put("machine", machine);
            } else {
                body.set("selector", Inputs.selector(this, "--pool", pool));
                body.put("pick", "ANY");
            }
            function.into(this, body, command, options);
            options.into(this, body);
            if (delay != null) body.put("delaySeconds", delay);
            if (notBefore != null) body.put("notBefore", notBefore);
            if (idempotencyKey != null) body.put("idempotencyKey", idempotencyKey);
            if (alert) body.put("failureAction", "ALERT");
            ApiClient.Reply reply = api().post("/tasks", body);
            JsonNode task = reply.body();
            String id = task.path("taskId").asText();
            if (await) {
                if (!printer().structured()) {
                    if (root().quiet) {
                        out().println(id);
                    } else {
                        note(describe(task, reply.status()) + "; waiting for it to end");
                    }
                }
                return waitFor(this, id, !root().quiet && !printer().structured());
            }
            if (printer().quiet || printer().structured()) {
                printer().object(task, "taskId", List.of());
            } else {
                out().println(describe(task, reply.status()));
            }
            return 0;
        }

        private String describe(JsonNode task, int status) {
            String id = task.path("taskId").asText();
            return status == 200
                    ? "task " + id + " already exists for this idempotency key (" + task.path("status").asText() + ")"
                    : "task " + id + " created: " + task.path("status").asText() + " on " + task.path("machine").asText()
                    + (pool != null ? " (picked from " + Inputs.describePool(Inputs.selector(this, "--pool", pool)) + ")" : "")
                    + (task.hasNonNull("function") ? ", function " + function(task) : "")
                    + ", priority " + task.path("priority").asText();
        }
    }

    /** "deploy v3": the function a task runs. */
    static String function(JsonNode task) {
        JsonNode function = task.path("function");
        return function.path("name").asText() + " v" + function.path("version").asText();
    }

    @Command(name = "batch",
            description = {"Create many tasks in one call (up to 1000), each as `create task` would.",
                    "The file holds a JSON array of task requests (the bodies of POST /api/v1/tasks: machine or "
                            + "selector+pick, command or function+params, and the task options) or {\"tasks\": [...]}; "
                            + "YAML when named .yaml or .yml.",
                    "Each item is created or refused on its own: one line per item, in order; "
                            + "exit 1 when any item was refused. -q prints the tasks' ids (the API answers only "
                            + "the ids then: ?view=ids)."},
            footer = {"", "Examples:",
                    "  rediacc create batch --file tasks.json",
                    "  rediacc create batch --file tasks.yaml -o json | jq '.results[].status'",
                    "  jq -n '[range(3) | {machine: \"web-0\\(.)\", function: \"deploy\", params: {env: \"prod\"}}]' \\",
                    "      | rediacc create batch --file - -q"})
    static final class CreateBatch extends BaseCommand {
        static final int MAX = 1000;

        @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "the tasks (- = stdin)")
        String file;

        @Override
        int run() {
            JsonNode document = Inputs.document(this, "--file", file);
            JsonNode tasks = document.isArray() ? document : document.get("tasks");
            if (tasks == null || !tasks.isArray() || (document.isObject() && document.size() != 1)) {
                throw usage("--file " + file + " must hold a JSON array of tasks or {\"tasks\": [...]}");
            }
            if (tasks.isEmpty()) {
                throw usage("--file " + file + " holds no tasks");
            }
            if (tasks.size() > MAX) {
                throw usage("--file " + file + " holds " + tasks.size() + " tasks; a batch takes at most " + MAX
                        + " (split the file)");
            }
            for (int i = 0; i < tasks.size(); i++) {
                if (!tasks.get(i).isObject()) {
                    throw usage("--file " + file + ": task " + (i + 1) + " is not a JSON object");
                }
            }
            ObjectNode body = ApiClient.JSON.createObjectNode();
            body.set("tasks", tasks);
            Printer printer = printer();
            // -q prints only the ids: the server answers each task with its id and status alone
            JsonNode answer = api().post(printer.quiet ? "/tasks/batch?view=ids" : "/tasks/batch", body).body();
            ArrayNode rows = ApiClient.JSON.createArrayNode();
            int created = 0;
            int existing = 0;
            int refused = 0;
            int i = 0;
            for (JsonNode result : answer.path("results")) {
                i++;
                int status = result.path("status").asInt();
                JsonNode task = result.path("task");
                ObjectNode row = rows.addObject().put("item", i);
                if (result.hasNonNull("task")) {
                    boolean isNew = status == 201;
                    created += isNew ? 1 : 0;
                    existing += isNew ? 0 : 1;
                    row.put("result", status + (isNew ? " created" : " existing"))
                            .put("taskId", task.path("taskId").asText())
                            .put("machine", task.path("machine").asText())
                            .put("detail", task.path("status").asText() + ", priority " + task.path("priority").asText()
                                    + (task.hasNonNull("function") ? ", function " + function(task) : ""));
                } else {
                    refused++;
                    row.put("result", status + " refused")
                            .put("detail", result.hasNonNull("problem")
                                    ? ApiException.oneLine(result.get("problem"), "task " + i) : "refused");
                }
            }
            if (printer.quiet) {
                rows.forEach(row -> {
                    if (row.hasNonNull("taskId")) {
                        out().println(row.get("taskId").asText());
                    }
                });
            } else if (printer.structured()) {
                printer.document(answer);
            } else {
                printer.table(List.of(Printer.Column.id("#", "item"), Printer.Column.of("STATUS", n -> n.path("result").asText()),
                        Printer.Column.id("TASK", "taskId"), Printer.Column.field("MACHINE", "machine"),
                        Printer.Column.flex("DETAIL", n -> Printer.text(n.get("detail")))), rows);
            }
            note(created + " created, " + existing + " already existed (idempotency key), " + refused + " refused");
            return refused > 0 ? CliException.FAILED : 0;
        }
    }

    /**
     * Follows a task until it ends: its output as it comes (when {@code show}), then the outcome
     * on stderr. 0 when it COMPLETED, 1 otherwise.
     */
    static int waitFor(BaseCommand command, String id, boolean show) {
        ApiClient api = command.api();
        boolean[] endedWithNewline = {true};
        try {
            api.stream("/tasks/" + ApiClient.encode(id) + "/output?follow=true", event -> {
                JsonNode data = parse(event.data());
                if (data.hasNonNull("output") && show) {
                    String chunk = data.get("output").asText();
                    command.out().print(chunk);
                    command.out().flush();
                    if (!chunk.isEmpty()) {
                        endedWithNewline[0] = chunk.endsWith("\n");
                    }
                }
                return !data.hasNonNull("status");
            });
        } catch (CliException broken) {
            command.err().println("warning: " + broken.getMessage() + "; polling the task instead");
        }
        JsonNode task = api.get("/tasks/" + ApiClient.encode(id));
        while (!TERMINAL.contains(task.path("status").asText())) {
            sleep(500);
            task = api.get("/tasks/" + ApiClient.encode(id));
        }
        if (show && !endedWithNewline[0] && command.root().terminal.tty()) {
            command.out().println();
        }
        Printer printer = command.printer();
        if (printer.structured()) {
            printer.document(task);
        }
        String status = task.path("status").asText();
        if (status.equals("COMPLETED")) {
            command.note("task " + id + " " + printer.status(status) + " (exit " + task.path("exitCode").asText("0") + ")");
            return 0;
        }
        String why = task.hasNonNull("error") ? ": " + task.get("error").asText() : "";
        command.err().println("error: task " + id + " " + printer.status(status) + why
                + (task.hasNonNull("exitCode") ? " (remote exit code " + task.get("exitCode").asInt() + ")" : ""));
        return CliException.FAILED;
    }

    static JsonNode parse(String json) {
        try {
            return ApiClient.JSON.readTree(json);
        } catch (IOException e) {
            throw new CliException("the server sent an event that is not JSON: " + json);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    // ---------------------------------------------------------------- list

    @Command(name = "list", aliases = "ls", description = "List resources (the task queue).",
            subcommands = ListQueue.class,
            footer = {"", "Examples:", "  rediacc list queue --status PENDING"})
    static final class ListCmd extends BaseCommand.Group {
    }

    @Command(name = "queue", aliases = "tasks", description = "List tasks, newest first.",
            footer = {"", "Examples:",
                    "  rediacc list queue",
                    "  rediacc list queue --status PENDING --team Production --limit 5",
                    "  rediacc list queue --machine prod-01 -o wide",
                    "  rediacc list queue --status FAILED -q | xargs rediacc retry queue",
                    "  rediacc list queue --archived --machine prod-01 --status FAILED"})
    static final class ListQueue extends BaseCommand {
        @Option(names = "--status", paramLabel = "STATUS", description = "PENDING, ASSIGNED, PROCESSING, COMPLETED, FAILED or CANCELLED")
        Status status;

        @Option(names = "--team", paramLabel = "TEAM")
        String team;

        @Option(names = "--machine", paramLabel = "NAME")
        String machine;

        @Option(names = "--priority", paramLabel = "1-5")
        Integer priority;

        @Option(names = "--limit", paramLabel = "N", description = "at most N tasks (1-1000, default 100)")
        Integer limit;

        @Option(names = "--cursor", paramLabel = "CURSOR", description = "next page: the cursor a previous page printed")
        String cursor;

        @Option(names = "--archived", description = "list the archive instead: tasks that ended more than "
                + "rediacc.retention.archive-after (30 days) ago, until their month is dropped")
        boolean archived;

        @Override
        int run() {
            if (priority != null && (priority < 1 || priority > 5)) {
                throw usage("--priority must be between 1 and 5");
            }
            if (limit != null && (limit < 1 || limit > 1000)) {
                throw usage("--limit must be between 1 and 1000");
            }
            JsonNode page = api().get("/tasks", ApiClient.params("status", status, "team", team, "machine", machine,
                    "priority", priority, "limit", limit, "cursor", cursor, "archived", archived ? true : null));
            JsonNode items = page.path("items");
            Printer printer = printer();
            printer.list(page, items, "taskId", columns(), wideColumns());
            if (items.isEmpty() && !printer.structured()) {
                note("no tasks");
            }
            nextPageNote(page);
            return 0;
        }
    }

    // ---------------------------------------------------------------- inspect

    @Command(name = "inspect", aliases = "get", description = "Show one resource in detail (a task).",
            subcommands = InspectQueue.class,
            footer = {"", "Examples:", "  rediacc inspect queue 3f1c2d4e-0000-0000-0000-000000000000"})
    static final class Inspect extends BaseCommand.Group {
    }

    @Command(name = "queue", aliases = "task", description = "Show a task, hot or archived: settings, outcome, history and output.",
            footer = {"", "With tracing on (docs/operations.md, \"Tracing\"), Trace is the id of the task's trace: look it",
                    "up in your tracing backend to follow the task from its create call to the bridge's SSH run.",
                    "", "Examples:",
                    "  rediacc inspect queue 3f1c2d4e-0000-0000-0000-000000000000",
                    "  rediacc inspect queue 3f1c2d4e-0000-0000-0000-000000000000 -o json | jq .exitCode",
                    "  rediacc inspect queue 3f1c2d4e-0000-0000-0000-000000000000 -o json | jq -r .traceId"})
    static final class InspectQueue extends BaseCommand {
        @Parameters(paramLabel = "TASK_ID")
        String id;

        @Override
        int run() {
            JsonNode task = api().get("/tasks/" + ApiClient.encode(id));
            Printer printer = printer();
            if (printer.quiet || printer.structured()) {
                printer.object(task, "taskId", List.of());
                return 0;
            }
            JsonNode history = api().get("/tasks/" + ApiClient.encode(id) + "/history").path("items");
            List<String[]> fields = new ArrayList<>();
            fields.add(new String[]{"Task", task.path("taskId").asText() + (task.path("archived").asBoolean() ? " (archived)" : "")});
            fields.add(new String[]{"Status", printer.status(task.path("status").asText())
                    + (task.path("cancelRequested").asBoolean() && !TERMINAL.contains(task.path("status").asText()) ? " (cancel requested)" : "")});
            fields.add(new String[]{"Machine", task.path("machine").asText() + " (team " + task.path("team").asText() + ")"});
            fields.add(new String[]{"Function", task.hasNonNull("function") ? function(task) : null});
            fields.add(new String[]{"Params", task.hasNonNull("params") && !task.get("params").isEmpty() ? params(task).strip() : null});
            fields.add(new String[]{"Group", task.hasNonNull("groupId") ? task.get("groupId").asText()
                    + (task.path("held").asBoolean() ? " (held: waits for the group to release it)" : "") : null});
            fields.add(new String[]{"Command", task.hasNonNull("function") ? null : task.path("command").asText()});
            fields.add(new String[]{"Priority", task.path("priority").asText()});
            fields.add(new String[]{"Retries", task.path("retryCount").asText() + " of " + task.path("maxRetries").asText()
                    + " left, delay " + task.path("retryDelay").asText() + "s"});
            fields.add(new String[]{"Attempts", task.path("attempts").asText()});
            fields.add(new String[]{"Tag", Printer.opt(task, "tag")});
            fields.add(new String[]{"Timeout", task.hasNonNull("timeoutSeconds") ? task.get("timeoutSeconds").asText() + "s" : null});
            fields.add(new String[]{"Resumable", task.path("resumable").asBoolean() ? "yes" : null});
            fields.add(new String[]{"Failure action", "ALERT".equals(task.path("failureAction").asText()) ? "ALERT" : null});
            fields.add(new String[]{"Not before", Printer.opt(task, "notBefore")});
            fields.add(new String[]{"Idempotency key", Printer.opt(task, "idempotencyKey")});
            fields.add(new String[]{"Retry of", Printer.opt(task, "retriedFrom")});
            fields.add(new String[]{"On exit", Printer.opt(task.path("onExit"), "command")});
            fields.add(new String[]{"On exit of", Printer.opt(task, "onExitOf")});
            fields.add(new String[]{"Vault data", task.hasNonNull("vaultData") ? task.get("vaultData").toString() : null});
            fields.add(new String[]{"Created", Printer.opt(task, "createdAt")});
            fields.add(new String[]{"Assigned", Printer.opt(task, "assignedAt")});
            fields.add(new String[]{"Started", Printer.opt(task, "startedAt")});
            fields.add(new String[]{"Completed", Printer.opt(task, "completedAt")});
            fields.add(new String[]{"Exit code", Printer.opt(task, "exitCode")});
            fields.add(new String[]{"Error", Printer.opt(task, "error")});
            fields.add(new String[]{"Trace", Printer.opt(task, "traceId")});
            printer.keyValues(fields);
            out().println();
            out().println(printer.bold("History:"));
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode entry : history) {
                rows.add(List.of(Printer.text(entry.get("at")), Printer.text(entry.get("from")),
                        Printer.text(entry.get("to")), Printer.text(entry.get("actor")), Printer.text(entry.get("detail"))));
            }
            List<Printer.Column> historyColumns = List.of(Printer.Column.id("  AT", "at"), Printer.Column.of("FROM", null),
                    new Printer.Column("TO", null, Printer.Fit.SHRINK, true), Printer.Column.of("ACTOR", null),
                    Printer.Column.flex("DETAIL", null));
            List<List<String>> indented = rows.stream().map(r -> {
                List<String> copy = new ArrayList<>(r);
                copy.set(0, "  " + copy.get(0));
                return (List<String>) copy;
            }).toList();
            Printer.render(historyColumns, indented, printer.width, printer.colour).forEach(out()::println);
            if (task.hasNonNull("function")) {
                out().println();
                out().println(printer.bold("Script:") + " (function " + function(task) + ")");
                task.path("command").asText().lines().forEach(line -> out().println("  " + line));
            }
            String output = task.path("output").asText("");
            out().println();
            out().println(printer.bold("Output:") + (output.isEmpty() ? " (none)" : "")
                    + (task.path("outputTruncated").asBoolean() ? " (truncated)" : ""));
            if (!output.isEmpty()) {
                output.lines().forEach(line -> out().println("  " + line));
            }
            return 0;
        }

    }

    // ---------------------------------------------------------------- cancel

    @Command(name = "cancel", description = "Cancel resources (tasks).",
            subcommands = CancelQueue.class,
            footer = {"", "Examples:", "  rediacc cancel queue 3f1c2d4e-0000-0000-0000-000000000000 --confirm"})
    static final class Cancel extends BaseCommand.Group {
    }

    @Command(name = "queue", aliases = "task",
            description = {"Cancel tasks, by id or every one that matches a filter. Without --confirm it only shows "
                    + "what it would cancel, changes nothing and exits 2.",
                    "PENDING/ASSIGNED tasks end CANCELLED at once; a PROCESSING one has its remote command killed.",
                    "By filter, the server cancels in slices, each committed on its own; the CLI calls again until "
                    + "nothing queued before the first call matches (tasks queued after it are left alone), with a "
                    + "progress line on a terminal. A purged task's onExit runs, as after any end."},
            footer = {"", "Examples:",
                    "  rediacc cancel queue 3f1c2d4e-0000-0000-0000-000000000000            # dry run",
                    "  rediacc cancel queue 3f1c2d4e-0000-0000-0000-000000000000 --confirm",
                    "  rediacc cancel queue --machine prod-01 --status PENDING                # dry run: how many match",
                    "  rediacc cancel queue --machine prod-01 --status PENDING --created-before 2026-12-01 --confirm",
                    "  rediacc cancel queue --team Production --priority 5 --confirm -o json",
                    "  rediacc list queue --status PENDING --machine prod-01 -q | xargs rediacc cancel queue --confirm"})
    static final class CancelQueue extends BaseCommand {
        @Parameters(paramLabel = "TASK_ID", arity = "0..*")
        List<String> ids = List.of();

        @Option(names = "--confirm", description = "really cancel")
        boolean confirm;

        @picocli.CommandLine.ArgGroup(exclusive = false, heading = "%nBy filter (instead of ids):%n")
        PurgeOptions filter = new PurgeOptions();

        @Override
        int run() {
            if (!ids.isEmpty() && filter.given()) {
                throw usage("give task ids or a filter, not both");
            }
            if (ids.isEmpty()) {
                return purge();
            }
            return byIds();
        }

        private int purge() {
            ObjectNode body = filter.body(this);
            Printer printer = printer();
            JsonNode matched = filter.count(api(), body);
            if (!confirm) {
                if (printer.structured()) {
                    printer.document(matched);
                } else if (!printer.quiet) {
                    out().println(matched.path("matched").asLong() + " task(s) match " + matched.path("byStatus"));
                }
                err().println("nothing changed: add --confirm to cancel them");
                return CliException.USAGE;
            }
            ObjectNode total = filter.purge(api(), body, matched.path("matched").asLong(), err(),
                    root().terminal.tty() && !printer.quiet);
            if (printer.structured()) {
                printer.document(total);
            } else if (printer.quiet) {
                out().println(total.path("cancelled").asLong());
            } else {
                out().println("cancelled " + total.path("cancelled").asLong() + " " + total.path("byStatus")
                        + (total.path("cancelRequested").asLong() > 0 ? "; asked " + total.path("cancelRequested").asLong()
                        + " running task(s) to stop (their commands are killed, then they end CANCELLED)" : ""));
            }
            return 0;
        }

        private int byIds() {
            List<String> unique = new ArrayList<>(new LinkedHashSet<>(ids));
            Printer printer = printer();
            if (!confirm) {
                ArrayNode found = ApiClient.JSON.createArrayNode();
                for (String id : unique) {
                    ObjectNode row;
                    try {
                        row = (ObjectNode) api().get("/tasks/" + ApiClient.encode(id));
                    } catch (ApiException e) {
                        if (e.status != 404) {
                            throw e;
                        }
                        row = ApiClient.JSON.createObjectNode().put("taskId", id).put("status", "NOT_FOUND");
                    }
                    String status = row.path("status").asText();
                    row.put("wouldDo", switch (status) {
                        case "NOT_FOUND" -> "nothing: no such task";
                        case "PROCESSING" -> "cancel (kill the running command)";
                        case "COMPLETED", "FAILED", "CANCELLED" -> "nothing: already ended";
                        default -> "cancel";
                    });
                    found.add(row);
                }
                long cancellable = 0;
                for (JsonNode row : found) {
                    if (row.path("wouldDo").asText().startsWith("cancel")) {
                        cancellable++;
                    }
                }
                if (printer.structured()) {
                    printer.document(ApiClient.JSON.createObjectNode().put("dryRun", true).set("items", found));
                } else if (!printer.quiet) {
                    printer.table(List.of(Printer.Column.id("ID", "taskId"), Printer.Column.status("STATUS", "status"),
                            Printer.Column.field("MACHINE", "machine"), Printer.Column.of("WOULD", n -> n.path("wouldDo").asText()),
                            Printer.Column.flex("COMMAND", n -> Printer.text(n.get("command")))), found);
                }
                err().println("nothing changed: add --confirm to cancel " + cancellable + " task(s)");
                return CliException.USAGE;
            }
            ObjectNode body = ApiClient.JSON.createObjectNode();
            unique.forEach(body.putArray("taskIds")::add);
            JsonNode answer = api().post("/tasks/cancel", body).body();
            JsonNode results = answer.path("results");
            // NOT_FOUND results have no taskId: show the id as given (results come in the order sent).
            int i = 0;
            for (JsonNode result : results) {
                if (!result.hasNonNull("taskId") && i < unique.size()) {
                    ((ObjectNode) result).put("taskId", unique.get(i));
                }
                i++;
            }
            boolean missing = false;
            for (JsonNode result : results) {
                missing |= "NOT_FOUND".equals(result.path("result").asText());
            }
            if (printer.quiet) {
                for (JsonNode result : results) {
                    String r = result.path("result").asText();
                    if (r.equals("CANCELLED") || r.equals("CANCEL_REQUESTED")) {
                        out().println(result.path("taskId").asText());
                    }
                }
            } else {
                printer.list(answer, results, "taskId", List.of(Printer.Column.id("ID", "taskId"),
                        Printer.Column.status("RESULT", "result"), Printer.Column.status("STATUS", "status"),
                        Printer.Column.flex("DETAIL", n -> Printer.text(n.get("detail")))), List.of());
            }
            return missing ? CliException.FAILED : 0;
        }
    }

    // ---------------------------------------------------------------- retry

    @Command(name = "retry", description = "Retry resources (a FAILED or CANCELLED task, as a new linked task).",
            subcommands = RetryQueue.class,
            footer = {"", "Examples:", "  rediacc retry queue 3f1c2d4e-0000-0000-0000-000000000000"})
    static final class Retry extends BaseCommand.Group {
    }

    @Command(name = "queue", aliases = "task", description = "Run a FAILED or CANCELLED task again, as a new task linked to it.",
            footer = {"", "Examples:",
                    "  rediacc retry queue 3f1c2d4e-0000-0000-0000-000000000000",
                    "  rediacc retry queue 3f1c2d4e-0000-0000-0000-000000000000 --wait"})
    static final class RetryQueue extends BaseCommand {
        @Parameters(paramLabel = "TASK_ID")
        String id;

        @Option(names = "--wait", description = "follow the new task until it ends; exit 1 unless it COMPLETED")
        boolean await;

        @Override
        int run() {
            JsonNode task = api().post("/tasks/" + ApiClient.encode(id) + "/retry", null).body();
            String newId = task.path("taskId").asText();
            Printer printer = printer();
            if (await) {
                if (printer.quiet) {
                    out().println(newId);
                } else if (!printer.structured()) {
                    note("task " + newId + " created (retry of " + id + "); waiting for it to end");
                }
                return waitFor(this, newId, !printer.quiet && !printer.structured());
            }
            if (printer.quiet || printer.structured()) {
                printer.object(task, "taskId", List.of());
            } else {
                out().println("task " + newId + " created (retry of " + id + "): " + task.path("status").asText());
            }
            return 0;
        }
    }

    // ---------------------------------------------------------------- logs

    @Command(name = "logs", description = "Print a task's output; -f follows it until the task ends.",
            footer = {"", "Examples:",
                    "  rediacc logs 3f1c2d4e-0000-0000-0000-000000000000",
                    "  rediacc logs -f 3f1c2d4e-0000-0000-0000-000000000000"})
    static final class Logs extends BaseCommand {
        @Parameters(paramLabel = "TASK_ID")
        String id;

        @Option(names = {"-f", "--follow"}, description = "stream new output until the task ends")
        boolean follow;

        @Override
        int run() {
            if (!follow) {
                out().print(api().getText("/tasks/" + ApiClient.encode(id) + "/output"));
                out().flush();
                return 0;
            }
            // The follow stream of an unknown task opens (200) and then just closes: ask first, for a clear 404.
            JsonNode task = api().get("/tasks/" + ApiClient.encode(id));
            JsonNode[] end = {null};
            api().stream("/tasks/" + ApiClient.encode(id) + "/output?follow=true", event -> {
                JsonNode data = parse(event.data());
                if (data.hasNonNull("output")) {
                    out().print(data.get("output").asText());
                    out().flush();
                }
                if (data.hasNonNull("status")) {
                    end[0] = data;
                    return false;
                }
                return true;
            });
            if (end[0] == null && TERMINAL.contains(task.path("status").asText())) {
                end[0] = task;
            }
            if (end[0] != null) {
                note("-- task " + id + " " + printer().status(end[0].path("status").asText())
                        + (end[0].hasNonNull("exitCode") ? " (exit " + end[0].get("exitCode").asInt() + ")" : "")
                        + (end[0].hasNonNull("error") ? ": " + end[0].get("error").asText() : ""));
            }
            return 0;
        }
    }

    // ---------------------------------------------------------------- watch

    @Command(name = "watch", description = "Show task events live (from the server's event stream) until interrupted.",
            footer = {"", "Examples:",
                    "  rediacc watch",
                    "  rediacc watch --team Production --machine prod-01",
                    "  rediacc watch -o json | jq -c '{type, subject}'"})
    static final class Watch extends BaseCommand {
        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

        @Option(names = "--team", paramLabel = "TEAM", description = "only this team's tasks")
        String team;

        @Option(names = "--machine", paramLabel = "NAME", description = "only this machine's tasks")
        String machine;

        @Option(names = "--task", paramLabel = "TASK_ID", description = "only this task's events")
        String task;

        @Option(names = "--count", paramLabel = "N", description = "stop after N events")
        Integer count;

        @Override
        int run() {
            Printer printer = printer();
            int[] seen = {0};
            if (!printer.structured() && !printer.quiet) {
                out().println(printer.bold(row("TIME", "EVENT", "TASK", "MACHINE", "PRI", "DETAIL")));
            }
            api().stream("/events" + ApiClient.query(ApiClient.params("team", team)), event -> {
                JsonNode cloudEvent = parse(event.data());
                JsonNode data = cloudEvent.path("data");
                if ((machine != null && !machine.equals(data.path("machine").asText()))
                        || (task != null && !task.equals(cloudEvent.path("subject").asText()))) {
                    return true;
                }
                if (printer.quiet) {
                    out().println(cloudEvent.path("subject").asText());
                } else if (printer.format == Printer.Format.json) {
                    out().println(cloudEvent.toString());
                } else if (printer.format == Printer.Format.yaml) {
                    out().println("---");
                    printer.document(cloudEvent);
                } else {
                    String type = cloudEvent.path("type").asText();
                    String short_ = type.startsWith("rediacc.task.") ? type.substring("rediacc.task.".length()).toUpperCase() : type;
                    String time = cloudEvent.hasNonNull("time") ? formatTime(cloudEvent.get("time").asText()) : "";
                    String detail = (data.hasNonNull("previousStatus") ? "from " + data.get("previousStatus").asText() : "")
                            + (data.hasNonNull("exitCode") ? " exit " + data.get("exitCode").asInt() : "")
                            + (data.hasNonNull("error") ? " " + data.get("error").asText() : "")
                            + (data.has("attempts") ? " attempt " + data.get("attempts").asInt() : "");
                    String line = row(time, short_, cloudEvent.path("subject").asText(), data.path("machine").asText(),
                            data.path("priority").asText(""), detail.strip());
                    if (printer.width > 0) {
                        line = Printer.cut(line, printer.width);
                    }
                    out().println(printer.colour ? line.replaceFirst(java.util.regex.Pattern.quote(short_),
                            Printer.colourOf(short_, short_)) : line);
                }
                out().flush();
                seen[0]++;
                return count == null || seen[0] < count;
            });
            return 0;
        }

        private static String row(String time, String event, String task, String machine, String priority, String detail) {
            return Printer.pad(time, 8) + "  " + Printer.pad(event, 10) + "  " + Printer.pad(task, 36) + "  "
                    + Printer.pad(machine, 12) + "  " + Printer.pad(priority, 3) + "  " + detail;
        }

        private static String formatTime(String iso) {
            try {
                return TIME.format(Instant.parse(iso));
            } catch (RuntimeException e) {
                return iso;
            }
        }
    }

    // ---------------------------------------------------------------- stats

    @Command(name = "stats", description = "Queue counts per status and priority, and the oldest pending task's age.",
            footer = {"", "Examples:", "  rediacc stats", "  rediacc stats --team Production -o json"})
    static final class Stats extends BaseCommand {
        @Option(names = "--team", paramLabel = "TEAM")
        String team;

        @Override
        int run() {
            JsonNode stats = api().get("/queue/stats", ApiClient.params("team", team));
            Printer printer = printer();
            if (printer.structured()) {
                printer.document(stats);
                return 0;
            }
            ArrayNode rows = ApiClient.JSON.createArrayNode();
            for (var entry : stats.path("byPriority").properties()) {
                rows.add(row(entry.getKey(), entry.getValue()));
            }
            rows.add(row("all", stats.path("byStatus")));
            List<Printer.Column> columns = new ArrayList<>();
            columns.add(Printer.Column.field("PRIORITY", "priority"));
            for (Status status : Status.values()) {
                columns.add(Printer.Column.field(status.name(), status.name()));
            }
            columns.add(Printer.Column.field("TOTAL", "TOTAL"));
            printer.table(columns, rows);
            out().println();
            out().println("Oldest pending: " + (stats.hasNonNull("oldestPendingSeconds")
                    ? Printer.duration(java.time.Duration.ofSeconds((long) stats.get("oldestPendingSeconds").asDouble()))
                    : "none"));
            return 0;
        }

        private static ObjectNode row(String priority, JsonNode counts) {
            ObjectNode row = ApiClient.JSON.createObjectNode().put("priority", priority);
            long total = 0;
            for (Status status : Status.values()) {
                long n = counts.path(status.name()).asLong(0);
                row.put(status.name(), n);
                total += n;
            }
            row.put("TOTAL", total);
            return row;
        }
    }

    static Map<String, Object> none() {
        return Map.of();
    }
}
