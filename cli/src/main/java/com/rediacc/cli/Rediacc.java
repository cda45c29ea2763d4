package com.rediacc.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/** The {@code rediacc} command: picocli root with the options every command takes. */
@Command(name = "rediacc",
        mixinStandardHelpOptions = true,
        versionProvider = Rediacc.Version.class,
        description = "Queue shell commands for machines and follow them: the rediacc command line.",
        subcommands = {
                TaskCommands.Create.class, TaskCommands.ListCmd.class, TaskCommands.Inspect.class,
                TaskCommands.Cancel.class, TaskCommands.Retry.class, TaskCommands.Logs.class,
                TaskCommands.Watch.class, TaskCommands.Stats.class,
                MachineCommands.class, BridgeCommands.class, CronCommands.class, FunctionCommands.class, GroupCommands.class, TeamCommands.class, MemberCommands.class, UserCommands.class,
                VaultCommands.class, ThresholdCommands.class, AuditCommand.class, LoginCommand.class, ConfigCommands.class,
                CompletionCommand.class},
        footer = {"",
                "Connection: --url and --token, else REDIACC_URL and REDIACC_TOKEN,",
                "  else the profile in ~/.config/rediacc/config (see: rediacc login).",
                "Exit codes: 0 ok, 1 failed (also: a waited task that FAILED), 2 usage error,",
                "  3 unavailable: the server cannot be reached or something it needs is down (HTTP 503);",
                "  reads are tried 4 times first, changes never twice.",
                "",
                "Examples:",
                "  rediacc login --url http://127.0.0.1:8080",
                "  rediacc create task --machine prod-01 --priority 1 --command \"systemctl restart app\" --wait",
                "  rediacc list queue --status PENDING --limit 5",
                "  rediacc logs -f 3f1c2d4e-...",
                "  rediacc cron create nightly-backup --machine db-01 --cron \"0 3 * * *\" --command ./backup.sh",
                "  rediacc function put deploy --team Production --script-file deploy.sh --param env:enum:required --enum-values env=staging,prod",
                "  rediacc group create --pool Production:web --function deploy --param env=prod --max-parallel 3 --wait",
                "  rediacc threshold set --team Production --max-pending 500 --max-pending-age 15m",
                "  source <(rediacc completion bash)"})
public final class Rediacc implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "queue-service URL (env REDIACC_URL)")
    String url;

    @Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "TOKEN",
            description = "bearer token (env REDIACC_TOKEN)")
    String token;

    @Option(names = "--profile", scope = ScopeType.INHERIT, paramLabel = "NAME",
            description = "config profile (env REDIACC_PROFILE)")
    String profile;

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "FORMAT",
            description = "table (default), wide, json or yaml")
    Printer.Format output = Printer.Format.table;

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT,
            description = "print only ids/names (for scripts)")
    boolean quiet;

    @Option(names = "--no-color", scope = ScopeType.INHERIT, description = "no colours (also: NO_COLOR)")
    boolean noColor;

    final Terminal terminal;
    private ApiClient api;
    private Config config;

    Rediacc(Terminal terminal) {
        this.terminal = terminal;
    }

    public static void main(String[] args) {
        System.exit(run(Terminal.system(), args));
    }

    /** Runs one command line; returns the exit code (0 ok, 1 failed, 2 usage, 3 unavailable). */
    public static int run(Terminal terminal, String... args) {
        return commandLine(terminal).execute(args);
    }

    static CommandLine commandLine(Terminal terminal) {
        Rediacc root = new Rediacc(terminal);
        CommandLine cl = new CommandLine(root);
        // groups in the verb-first form too: create|inspect|cancel|retry group, as tasks are
        cl.getSubcommands().get("create").addSubcommand("group", new GroupCommands.Create());
        cl.getSubcommands().get("inspect").addSubcommand("group", new GroupCommands.Show());
        cl.getSubcommands().get("cancel").addSubcommand("group", new GroupCommands.Cancel());
        cl.getSubcommands().get("retry").addSubcommand("group", new GroupCommands.Retry());
        addHelp(cl);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setOut(new PrintWriter(terminal.out(), true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(terminal.err(), true, StandardCharsets.UTF_8));
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(
                terminal.colour() ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF));
        cl.setUsageHelpAutoWidth(false);
        cl.setUsageHelpWidth(Math.max(80, Math.min(terminal.width() == 0 ? 120 : terminal.width(), 140)));
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine failed = ex.getCommandLine();
            terminal.err().println("error: " + ex.getMessage());
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, terminal.err())) {
                terminal.err().println("see: " + failed.getCommandSpec().qualifiedName() + " --help");
            }
            return CliException.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, failed, parsed) -> {
            if (ex instanceof ApiException api) {
                terminal.err().println("error: " + api.render());
                if (api.hint() != null) {
                    terminal.err().println("hint: " + api.hint());
                }
                return api.status == 503 ? CliException.UNAVAILABLE : CliException.FAILED;
            }
            if (ex instanceof CliException cli) {
                terminal.err().println("error: " + cli.getMessage());
                if (cli.hint != null) {
                    terminal.err().println("hint: " + cli.hint);
                }
                return cli.exitCode;
            }
            terminal.err().println("error: " + ex);
            return CliException.FAILED;
        });
        return cl;
    }

    /**
     * -h/--help on every command (and -V on all, harmless), but only -h/--help on those with a
     * {@code --version} of their own (a function's version).
     */
    private static void addHelp(CommandLine cl) {
        CommandSpec spec = cl.getCommandSpec();
        if (spec.findOption("--version") == null) {
            spec.mixinStandardHelpOptions(true);
        } else if (spec.findOption("--help") == null) {
            spec.addMixin("help", CommandSpec.forAnnotatedObject(new HelpOption()));
        }
        cl.getSubcommands().values().stream().distinct().forEach(Rediacc::addHelp);
    }

    /** -h/--help alone. */
    static final class HelpOption {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;
    }

    /** Without a command: the usage, and exit 2. */
    @Override
    public Integer call() {
        spec.commandLine().usage(terminal.err());
        return CliException.USAGE;
    }

    Config config() {
        if (config == null) {
            config = Config.load(terminal.configFile());
        }
        return config;
    }

    Config.Resolved connection() {
        return config().resolve(url, token, profile, terminal.env());
    }

    ApiClient api() {
        if (api == null) {
            Config.Resolved resolved = connection();
            api = new ApiClient(resolved.url(), resolved.token(), terminal.err());
        }
        return api;
    }

    Printer printer() {
        return new Printer(terminal.out(), output, quiet, terminal.colour() && !noColor, terminal.width());
    }

    static String version() {
        String version = Rediacc.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"rediacc " + version() + " (Java " + Runtime.version() + ")"};
        }
    }
}
