package com.rediacc.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line itself, without a server: usage errors, help, completion, unreachable servers. */
class CommandLineTest {
    @TempDir
    Path dir;

    private CliRun run(String... args) {
        return CliRun.run(Map.of("REDIACC_URL", "http://127.0.0.1:" + closedPort(), "REDIACC_TOKEN", "t"),
                dir.resolve("config"), false, args);
    }

    @Test
    void everyCommandHasHelpWithAnExample() {
        List<CommandLine> all = new ArrayList<>();
        collect(Rediacc.commandLine(terminal()), all);
        assertThat(all).hasSizeGreaterThan(30);
        for (CommandLine command : all) {
            String help = command.getUsageMessage();
            assertThat(help).as(command.getCommandSpec().qualifiedName()).contains("Examples:")
                    .contains("  rediacc ").contains("--help");
        }
    }

    private Terminal terminal() {
        return new Terminal(Map.of(), dir.resolve("config"), System.in, System.out, System.err, false);
    }

    private static void collect(CommandLine command, List<CommandLine> all) {
        all.add(command);
        command.getSubcommands().values().stream().distinct().forEach(sub -> collect(sub, all));
    }

    @Test
    void usageErrorsExitWith2AndSayWhatIsWrong() {
        CliRun missing = run("create", "task", "--command", "uptime");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required option: '--machine=NAME'").contains("rediacc create task --help");

        assertThat(run("create", "task", "--machine", "m", "--command", "c", "--priority", "9").err())
                .contains("--priority must be between 1 and 5");
        assertThat(run("create", "task", "--machine", "m", "--command", "c", "--priority", "9").exit()).isEqualTo(2);
        assertThat(run("create", "task", "--machine", "m", "--command", "c", "--timeout", "ten").exit()).isEqualTo(2);
        assertThat(run("list", "queue", "--status", "DONE").exit()).isEqualTo(2);
        assertThat(run("list", "queue", "--limit", "0").exit()).isEqualTo(2);
        assertThat(run("lsit", "queue").err()).contains("Unmatched argument").contains("Did you mean: rediacc ls");
        assertThat(run("list").exit()).isEqualTo(2);
        assertThat(run("list").err()).contains("missing subcommand: one of queue");
        assertThat(run().exit()).isEqualTo(2);
        assertThat(run("member", "add", "bob", "--team", "t", "--role", "KING").exit()).isEqualTo(2);
        assertThat(run("-o", "xml", "list", "queue").exit()).isEqualTo(2);
    }

    @Test
    void cronUsageErrorsExitWith2() {
        assertThat(run("cron").exit()).isEqualTo(2);
        assertThat(run("cron").err()).contains("missing subcommand: one of create");
        assertThat(run("cron", "get").exit()).isEqualTo(2);
        assertThat(run("cron", "create", "x", "--command", "c", "--cron", "@daily").err()).contains("missing required option: --machine");
        assertThat(run("cron", "create", "x", "--machine", "m", "--command", "c", "--cron", "@daily", "--max-runtime", "2x").exit())
                .isEqualTo(2);
        assertThat(run("cron", "runs", "x", "--limit", "many").exit()).isEqualTo(2);
        assertThat(run("cron", "delete").exit()).isEqualTo(2);
    }

    @Test
    void helpExitsZero() {
        CliRun help = run("cancel", "queue", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--confirm").contains("Examples:");
    }

    @Test
    void aFunctionsVersionIsAnOptionOfItsOwnWhereItIsTaken() {
        CliRun help = run("create", "task", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--version=N").contains("--function=NAME").contains("--pool=TEAM[:TAG,...]")
                .contains("--param=KEY=VALUE").contains("-h, --help").doesNotContain("-V, --version");
        assertThat(run("function", "show", "--help").out()).contains("--version=N").doesNotContain("-V, --version");
        CliRun group = run("group", "create", "--help");
        assertThat(group.out()).contains("--max-failures=N|N%").contains("(or N% of its)").contains("--max-failures 10% --timeout")
                .contains("--wait");
        assertThat(group.err()).doesNotContain("picocli WARN");
        assertThat(run("function", "list", "--help").out()).contains("-V, --version");
        assertThat(run("--version").out()).startsWith("rediacc ");
        assertThat(run("completion", "bash").out()).contains("function").contains("group").contains("--max-parallel")
                .contains("--enum-values");
    }

    @Test
    void anUnreachableServerIsAClearFailure() {
        CliRun unreachable = run("list", "queue");
        assertThat(unreachable.exit()).isEqualTo(CliException.UNAVAILABLE);
        assertThat(unreachable.err()).contains("cannot reach the rediacc server at http://127.0.0.1:")
                .contains("connection refused").contains("hint:").doesNotContain("Exception");
    }

    @Test
    void noUrlAnywhereIsAClearFailure() {
        CliRun none = CliRun.run(Map.of(), dir.resolve("config"), false, "stats");
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).contains("no server URL configured").contains("rediacc login");
    }

    @Test
    void aUrlThatIsNotOneIsAUsageError() {
        CliRun bad = CliRun.run(Map.of("REDIACC_URL", "localhost:8080"), dir.resolve("config"), false, "stats");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("invalid server URL 'localhost:8080'");
    }

    @Test
    void completionPrintsABashScript() {
        CliRun completion = run("completion", "bash");
        assertThat(completion.exit()).isZero();
        assertThat(completion.out()).contains("complete -F").contains("rediacc").contains("watch").contains("--machine");
        assertThat(completion.out()).contains("cron").contains("--checkin-margin").contains("--on-exit");
    }

    @Test
    void configUseSwitchesProfilesAndViewNeverShowsTokens() throws IOException {
        Path config = dir.resolve("config");
        Files.writeString(config, """
                current-profile: a
                profiles:
                  a: {url: "http://a:1", token: secret-a}
                  b: {url: "http://b:1", token: secret-b}
                """);
        assertThat(CliRun.run(Map.of(), config, false, "config", "use", "b").exit()).isZero();
        CliRun view = CliRun.run(Map.of(), config, false, "config", "view");
        assertThat(view.out()).contains("Current profile: b").contains("http://b:1").doesNotContain("secret");
        assertThat(CliRun.run(Map.of(), config, false, "config", "view", "-o", "json").out()).doesNotContain("secret");
        assertThat(CliRun.run(Map.of(), config, false, "config", "use", "c").exit()).isEqualTo(2);
    }

    @Test
    void cancelWithoutConfirmNeedsNoServerToRefuseNothing() {
        // It looks the tasks up first: with no server that is a failure, never a cancel.
        CliRun dry = run("cancel", "queue", "3f1c2d4e-0000-0000-0000-000000000000");
        assertThat(dry.exit()).isEqualTo(CliException.UNAVAILABLE);
        assertThat(dry.err()).contains("cannot reach");
    }

    static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
