package com.rediacc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Functions: a team's named, versioned scripts with typed params, run as tasks (create task --function). */
@Command(name = "function", aliases = "functions",
        description = {"Define a team's functions (versioned scripts with typed params) and read them.",
                "A task or group runs one with --function NAME --param KEY=VALUE; each non-secret param reaches the "
                        + "script as the environment variable of its name, secret ones only on its stdin."},
        subcommands = {FunctionCommands.Put.class, FunctionCommands.ListFunctions.class, FunctionCommands.Show.class,
                FunctionCommands.Versions.class, FunctionCommands.Delete.class},
        footer = {"", "Examples:",
                "  rediacc function put deploy --team Production --script-file deploy.sh \\",
                "      --param env:enum:required --enum-values env=staging,prod --param replicas:int=2 --param token:string:secret",
                "  rediacc function list --team Production",
                "  rediacc create task --machine web-01 --function deploy --param env=prod --param token=s3cret"})
final class FunctionCommands extends BaseCommand.Group {
    static final Set<String> TYPES = Set.of("string", "int", "bool", "enum");
    private static final Pattern INT = Pattern.compile("-?\\d{1,18}");
    /** What {@code show -o json} has that a put does not take: a shown function can be put again as it is. */
    private static final List<String> NOT_PUT = List.of("team", "name", "version", "createdAt", "createdBy");

    static List<Printer.Column> columns() {
        return List.of(
                Printer.Column.id("NAME", "name"),
                Printer.Column.field("VERSION", "version"),
                Printer.Column.of("CREATED", f -> Printer.text(f.get("createdAt"))),
                Printer.Column.flex("PARAMS", FunctionCommands::params),
                Printer.Column.flex("DESCRIPTION", f -> Printer.text(f.get("description"))));
    }

    static List<Printer.Column> wideColumns() {
        return List.of(Printer.Column.field("BY", "createdBy"), Printer.Column.flex("DEFAULTS", f -> defaults(f.path("defaults"))));
    }

    /** "env:enum:required, replicas:int=2, token:string:secret": the params as --param declares them. */
    static String params(JsonNode function) {
        List<String> specs = new ArrayList<>();
        function.path("params").forEach(p -> specs.add(spec(p)));
        return String.join(", ", specs);
    }

    /** One param in the syntax of {@code function put --param}. */
    static String spec(JsonNode param) {
        return param.path("name").asText() + ":" + param.path("type").asText("string")
                + (param.path("required").asBoolean() ? ":required" : "")
                + (param.path("secret").asBoolean() ? ":secret" : "")
                + (param.hasNonNull("default") ? "=" + param.get("default").asText() : "");
    }

    /** "priority 2, 3 retries, retry delay 30s, timeout 600s, tag eu, resumable, ALERT, on exit ./notify.sh". */
    static String defaults(JsonNode defaults) {
        List<String> parts = new ArrayList<>();
        if (defaults.hasNonNull("priority")) parts.add("priority " + defaults.get("priority").asText());
        if (defaults.hasNonNull("maxRetries")) parts.add(defaults.get("maxRetries").asText() + " retries");
        if (defaults.hasNonNull("retryDelay")) parts.add("retry delay " + defaults.get("retryDelay").asText() + "s");
        if (defaults.hasNonNull("timeoutSeconds")) parts.add("timeout " + defaults.get("timeoutSeconds").asText() + "s");
        if (defaults.hasNonNull("tag")) parts.add("tag " + defaults.get("tag").asText());
        if (defaults.path("resumable").asBoolean()) parts.add("resumable");
        if (defaults.hasNonNull("failureAction") && !"NONE".equals(defaults.get("failureAction").asText())) {
            parts.add(defaults.get("failureAction").asText());
        }
        if (defaults.path("onExit").hasNonNull("command")) parts.add("on exit " + defaults.path("onExit").get("command").asText());
        return String.join(", ", parts);
    }

