package com.rediacc.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.rediacc.cli.Rediacc;
import com.rediacc.cli.Terminal;
import com.rediacc.testsupport.Await;
import com.rediacc.testsupport.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.util.concurrent.CopyOnWriteArrayList;
import java.io.InputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rediacc CLI against the real services (queue, vault, bridge processes, PostgreSQL, Kafka and
 * an sshd machine): in-process through picocli with its own environment, config file and streams,
 * and as the real bin/rediacc launcher in a process.
 */
class CliEndToEndIT {
    private static final String UUID_RE = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static E2eStack stack;

    @TempDir
    Path home;

    @BeforeAll
    static void startServices() throws Exception {
        stack = new E2eStack("cli").startCore(Map.of());
        stack.startBridge("cli-bridge-1", Map.of());
        stack.registerDemoMachine("demo-01", 2);
    }

    @AfterAll
    static void stopServices() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** The CLI in-process, logged in as the admin through the environment. */
    Run cli(String... args) {
        return cli(Map.of("REDIACC_URL", stack.queueUrl(), "REDIACC_TOKEN", stack.adminToken), "", args);
    }

    Run cli(Map<String, String> env, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Terminal terminal = new Terminal(new HashMap<>(env), home.resolve(".config/rediacc/config"),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), false);
        int exit = Rediacc.run(terminal, args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The real launcher, as a process (HOME is a temp dir: the real ~/.config is never touched). */
    Run launcher(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(stack.root.resolve("bin/rediacc").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("REDIACC_") || k.equals("COLUMNS"));
        builder.environment().put("HOME", home.toString());
        builder.environment().remove("XDG_CONFIG_HOME");
        builder.environment().putAll(env);
        Process process = builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        String out = read(process.getInputStream());
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), out, err.get());
    }

    private static String read(java.io.InputStream stream) {
        try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, String> adminEnv() {
        return Map.of("REDIACC_URL", stack.queueUrl(), "REDIACC_TOKEN", stack.adminToken);
    }

    private String createQuiet(String command, String... extra) {
        List<String> args = new ArrayList<>(List.of("create", "task", "--machine", "demo-01", "--command", command, "-q"));
        args.addAll(List.of(extra));
        Run run = cli(args.toArray(String[]::new));
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out().strip()).matches(UUID_RE);
        return run.out().strip();
    }

    // ------------------------------------------------------------ troubleshooting

    @Test
    void bridgeListAndMachineCheckAnswerFromTheRealBridge() throws Exception {
        Run bridges = Await.until("cli-bridge-1 listed LIVE with demo-01", Duration.ofSeconds(60),
                () -> cli("bridge", "list"), run -> run.out().contains("cli-bridge-1") && run.out().contains("LIVE")
                        && run.out().contains("demo-01"), () -> stack.logs());
        assertThat(bridges.exit()).isZero();

        Run check = cli("machine", "check", "demo-01");
        assertThat(check.exit()).as(check.toString()).isZero();
        assertThat(check.out()).contains("connect", "hostKey", "auth", "exec", " ms")
                .contains("machine demo-01 is reachable from bridge cli-bridge-1");

        Path key = home.resolve("other-host-key");
        E2eStack.sh("ssh-keygen -q -t ed25519 -N '' -f " + key);
        stack.registerMachine("cli-badkey", Integer.parseInt(E2eStack.env("SSH_PORT")), E2eStack.env("DEMO_SSH_USER"),
                Files.readString(Path.of(key + ".pub")).strip(), 1);
        Run bad = cli("machine", "check", "cli-badkey");
        assertThat(bad.exit()).as(bad.toString()).isEqualTo(1);
        assertThat(bad.out()).contains("failed", "host key mismatch").contains("machine cli-badkey is not reachable");
    }

    // ------------------------------------------------------------------ tasks

    @Test
    void aFunctionRunAsAGroupWithWaitEndsCompletedOnEveryMachine() throws Exception {
        stack.registerDemoMachine("cli-grp-1", 1);
        stack.registerDemoMachine("cli-grp-2", 1);
        Run put = cli("function", "put", "greet", "--team", "default", "--script", "echo \"hello $WHO\"",
                "--param", "WHO:string:required");
        assertThat(put.exit()).as(put.toString()).isZero();
        Run group = cli("create", "group", "--machine", "cli-grp-1,cli-grp-2", "--function", "greet", "--param", "WHO=$(id)",
                "--max-parallel", "1", "--wait", "-o", "json");
        assertThat(group.exit()).as(group.toString()).isZero();
        assertThat(group.err()).contains("COMPLETED");
        String groupId = E2eStack.JSON.readTree(group.out()).path("groupId").asText();
        Run inspect = cli("inspect", "group", groupId, "-o", "json");
        assertThat(inspect.exit()).as(inspect.toString()).isZero();
        JsonNode shown = E2eStack.JSON.readTree(inspect.out());
        assertThat(shown.path("counts").path("COMPLETED").asInt()).isEqualTo(2);
        for (JsonNode row : shown.path("machines")) {
            assertThat(stack.task(row.path("taskId").asText()).path("output").asText()).isEqualTo("hello $(id)\n");
        }
    }

    @Test
    void createTaskWaitShowsTheRemoteOutputAndSucceeds() throws Exception {
        Run run = cli("create", "task", "--machine", "demo-01", "--priority", "1",
                "--command", "echo hello from $(hostname); echo to-stderr >&2", "--wait");
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("hello from ").contains("to-stderr");
        assertThat(run.err()).containsPattern("task " + UUID_RE + " created: PENDING on demo-01, priority 1")
                .containsPattern("task " + UUID_RE + " COMPLETED \\(exit 0\\)");
    }

    @Test
    void createTaskWaitOnAFailingCommandExits1AndShowsTheFailure() throws Exception {
        Run run = cli("create", "task", "--machine", "demo-01", "--command", "echo about to fail; exit 3", "--wait");
        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).isEqualTo("about to fail\n");
        assertThat(run.err()).containsPattern("error: task " + UUID_RE + " FAILED: exit 3 \\(remote exit code 3\\)");
        String id = run.err().replaceAll("(?s).*error: task (" + UUID_RE + ").*", "$1");
        JsonNode task = stack.task(id);
        assertThat(task.path("status").asText()).isEqualTo("FAILED");
        assertThat(task.path("exitCode").asInt()).isEqualTo(3);
    }

    @Test
    void createTaskWaitAsJsonPrintsTheFinishedTask() throws Exception {
        Run run = cli("create", "task", "--machine", "demo-01", "--command", "echo json", "--wait", "-o", "json");
        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode task = E2eStack.JSON.readTree(run.out());
        assertThat(task.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(task.path("output").asText()).isEqualTo("json\n");
    }

    @Test
    void createTaskPassesEveryOptionAndTheIdempotencyKeyReturnsTheSameTask() throws Exception {
        Path vault = home.resolve("vault.json");
        Files.writeString(vault, "{\"password\": \"s3cret\"}");
        String key = "cli-" + UUID.randomUUID();
        String[] args = {"create", "task", "--machine", "demo-01", "--command", "cat", "--priority", "5", "--retries", "2",
                "--retry-delay", "1m", "--timeout", "10m", "--delay", "1h", "--vault-file", vault.toString(),
                "--idempotency-key", key, "--resumable", "--alert", "-o", "json"};
        Run first = cli(args);
        assertThat(first.exit()).as(first.toString()).isZero();
        JsonNode task = E2eStack.JSON.readTree(first.out());
        assertThat(task.path("priority").asInt()).isEqualTo(5);
        assertThat(task.path("maxRetries").asInt()).isEqualTo(2);
        assertThat(task.path("retryDelay").asInt()).isEqualTo(60);
        assertThat(task.path("timeoutSeconds").asInt()).isEqualTo(600);
        assertThat(task.path("notBefore").asText()).isNotEmpty();
        assertThat(task.path("resumable").asBoolean()).isTrue();
        assertThat(task.path("failureAction").asText()).isEqualTo("ALERT");
        assertThat(task.path("vaultData").toString()).contains("password").doesNotContain("s3cret");
        Run again = cli(args);
        assertThat(E2eStack.JSON.readTree(again.out()).path("taskId").asText()).isEqualTo(task.path("taskId").asText());
        Run table = cli(java.util.Arrays.copyOf(args, args.length - 2));
        assertThat(table.out()).contains("already exists for this idempotency key");
        cli("cancel", "queue", task.path("taskId").asText(), "--confirm");
    }

    @Test
    void listQueueFiltersAndFitsTheTerminal() throws Exception {
        String marker = "list-marker-" + UUID.randomUUID();
        String id = createQuiet("echo " + marker + "; echo a long command that does not fit in a narrow terminal at all");
        stack.awaitTerminal(id);

        Run table = cli(Map.of("REDIACC_URL", stack.queueUrl(), "REDIACC_TOKEN", stack.adminToken, "COLUMNS", "100"), "",
                "list", "queue", "--machine", "demo-01", "--status", "completed", "--limit", "50");
        assertThat(table.exit()).as(table.toString()).isZero();
        List<String> lines = table.out().lines().toList();
        assertThat(lines.getFirst()).startsWith("ID").contains("STATUS").contains("PRI").contains("MACHINE").contains("COMMAND");
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith(id + "  COMPLETED").endsWith("…"));
        assertThat(lines).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(100));
        assertThat(table.out()).doesNotContain("\u001b[");

        Run quiet = cli("list", "queue", "--machine", "demo-01", "-q");
        assertThat(quiet.out().lines()).contains(id).allSatisfy(line -> assertThat(line).matches(UUID_RE));

        Run json = cli("list", "queue", "--status", "PENDING", "--priority", "1", "-o", "json");
        assertThat(E2eStack.JSON.readTree(json.out()).path("items").isArray()).isTrue();
        assertThat(json.out()).doesNotContain(id);

        Run yaml = cli("list", "queue", "--limit", "1", "-o", "yaml");
        assertThat(yaml.out()).startsWith("items:").contains("nextCursor:");

        Run wide = cli("list", "queue", "--machine", "demo-01", "-o", "wide");
        assertThat(wide.out().lines().findFirst().orElseThrow()).contains("TEAM").contains("TRIES").contains("EXIT");
    }

    @Test
    void inspectQueueShowsTheTaskHistoryAndOutput() throws Exception {
        String id = createQuiet("echo inspected; exit 4");
        stack.awaitTerminal(id);
        Run run = cli("inspect", "queue", id);
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Task:").contains(id).contains("Status:          FAILED")
                .contains("Machine:         demo-01 (team default)").contains("Exit code:       4").contains("Error:           exit 4")
                .contains("History:").contains("PROCESSING").contains("Output:").contains("  inspected");
        assertThat(E2eStack.JSON.readTree(cli("inspect", "queue", id, "-o", "json").out()).path("exitCode").asInt()).isEqualTo(4);
    }

    @Test
    void anUnknownTaskIsAClearFailure() {
        String unknown = UUID.randomUUID().toString();
        for (String[] args : List.of(new String[]{"inspect", "queue", unknown}, new String[]{"logs", unknown},
                new String[]{"retry", "queue", unknown}, new String[]{"logs", "-f", unknown})) {
            Run run = cli(args);
            assertThat(run.exit()).as(String.join(" ", args) + "\n" + run).isEqualTo(1);
            assertThat(run.err()).as(String.join(" ", args)).contains("error: ").contains(unknown).contains("(HTTP 404 Not Found)")
                    .doesNotContain("Exception");
        }
    }

    @Test
    void cancelWithoutConfirmChangesNothingAndWithConfirmCancels() throws Exception {
        String first = createQuiet("echo never", "--delay", "1h");
        String second = createQuiet("echo never either", "--delay", "1h");
        String unknown = UUID.randomUUID().toString();

        Run dry = cli("cancel", "queue", first, second, unknown);
        assertThat(dry.exit()).as(dry.toString()).isEqualTo(2);
        assertThat(dry.out()).contains(first).contains(second).contains("cancel").contains("nothing: no such task");
        assertThat(dry.err()).contains("nothing changed: add --confirm to cancel 2 task(s)");
        assertThat(stack.task(first).path("status").asText()).isEqualTo("PENDING");
        assertThat(stack.task(second).path("status").asText()).isEqualTo("PENDING");
        assertThat(stack.transitions(first)).containsExactly("PENDING");

        Run done = cli("cancel", "queue", first, second, "--confirm");
        assertThat(done.exit()).as(done.toString()).isZero();
        assertThat(done.out()).containsPattern(first + "\\s+CANCELLED").containsPattern(second + "\\s+CANCELLED");
        assertThat(stack.task(first).path("status").asText()).isEqualTo("CANCELLED");
        assertThat(stack.task(second).path("status").asText()).isEqualTo("CANCELLED");

        Run again = cli("cancel", "queue", first, unknown, "--confirm");
        assertThat(again.exit()).as(again.toString()).isEqualTo(1);
        assertThat(again.out()).containsPattern(first + "\\s+ALREADY_TERMINAL").containsPattern(unknown + "\\s+NOT_FOUND");
    }

    @Test
    void cancelStopsARunningTask() throws Exception {
        String id = createQuiet("echo started; sleep 60");
        stack.awaitStatus(id, java.util.Set.of("PROCESSING"), Duration.ofSeconds(60));
        Run run = cli("cancel", "queue", id, "--confirm", "-q");
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out().strip()).isEqualTo(id);
        assertThat(stack.awaitTerminal(id).path("status").asText()).isEqualTo("CANCELLED");
    }

    @Test
    void retryQueueRunsAFailedTaskAgain() throws Exception {
        String failed = createQuiet("echo attempt; exit 5");
        stack.awaitTerminal(failed);
        Run run = cli("retry", "queue", failed, "--wait");
        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).isEqualTo("attempt\n");
        assertThat(run.err()).contains("(retry of " + failed + ")").contains("FAILED: exit 5");

        String completed = createQuiet("true");
        stack.awaitTerminal(completed);
        Run refused = cli("retry", "queue", completed);
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.err()).contains("(HTTP 409 Conflict)");

        Run quiet = cli("retry", "queue", failed, "-q");
        assertThat(quiet.out().strip()).matches(UUID_RE).isNotEqualTo(failed);
        assertThat(stack.task(quiet.out().strip()).path("retriedFrom").asText()).isEqualTo(failed);
    }

    @Test
    void logsPrintsAndFollowsTheOutput() throws Exception {
        String id = createQuiet("for i in 1 2 3; do echo line $i; sleep 0.4; done");
        Run followed = cli("logs", "-f", id);
        assertThat(followed.exit()).as(followed.toString()).isZero();
        assertThat(followed.out()).isEqualTo("line 1\nline 2\nline 3\n");
        assertThat(followed.err()).contains("-- task " + id + " COMPLETED (exit 0)");
        assertThat(stack.task(id).path("status").asText()).isEqualTo("COMPLETED");

        Run logs = cli("logs", id);
        assertThat(logs.exit()).isZero();
        assertThat(logs.out()).isEqualTo("line 1\nline 2\nline 3\n");
    }

    @Test
    void statsShowsCountsPerStatusAndPriority() throws Exception {
        stack.awaitTerminal(createQuiet("true", "--priority", "2"));
        Run table = cli("stats");
        assertThat(table.exit()).as(table.toString()).isZero();
        assertThat(table.out()).contains("PRIORITY").contains("COMPLETED").contains("TOTAL").contains("all").contains("Oldest pending:");
        JsonNode json = E2eStack.JSON.readTree(cli("stats", "--team", "default", "-o", "json").out());
        assertThat(json.path("byStatus").path("COMPLETED").asLong()).isPositive();
    }

    // ------------------------------------------------------------------ machines and vault

    @Test
    void machinesCanBeAddedListedPausedAndResumed() throws Exception {
        String name = "cli-" + UUID.randomUUID().toString().substring(0, 8);
        Path hostKey = home.resolve("host.pub");
        Files.writeString(hostKey, E2eStack.env("DEMO_SSH_HOST_KEY") + "\n");
        Run add = cli("machine", "add", name, "--team", "default", "--host", "127.0.0.1", "--port", E2eStack.env("SSH_PORT"),
                "--user", E2eStack.env("DEMO_SSH_USER"), "--host-key-file", hostKey.toString(), "--credential", "demo-01-key",
                "--tag", "eu", "--tag", "db", "--max-concurrency", "3");
        assertThat(add.exit()).as(add.toString()).isZero();
        assertThat(add.out()).contains("machine " + name + " registered in team default");

        Run duplicate = cli("machine", "add", name, "--team", "default", "--host", "127.0.0.1", "--user", "x",
                "--host-key", E2eStack.env("DEMO_SSH_HOST_KEY"), "--credential", "demo-01-key");
        assertThat(duplicate.exit()).isEqualTo(1);
        assertThat(duplicate.err()).contains("already exists").contains("409");

        Run list = cli("machine", "list", "--team", "default");
        assertThat(list.out()).contains("demo-01").contains(name).containsPattern(name + "\\s+default\\s+\\S+@127.0.0.1:\\d+\\s+3\\s+ready\\s+eu,db");
        assertThat(cli("machines", "ls", "-q").out().lines()).contains(name, "demo-01");

        assertThat(cli("machine", "pause", name).exit()).isZero();
        JsonNode paused = E2eStack.JSON.readTree(cli("machine", "get", name, "-o", "json").out());
        assertThat(paused.path("paused").asBoolean()).isTrue();
        assertThat(cli("machine", "get", name).out()).contains("State:").contains("paused").contains("Tags:");
        assertThat(cli("machine", "resume", name).exit()).isZero();
        assertThat(stack.get("/api/v1/machines/" + name).path("paused").asBoolean()).isFalse();

        String id = createQuiet("echo on " + name);
        Run wait = cli("create", "task", "--machine", name, "--command", "echo via " + name, "--wait");
        assertThat(wait.exit()).as(wait.toString()).isZero();
        assertThat(wait.out()).contains("via " + name);
        stack.awaitTerminal(id);

        Run unknown = cli("machine", "get", "no-such-machine");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("no machine named 'no-such-machine'");
    }

    @Test
    void vaultPutListAndRotate() throws Exception {
        Path keyFile = home.resolve("key");
        Files.writeString(keyFile, "-----BEGIN KEY-----\nnot really\n-----END KEY-----\n");
        Run put = cli("vault", "put", "cli-secret", "--team", "default", "--set", "user=app", "--file-field", "privateKey=" + keyFile);
        assertThat(put.exit()).as(put.toString()).isZero();
        assertThat(put.out()).contains("stored cli-secret version 1 in the vault of team default");
        assertThat(cli("vault", "put", "cli-secret", "--team", "default", "--set", "user=app2").out()).contains("version 2");

        Run list = cli("vault", "list", "--team", "default");
        assertThat(list.out()).containsPattern("cli-secret\\s+2\\s+2").doesNotContain("not really").doesNotContain("app2");

        Run rotate = cli("vault", "rotate", "--team", "default", "-o", "json");
        assertThat(rotate.exit()).as(rotate.toString()).isZero();
        assertThat(E2eStack.JSON.readTree(rotate.out()).path("latestVersion").asInt()).isGreaterThanOrEqualTo(2);

        Run empty = cli("vault", "put", "x", "--team", "default");
        assertThat(empty.exit()).isEqualTo(2);
        Run invalid = cli("vault", "put", "bad name!", "--team", "default", "--set", "a=b");
        assertThat(invalid.exit()).isEqualTo(1);
        assertThat(invalid.err()).contains("(HTTP 400 Bad Request)").contains("name: letters, digits");
    }

    // ------------------------------------------------------------------ crons and onExit

    @Test
    void cronsAreCreatedListedTriggeredPausedResumedAndDeleted() throws Exception {
        String name = "cli-cron-" + UUID.randomUUID().toString().substring(0, 8);
        Run create = cli("cron", "create", name, "--machine", "demo-01", "--cron", "0 3 * * *", "--timezone", "Europe/Paris",
                "--command", "echo cron run", "--max-runtime", "2h", "--checkin-margin", "10m");
        assertThat(create.exit()).as(create.toString()).isZero();
        assertThat(create.out()).startsWith("cron " + name + " created on demo-01 (team default): next run ");
        JsonNode stored = stack.get("/api/v1/crons/" + name);
        assertThat(stored.path("maxRuntimeInMinutes").asInt()).isEqualTo(120);
        assertThat(stored.path("checkinMargin").asInt()).isEqualTo(10);
        assertThat(stored.path("timezone").asText()).isEqualTo("Europe/Paris");

        Run list = cli("cron", "list");
        assertThat(list.exit()).as(list.toString()).isZero();
        assertThat(list.out()).containsPattern(name + "\\s+demo-01\\s+0 3 \\* \\* \\*\\s+Europe/Paris\\s+active\\s+\\S+Z\\s+echo cron run");
        assertThat(cli("cron", "list", "-q").out().lines()).contains(name);

        Run get = cli("cron", "get", name);
        assertThat(get.exit()).as(get.toString()).isZero();
        assertThat(get.out()).containsPattern("Last run:\\s+none yet").contains("Next runs:");
        assertThat(get.out().lines().filter(line -> line.matches("  \\S+Z  \\(\\w{3} [-0-9]{10} 03:00 Europe/Paris\\)")))
                .hasSize(5);

        Run triggered = cli("cron", "trigger", name, "-q");
        assertThat(triggered.exit()).as(triggered.toString()).isZero();
        String first = triggered.out().strip();
        assertThat(first).matches(UUID_RE);
        JsonNode task = stack.awaitTerminal(first);
        assertThat(task.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(task.path("output").asText()).isEqualTo("cron run\n");
        Run waited = cli("cron", "trigger", name, "--wait");
        assertThat(waited.exit()).as(waited.toString()).isZero();
        assertThat(waited.out()).isEqualTo("cron run\n");
        assertThat(waited.err()).containsPattern("cron " + name + " triggered: task " + UUID_RE)
                .containsPattern("task " + UUID_RE + " COMPLETED \\(exit 0\\)");
        String second = waited.err().replaceAll("(?s).*triggered: task (" + UUID_RE + ").*", "$1");

        Run runs = cli("cron", "runs", name);
        assertThat(runs.exit()).as(runs.toString()).isZero();
        List<String> lines = runs.out().lines().toList();
        assertThat(lines.getFirst()).matches("SLOT\\s+STATE\\s+KIND\\s+TASK\\s+LATE\\s+DETAIL");
        assertThat(lines).anySatisfy(line -> assertThat(line).matches("\\S+Z\\s+SUCCEEDED\\s+MANUAL\\s+" + first));
        assertThat(cli("cron", "runs", name, "-q").out().lines()).containsSubsequence(second, first);
        assertThat(cli("cron", "get", name).out()).containsPattern("Last run:\\s+SUCCEEDED: MANUAL run of \\S+, task " + second);

        Run pause = cli("cron", "pause", name);
        assertThat(pause.exit()).as(pause.toString()).isZero();
        assertThat(pause.err()).contains("cron " + name + " paused");
        JsonNode paused = E2eStack.JSON.readTree(cli("cron", "get", name, "-o", "json").out());
        assertThat(paused.path("enabled").asBoolean()).isFalse();
        assertThat(paused.path("nextRuns")).isEmpty();
        assertThat(cli("cron", "get", name).out()).containsPattern("State:\\s+paused").contains("Next runs: none (paused)");
        Run resume = cli("cron", "resume", name);
        assertThat(resume.exit()).as(resume.toString()).isZero();
        assertThat(resume.err()).contains("cron " + name + " resumed; next run ");
        assertThat(stack.get("/api/v1/crons/" + name).path("nextRuns")).hasSize(5);

        Run dry = cli("cron", "delete", name);
        assertThat(dry.exit()).as(dry.toString()).isEqualTo(2);
        assertThat(dry.err()).contains("would delete cron " + name).contains("nothing changed: add --confirm");
        assertThat(stack.get("/api/v1/crons/" + name).path("name").asText()).isEqualTo(name);
        Run delete = cli("cron", "delete", name, "--confirm");
        assertThat(delete.exit()).as(delete.toString()).isZero();
        Run gone = cli("cron", "get", name);
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(gone.err()).contains("no cron named '" + name + "'").contains("(HTTP 404 Not Found)");
    }

    @Test
    void aBadScheduleIsRefusedWithTheServersFieldMessage() {
        Run badCron = cli("cron", "create", "cli-bad-cron", "--machine", "demo-01", "--command", "true", "--cron", "61 * * *");
        assertThat(badCron.exit()).as(badCron.toString()).isEqualTo(1);
        assertThat(badCron.err()).contains("(HTTP 400 Bad Request)").contains("cronString: has 4 fields");
        Run badZone = cli("cron", "create", "cli-bad-cron", "--machine", "demo-01", "--command", "true", "--cron", "@daily",
                "--timezone", "Mars/Olympus");
        assertThat(badZone.exit()).as(badZone.toString()).isEqualTo(1);
        assertThat(badZone.err()).contains("timezone: 'Mars/Olympus' is not an IANA time zone");
        assertThat(cli("cron", "get", "cli-bad-cron").exit()).isEqualTo(1);
    }

    @Test
    void createTaskOnExitRunsAFollowUpThatReadsTheEndedTask() throws Exception {
        String id = createQuiet("echo main; exit 3", "--on-exit", "cat");
        assertThat(stack.awaitTerminal(id).path("status").asText()).isEqualTo("FAILED");
        String followUp = Await.until("the onExit follow-up of " + id, Duration.ofSeconds(60), () -> {
            JsonNode page = E2eStack.JSON.readTree(cli("list", "queue", "--machine", "demo-01", "-o", "json").out());
            for (JsonNode task : page.path("items")) {
                if (id.equals(task.path("onExitOf").asText())) {
                    return task.path("taskId").asText();
                }
            }
            return null;
        }, found -> found != null, stack::logs);
        JsonNode ended = E2eStack.JSON.readTree(stack.awaitTerminal(followUp).path("output").asText());
        assertThat(ended.path("taskId").asText()).isEqualTo(id);
        assertThat(ended.path("exitCode").asInt()).isEqualTo(3);
        assertThat(cli("inspect", "queue", id).out()).containsPattern("On exit:\\s+cat");
        assertThat(cli("inspect", "queue", followUp).out()).containsPattern("On exit of:\\s+" + id).contains("Command:         cat");
    }

    // ------------------------------------------------------------------ connection, errors, login

    @Test
    void aBadTokenIsRefusedWithAHint() {
        Run run = cli(Map.of("REDIACC_URL", stack.queueUrl(), "REDIACC_TOKEN", "not-a-token"), "", "list", "queue");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("(HTTP 401 Unauthorized)").contains("hint: the token was refused");
        Run none = cli(Map.of("REDIACC_URL", stack.queueUrl()), "", "list", "queue");
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).contains("401");
    }

    @Test
    void anUnreachableServerIsAClearFailure() throws Exception {
        Run run = cli(Map.of("REDIACC_URL", "http://127.0.0.1:" + Ports.free(), "REDIACC_TOKEN", "x"), "",
                "create", "task", "--machine", "demo-01", "--command", "true");
        assertThat(run.exit()).as("3: unavailable (docs/cli.md)").isEqualTo(3);
        assertThat(run.err()).contains("cannot reach the rediacc server").contains("hint:").doesNotContain("Exception");
    }

    @Test
    void loginSavesAProfileThatLaterCommandsUse() throws Exception {
        Run bad = cli(Map.of(), "wrong-token\n", "login", "--url", stack.queueUrl(), "--token-stdin");
        assertThat(bad.exit()).as(bad.toString()).isEqualTo(1);
        assertThat(bad.err()).contains("401");
        Path config = home.resolve(".config/rediacc/config");
        assertThat(config).doesNotExist();

        Run login = cli(Map.of(), stack.adminToken + "\n", "login", "--url", stack.queueUrl(), "--token-stdin", "--profile", "e2e");
        assertThat(login.exit()).as(login.toString()).isZero();
        assertThat(login.err()).contains("logged in to " + stack.queueUrl()).contains("profile e2e");
        assertThat(Files.readString(config)).contains("current-profile: e2e").contains(stack.queueUrl());
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-------");

        Run list = cli(Map.of(), "", "list", "queue", "--limit", "1");
        assertThat(list.exit()).as(list.toString()).isZero();
        // The environment still wins over the profile.
        Run overridden = cli(Map.of("REDIACC_TOKEN", "bad"), "", "list", "queue");
        assertThat(overridden.exit()).isEqualTo(1);
        // The launcher finds the same config through HOME.
        Run launched = launcher(Map.of(), "stats", "-o", "json");
        assertThat(launched.exit()).as(launched.toString()).isZero();
        assertThat(E2eStack.JSON.readTree(launched.out()).has("byStatus")).isTrue();
    }

    @Test
    void theLauncherRunsATaskAndReportsItsFailure() throws Exception {
        Run run = launcher(adminEnv(), "create", "task", "--machine", "demo-01", "--command", "echo from-launcher; exit 3", "--wait");
        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).isEqualTo("from-launcher\n");
        assertThat(run.err()).contains("FAILED: exit 3").doesNotContain("\u001b[");

        Run ok = launcher(adminEnv(), "create", "task", "--machine", "demo-01", "--command", "echo fine", "--wait", "-q");
        assertThat(ok.exit()).as(ok.toString()).isZero();
        assertThat(ok.out().strip()).matches(UUID_RE);
    }

    @Test
    void theLauncherFindsAJavaEvenWhenJavaHomeIsWrongAndExitsWithUsageAndConnectionCodes() throws Exception {
        Map<String, String> env = new HashMap<>(adminEnv());
        env.put("JAVA_HOME", home.resolve("no-jdk-here").toString());
        Run version = launcher(env, "--version");
        assertThat(version.exit()).as(version.toString()).isZero();
        assertThat(version.out()).startsWith("rediacc ");

        Run usage = launcher(env, "create", "task", "--command", "true");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("Missing required option: '--machine=NAME'");

        Run unreachable = launcher(Map.of("REDIACC_URL", "http://127.0.0.1:" + Ports.free(), "REDIACC_TOKEN", "x"),
                "list", "queue");
        assertThat(unreachable.exit()).as("3: unavailable (docs/cli.md)").isEqualTo(3);
        assertThat(unreachable.err()).contains("cannot reach the rediacc server");

        Run completion = launcher(env, "completion", "bash");
        assertThat(completion.exit()).isZero();
        assertThat(completion.out()).contains("complete -F");
    }

    // ------------------------------------------------------------------ users, teams, members, audit, events

    @Test
    void usersTeamsAndMembers() throws Exception {
        String team = "cli-team-" + UUID.randomUUID().toString().substring(0, 8);
        String user = "cli-user-" + UUID.randomUUID().toString().substring(0, 8);

        Run createTeam = cli("team", "create", team);
        assertThat(createTeam.exit()).as(createTeam.toString()).isZero();
        assertThat(cli("team", "list", "-q").out().lines()).contains(team);
        assertThat(cli("team", "get", team, "-o", "json").out()).contains("\"name\" : \"" + team + "\"");

        Run createUser = cli("user", "create", user, "-o", "json");
        assertThat(createUser.exit()).as(createUser.toString()).isZero();
        String token = E2eStack.JSON.readTree(createUser.out()).path("token").asText();
        assertThat(token).isNotBlank();
        assertThat(cli("user", "list").out()).contains(user);

        assertThat(cli("member", "add", user, "--team", team, "--role", "viewer").exit()).isZero();
        assertThat(cli("member", "list", "--team", team).out()).containsPattern(user + "\\s+VIEWER");
        Map<String, String> asUser = Map.of("REDIACC_URL", stack.queueUrl(), "REDIACC_TOKEN", token);
        Run me = cli(asUser, "", "user", "me");
        assertThat(me.exit()).as(me.toString()).isZero();
        assertThat(me.out()).contains(user).contains(team + " (VIEWER)");

        assertThat(cli("member", "set-role", user, "--team", team, "--role", "OPERATOR").exit()).isZero();
        assertThat(cli("member", "list", "--team", team).out()).containsPattern(user + "\\s+OPERATOR");

        Run rotated = cli("user", "token", user, "-q");
        assertThat(rotated.exit()).as(rotated.toString()).isZero();
        Run old = cli(asUser, "", "user", "me");
        assertThat(old.exit()).isEqualTo(1);
        assertThat(old.err()).contains("401");
        assertThat(cli(Map.of("REDIACC_URL", stack.queueUrl(), "REDIACC_TOKEN", rotated.out().strip()), "", "user", "me").exit()).isZero();

        assertThat(cli("member", "remove", user, "--team", team).exit()).isZero();
        assertThat(cli("member", "list", "--team", team).out()).doesNotContain(user);

        Run audit = cli("audit", "--team", team, "--since", "1h");
        assertThat(audit.exit()).as(audit.toString()).isZero();
        assertThat(audit.out()).contains("ACTOR").contains("ACTION");
        assertThat(E2eStack.JSON.readTree(cli("audit", "--limit", "5", "-o", "json").out()).path("items").size()).isPositive();

        // A task of team default runs, so its vault trail holds the bridge's decrypt of the machine key.
        Run ran = cli("create", "task", "--machine", "demo-01", "--command", "true", "--wait");
        assertThat(ran.exit()).as(ran.toString()).isZero();
        Run vaultTrail = cli("audit", "--vault", "--team", "default", "-o", "json");
        assertThat(vaultTrail.exit()).as(vaultTrail.toString()).isZero();
        assertThat(E2eStack.JSON.readTree(vaultTrail.out()).path("items").findValuesAsText("action")).contains("DECRYPT");
        Run noTeam = cli("audit", "--vault");
        assertThat(noTeam.exit()).isEqualTo(2);
        assertThat(noTeam.err()).contains("--vault needs --team");
    }

    @Test
    void machineUpdateAndDelete() throws Exception {
        String name = "cli-del-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(cli("machine", "add", name, "--team", "default", "--host", "127.0.0.1", "--port", E2eStack.env("SSH_PORT"),
                "--user", E2eStack.env("DEMO_SSH_USER"), "--host-key", E2eStack.env("DEMO_SSH_HOST_KEY"),
                "--credential", "demo-01-key").exit()).isZero();
        Run update = cli("machine", "update", name, "--max-concurrency", "4");
        assertThat(update.exit()).as(update.toString()).isZero();
        assertThat(stack.get("/api/v1/machines/" + name).path("maxConcurrency").asInt()).isEqualTo(4);
        Run dry = cli("machine", "delete", name);
        assertThat(dry.exit()).isEqualTo(2);
        assertThat(stack.get("/api/v1/machines/" + name).path("name").asText()).isEqualTo(name);
        Run delete = cli("machine", "delete", name, "--confirm");
        assertThat(delete.exit()).as(delete.toString()).isZero();
        assertThat(cli("machine", "get", name).exit()).isEqualTo(1);
    }

    @Test
    void watchShowsTaskEventsLive() throws Exception {
        List<String> ours = new CopyOnWriteArrayList<>();
        String probes = "cli-watch-probe-" + UUID.randomUUID().toString().substring(0, 8);
        stack.registerDemoMachine(probes, 1);
        assertThat(stack.post("/api/v1/machines/" + probes + "/pause", Map.of()).statusCode()).isEqualTo(200);
        try (InputStream stream = stack.openEventStream("/api/v1/events", stack.adminToken, ours)) {
            CompletableFuture<Run> watching = CompletableFuture.supplyAsync(
                    () -> cli("watch", "--machine", "demo-01", "--count", "4", "-o", "json"));
            awaitWatching(ours, probes);
            String id = createQuiet("echo watched");
            Run run = watching.get(60, TimeUnit.SECONDS);
            assertThat(run.exit()).as(run.toString()).isZero();
            List<String> types = run.out().lines().map(line -> {
                try {
                    JsonNode event = E2eStack.JSON.readTree(line);
                    assertThat(event.path("subject").asText()).isEqualTo(id);
                    return event.path("type").asText();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
            assertThat(types).containsExactly("rediacc.task.pending", "rediacc.task.assigned", "rediacc.task.processing",
                    "rediacc.task.completed");

            CompletableFuture<Run> table = CompletableFuture.supplyAsync(() -> cli("watch", "--machine", "demo-01", "--count", "1"));
            awaitWatching(ours, probes);
            String second = createQuiet("echo watched again");
            Run tableRun = table.get(60, TimeUnit.SECONDS);
            assertThat(tableRun.out()).startsWith("TIME").containsPattern("PENDING\\s+" + second + "\\s+demo-01");
        }
    }

    /**
     * Returns once our own stream {@code ours} has shown a task created after a watch started, on the
     * paused machine {@code probes} (which the watch leaves out): the queue's event feed is live, and
     * the watch has had at least that round trip to subscribe (its subscription cannot be seen from here).
     */
    private void awaitWatching(List<String> ours, String probes) {
        stack.awaitLive(ours, () -> stack.createTask(Map.of("machine", probes, "command", "true")).path("taskId").asText());
    }
}