    /** A function version: what it is, its params, defaults and script. */
    static void show(BaseCommand command, JsonNode function) {
        Printer printer = command.printer();
        if (printer.quiet || printer.structured()) {
            printer.object(function, "name", List.of());
            return;
        }
        String defaults = defaults(function.path("defaults"));
        printer.keyValues(List.of(
                new String[]{"Function", function.path("name").asText()},
                new String[]{"Team", function.path("team").asText()},
                new String[]{"Version", function.path("version").asText()},
                new String[]{"Description", Printer.opt(function, "description")},
                new String[]{"Defaults", defaults.isEmpty() ? "none (the task's own options, else the server's)" : defaults},
                new String[]{"Created", Printer.opt(function, "createdAt")
                        + (function.hasNonNull("createdBy") ? " by " + function.get("createdBy").asText() : "")}));
        var out = command.out();
        out.println();
        JsonNode params = function.path("params");
        out.println(printer.bold("Params:") + (params.isEmpty() ? " none" : ""));
        if (!params.isEmpty()) {
            List<Printer.Column> columns = List.of(
                    Printer.Column.id("  NAME", "name"), Printer.Column.field("TYPE", "type"),
                    Printer.Column.of("REQUIRED", p -> p.path("required").asBoolean() ? "yes" : ""),
                    Printer.Column.of("SECRET", p -> p.path("secret").asBoolean() ? "yes" : ""),
                    Printer.Column.of("DEFAULT", p -> p.hasNonNull("default") ? p.get("default").asText() : ""),
                    Printer.Column.of("VALUES", p -> {
                        List<String> values = new ArrayList<>();
                        p.path("values").forEach(v -> values.add(v.asText()));
                        return String.join(",", values);
                    }),
                    Printer.Column.flex("DESCRIPTION", p -> Printer.text(p.get("description"))));
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode param : params) {
                List<String> row = new ArrayList<>();
                for (Printer.Column column : columns) {
                    row.add(column.value().apply(param));
                }
                row.set(0, "  " + row.getFirst());
                rows.add(row);
            }
            Printer.render(columns, rows, printer.width, printer.colour).forEach(out::println);
        }
        out.println();
        out.println(printer.bold("Script:"));
        function.path("script").asText().lines().forEach(line -> out.println("  " + line));
    }

    // ---------------------------------------------------------------- put

    @Command(name = "put",
            description = {"Define a function, or a new version of it (ADMIN of the team): every put is a new version, "
                    + "and tasks run the newest unless they name one.",
                    "--param NAME[:TYPE][:required][:secret][=DEFAULT] declares a param: TYPE string (default), int, bool "
                            + "or enum (its values with --enum-values NAME=A,B). A secret param has no default.",
                    "--file takes the whole definition from a JSON (or .yaml) file, e.g. what `function show -o json` "
                            + "printed; options given beside it replace its fields (--param: all its params)."},
            footer = {"", "Examples:",
                    "  rediacc function put deploy --team Production --script-file deploy.sh --description \"roll out the app\" \\",
                    "      --param env:enum:required --enum-values env=staging,prod --param replicas:int=2 \\",
                    "      --param token:string:secret --priority 2 --timeout 30m --retries 1",
                    "  rediacc function put uptime --team Production --script 'uptime; df -h \"$MOUNT\"' --param MOUNT=/",
                    "  rediacc function show deploy --team Production -o json > deploy.json   # edit, then:",
                    "  rediacc function put deploy --team Production --file deploy.json"})
    static final class Put extends BaseCommand {
        @Parameters(paramLabel = "NAME", description = "lowercase letters, digits, '_' and '-'")
        String name;

        @Option(names = "--team", required = true, paramLabel = "TEAM", description = "the team the function belongs to")
        String team;

        @Option(names = {"-f", "--file"}, paramLabel = "FILE",
                description = "the definition as JSON or YAML: {description, script, params: [...], defaults: {...}} (- = stdin)")
        String file;

        @Option(names = "--script", paramLabel = "TEXT", description = "the script (run by the machine's shell)")
        String script;

        @Option(names = "--script-file", paramLabel = "FILE", description = "the script from a file (- = stdin)")
        String scriptFile;

        @Option(names = "--description", paramLabel = "TEXT", description = "what it does (shown by list and show)")
        String description;

        @Option(names = "--param", paramLabel = "NAME[:TYPE][:required][:secret][=DEFAULT]",
                description = "declare a param (repeat for more), e.g. env:enum:required, replicas:int=2, token:string:secret")
        List<String> params;

        @Option(names = "--enum-values", paramLabel = "NAME=A,B,...", description = "the values of an enum param (repeat per enum)")
        List<String> enumValues;

        @Mixin
        RunOptions defaults;

        @Option(names = "--alert", description = "its tasks publish an alert when they finally fail")
        boolean alert;

        @Override
        int run() {
            if (script != null && scriptFile != null) {
                throw usage("use --script or --script-file, not both");
            }
            if (file != null && "-".equals(file) && "-".equals(scriptFile)) {
                throw usage("--file and --script-file cannot both read stdin");
            }
            if (enumValues != null && params == null) {
                throw usage("--enum-values goes with the --param that declares the enum");
            }
            ArrayNode declared = params == null ? null : declare(params, enumValues == null ? List.of() : enumValues);
            ObjectNode body = ApiClient.JSON.createObjectNode();
            if (file != null) {
                JsonNode document = Inputs.document(this, "--file", file);
                if (!document.isObject()) {
                    throw usage("--file " + file + " must hold a JSON object: {\"script\": ..., \"params\": [...]}");
                }
                body = (ObjectNode) document.deepCopy();
                body.remove(NOT_PUT);
            }
            if (script != null) body.put("script", script);
            if (scriptFile != null) body.put("script", Inputs.text(this, "--script-file", scriptFile));
            if (description != null) body.put("description", description);
            if (declared != null) body.set("params", declared);
            JsonNode given = body.get("defaults");
            if (given != null && !given.isNull() && !given.isObject()) {
                throw usage("--file " + file + ": defaults must be a JSON object");
            }
            ObjectNode taskDefaults = given instanceof ObjectNode object ? object : ApiClient.JSON.createObjectNode();
            defaults.into(this, taskDefaults);
            if (alert) taskDefaults.put("failureAction", "ALERT");
            if (!taskDefaults.isEmpty()) body.set("defaults", taskDefaults);
            if (!body.hasNonNull("script")) {
                throw usage("missing required option: --script-file or --script (or a --file with a script)");
            }
            JsonNode function = api().put(path("teams", team, "functions", name), body).body();
            Printer printer = printer();
            if (printer.quiet) {
                out().println(function.path("version").asText());
            } else if (printer.structured()) {
                printer.document(function);
            } else {
                out().println("function " + name + " version " + function.path("version").asText() + " saved (team " + team + ")");
            }
            return 0;
        }

        /** The params {@code specs} declare, enums with their values; any mistake is a usage error. */
        private ArrayNode declare(List<String> specs, List<String> enums) {
            Map<String, ObjectNode> byName = new LinkedHashMap<>();
            Map<String, String> defaultsGiven = new LinkedHashMap<>();
            for (String spec : specs) {
                int eq = spec.indexOf('=');
                String[] parts = (eq < 0 ? spec : spec.substring(0, eq)).split(":", -1);
                String paramName = parts[0].strip();
                if (paramName.isEmpty()) {
                    throw usage("--param '" + spec + "' has no name: give NAME[:TYPE][:required][:secret][=DEFAULT]");
                }
                if (byName.containsKey(paramName)) {
                    throw usage("--param " + paramName + " is declared twice");
                }
                ObjectNode param = ApiClient.JSON.createObjectNode().put("name", paramName);
                String type = null;
                for (int i = 1; i < parts.length; i++) {
                    String part = parts[i].strip();
                    if (TYPES.contains(part) && type == null) {
                        type = part;
                    } else if (part.equals("required") && !param.has("required")) {
                        param.put("required", true);
                    } else if (part.equals("secret") && !param.has("secret")) {
                        param.put("secret", true);
                    } else {
                        throw usage("--param '" + spec + "': '" + part + "' is not a type (string, int, bool, enum), "
                                + "required or secret (once each): give NAME[:TYPE][:required][:secret][=DEFAULT]");
                    }
                }
                param.put("type", type == null ? "string" : type);
                if (eq >= 0) {
                    if (param.path("secret").asBoolean()) {
                        throw usage("--param " + paramName + ": a secret param has no default (it would be stored in the clear)");
                    }
                    defaultsGiven.put(paramName, spec.substring(eq + 1));
                }
                byName.put(paramName, param);
            }
            for (String values : enums) {
                int eq = values.indexOf('=');
                String paramName = eq < 0 ? "" : values.substring(0, eq).strip();
                if (paramName.isEmpty()) {
                    throw usage("--enum-values '" + values + "' is not NAME=A,B,... (e.g. env=staging,prod)");
                }
                ObjectNode param = byName.get(paramName);
                if (param == null || !param.path("type").asText().equals("enum")) {
                    throw usage("--enum-values " + paramName + ": no enum param " + paramName
                            + " is declared (--param " + paramName + ":enum)");
                }
                if (param.has("values")) {
                    throw usage("--enum-values " + paramName + " is given twice");
                }
                ArrayNode list = param.putArray("values");
                for (String value : values.substring(eq + 1).split(",", -1)) {
                    if (value.isBlank()) {
                        throw usage("--enum-values " + paramName + " has an empty value: give NAME=A,B,... (e.g. env=staging,prod)");
                    }
                    list.add(value.strip());
                }
            }
            ArrayNode declared = ApiClient.JSON.createArrayNode();
            for (ObjectNode param : byName.values()) {
                String paramName = param.path("name").asText();
                String type = param.path("type").asText();
                if (type.equals("enum") && !param.has("values")) {
                    throw usage("--param " + paramName + ":enum needs its values: --enum-values " + paramName + "=A,B,...");
                }
                String value = defaultsGiven.get(paramName);
                if (value != null) {
                    switch (type) {
                        case "int" -> {
                            if (!INT.matcher(value).matches()) {
                                throw usage("--param " + paramName + ": the default '" + value + "' is not an integer");
                            }
                            param.put("default", Long.parseLong(value));
                        }
                        case "bool" -> {
                            if (!value.equals("true") && !value.equals("false")) {
                                throw usage("--param " + paramName + ": the default '" + value + "' is not true or false");
                            }
                            param.put("default", Boolean.parseBoolean(value));
                        }
                        case "enum" -> {
                            List<String> allowed = new ArrayList<>();
                            param.path("values").forEach(v -> allowed.add(v.asText()));
                            if (!allowed.contains(value)) {
                                throw usage("--param " + paramName + ": the default '" + value + "' is not one of " + allowed);
                            }
                            param.put("default", value);
                        }
                        default -> param.put("default", value);
                    }
                }
                declared.add(param);
            }
            return declared;
        }
    }

    // ---------------------------------------------------------------- read

    @Command(name = "list", aliases = "ls", description = "List a team's functions (the newest version of each).",
            footer = {"", "Examples:", "  rediacc function list --team Production", "  rediacc function list --team Production -o wide",
                    "  rediacc function list --team Production -q"})
    static final class ListFunctions extends BaseCommand {
        @Option(names = "--team", required = true, paramLabel = "TEAM")
        String team;

        @Option(names = "--limit", paramLabel = "N", description = "at most N functions (default 100)")
        Integer limit;

        @Option(names = "--cursor", paramLabel = "CURSOR", description = "next page: the cursor a previous page printed")
        String cursor;

        @Override
        int run() {
            JsonNode page = api().get(path("teams", team, "functions"), ApiClient.params("limit", limit, "cursor", cursor));
            printer().list(page, page.path("items"), "name", columns(), wideColumns());
            if (page.path("items").isEmpty() && !printer().structured()) {
                note("no functions in team " + team);
            }
            nextPageNote(page);
            return 0;
        }
    }

    @Command(name = "show", aliases = {"get", "inspect"},
            description = "Show a function: its params, task defaults and script (the newest version, or --version N).",
            footer = {"", "Examples:", "  rediacc function show deploy --team Production",
                    "  rediacc function show deploy --team Production --version 2",
                    "  rediacc function show deploy --team Production -o json | jq -r .script"})
    static final class Show extends BaseCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--team", required = true, paramLabel = "TEAM")
        String team;

        @Option(names = "--version", paramLabel = "N", description = "this version (default: the newest)")
        Integer version;

        @Override
        int run() {
            if (version != null && version < 1) {
                throw usage("--version must be 1 or more");
            }
            show(this, api().get(version == null ? path("teams", team, "functions", name)
                    : path("teams", team, "functions", name, "versions", version.toString())));
            return 0;
        }
    }

    @Command(name = "versions", aliases = "history", description = "List a function's versions, newest first.",
            footer = {"", "Examples:", "  rediacc function versions deploy --team Production",
                    "  rediacc function versions deploy --team Production -q | tail -1   # the first version"})
    static final class Versions extends BaseCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--team", required = true, paramLabel = "TEAM")
        String team;

        @Override
        int run() {
            JsonNode page = api().get(path("teams", team, "functions", name, "versions"));
            printer().list(page, page.path("items"), "version", List.of(
                    Printer.Column.id("VERSION", "version"),
                    Printer.Column.of("CREATED", f -> Printer.text(f.get("createdAt"))),
                    Printer.Column.field("BY", "createdBy"),
                    Printer.Column.flex("PARAMS", FunctionCommands::params),
                    Printer.Column.flex("DESCRIPTION", f -> Printer.text(f.get("description")))), List.of());
            return 0;
        }
    }

    @Command(name = "delete", aliases = "rm",
            description = {"Delete a function, every version (ADMIN). Without --confirm it changes nothing and exits 2.",
                    "Its tasks keep the name and version they ran; a new put goes on numbering."},
            footer = {"", "Examples:", "  rediacc function delete deploy --team Production            # dry run",
                    "  rediacc function delete deploy --team Production --confirm"})
    static final class Delete extends BaseCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--team", required = true, paramLabel = "TEAM")
        String team;

        @Option(names = "--confirm", description = "really delete")
        boolean confirm;

        @Override
        int run() {
            if (!confirm) {
                JsonNode versions = api().get(path("teams", team, "functions", name, "versions")).path("items");
                err().println("would delete function " + name + " of team " + team + " (" + versions.size() + " version"
                        + (versions.size() == 1 ? "" : "s") + ", newest " + versions.path(0).path("version").asText()
                        + "); nothing changed: add --confirm");
                return CliException.USAGE;
            }
            api().delete(path("teams", team, "functions", name));
            note("function " + name + " deleted (team " + team + ")");
            return 0;
        }
    }
}
