package com.rediacc.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.rediacc.testsupport.Await;
import com.rediacc.testsupport.NetnsMachine;
import com.rediacc.testsupport.TempDirs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Machines that crash or drop off the network: real sshd servers in network namespaces of their
 * own ({@link NetnsMachine}), crashed (every process of the namespace killed) or cut off (link down,
 * then up), while tasks run there, held on gates. Every command appends "start|done|killed TASK
 * ATTEMPT" lines to a log on the machine: that log, not the queue, proves what ran and how often.
 */
class MachineFailureIT {
    private static final String CRASH = "ns-crash-01";
    private static final String CUT = "ns-cut-01";
    private static final String DEAD = "ns-dead-01";
    private static final String DEMO = "ns-demo-01";
    /** Keepalive every second, two unanswered: a machine cut off is noticed within about 3 s. */
    private static final Map<String, String> BRIDGE = Map.of(
            "REDIACC_BRIDGE_BATCH_SIZE", "8",
            "REDIACC_BRIDGE_HEARTBEAT_EVERY", "1s",
            "REDIACC_BRIDGE_SSH_KEEPALIVE_INTERVAL", "1s",
            "REDIACC_BRIDGE_SSH_KEEPALIVE_MISSED", "2",
            "REDIACC_BRIDGE_SSH_CONNECT_TIMEOUT", "3s");
    private static final Duration SETTLE = Duration.ofSeconds(120);
    private static final List<NetnsMachine> machines = new ArrayList<>();
    private static final Map<String, NetnsMachine> byName = new HashMap<>();
    private static E2eStack stack;
    private static Path remote;

    @BeforeAll
    static void startServices() throws Exception {
        remote = TempDirs.forMachineCommands("rediacc-e2e-machine-failure-");
        // Assigned before it starts anything, so that @AfterAll stops what did start if start-up fails.
        stack = new E2eStack("machinefailure");
        Path key = Path.of(E2eStack.env("DEMO_SSH_KEY_FILE"));
        for (String name : List.of(CRASH, CUT, DEAD)) {
            NetnsMachine machine = NetnsMachine.start(key);
            machines.add(machine);
            byName.put(name, machine);
        }
        stack.startCore(CrashSupport.FAST_QUEUE);
        stack.startBridge("mf1", BRIDGE);
        for (String name : List.of(CRASH, CUT, DEAD)) {
            NetnsMachine machine = byName.get(name);
            stack.registerMachine(name, machine.host, machine.port, machine.user, machine.hostKey, 3);
        }
        stack.registerDemoMachine(DEMO, 2);
    }

    @AfterAll
    static void stopServices() throws Exception {
        try {
            if (stack != null) {
                stack.close();
            }
        } finally {
            for (NetnsMachine machine : machines) {
                try {
                    machine.close();
                } catch (Exception e) {
                    System.err.println("[machine-failure] removing a namespace machine: " + e);
                }
            }
            TempDirs.delete(remote);
        }
    }

    @Test
    void aCrashEndsTheRunningAttemptsWithAConnectionErrorAndTheRetryPolicyDecides() throws Exception {
        Gate gate = new Gate(remote, "crash");
        Path log = remote.resolve(CRASH + ".log");
        String retried = create(CRASH, "retried", gate, log, Map.of("maxRetries", 2, "retryDelay", 1));
        String once = create(CRASH, "once", gate, log, Map.of("maxRetries", 0));
        awaitStarted(log, List.of("retried", "once"));

        byName.get(CRASH).crash();
        // The bridge hears the connection close: both attempts are lost, not failed yet, as their
        // commands may still run (a crash is only one way to lose a connection).
        for (String id : List.of(retried, once)) {
            JsonNode lost = awaitLost(id);
            assertThat(lost.path("error").asText()).startsWith("machine '" + CRASH + "' (" + byName.get(CRASH).host + ":22): "
                    + "connection lost while the command ran");
        }
        gate.open();
        byName.get(CRASH).restart();

        JsonNode failed = stack.awaitStatus(once, E2eStack.TERMINAL, SETTLE);
        assertThat(failed.path("status").asText()).isEqualTo("FAILED");
        assertThat(failed.path("error").asText()).startsWith("interrupted: machine '" + CRASH + "' (")
                .contains("connection lost while the command ran");
        assertThat(failed.path("attempts").asInt()).isEqualTo(1);
        JsonNode completed = stack.awaitStatus(retried, E2eStack.TERMINAL, SETTLE);
        assertThat(completed.path("status").asText()).as("%s", completed).isEqualTo("COMPLETED");
        assertThat(completed.path("attempts").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(stack.history(retried)).anySatisfy(entry -> assertThat(entry.path("detail").asText())
                .contains("connection lost while the command ran").contains("retry 1 of 2"));

        RemoteLog runs = RemoteLog.read(log);
        assertThat(runs.done("retried")).as("the retry ran to its end once").hasSize(1);
        assertThat(runs.done("once")).as("the crashed attempt never finished").isEmpty();
        assertThat(runs.started("once")).hasSize(1);
    }

    @Test
    void afterAPartitionHealsNoCommandHasRunTwiceAndNoTaskIsStuck() throws Exception {
        NetnsMachine machine = byName.get(CUT);
        Gate gate = new Gate(remote, "cut");
        Path log = remote.resolve(CUT + ".log");
        List<String> labels = List.of("cut-a", "cut-b", "cut-c");
        Map<String, String> ids = new HashMap<>();
        for (String label : labels) {
            ids.put(label, create(CUT, label, gate, log, Map.of("maxRetries", 1, "retryDelay", 1)));
        }
        awaitStarted(log, labels);

        Instant cut = Instant.now();
        machine.partition();
        for (String id : ids.values()) {
            assertThat(awaitLost(id).path("error").asText()).startsWith("machine '" + CUT + "' (" + machine.host + ":22): "
                    + "connection lost while the command ran");
        }
        System.out.printf("[machine-failure] a machine cut off was noticed within %d ms%n",
                Duration.between(cut, Instant.now()).toMillis());
        // While it is cut off, nothing can end the lost commands: they stay lost, holding their slots.
        for (String id : ids.values()) {
            JsonNode task = stack.task(id);
            assertThat(task.path("status").asText()).isEqualTo("PROCESSING");
            assertThat(task.has("lostSince")).isTrue();
        }
        machine.heal();
        // A bridge ends the old commands (they log "killed"), then the retry policy runs them again.
        for (String id : ids.values()) {
            Await.until("task " + id + " settled after the partition", SETTLE,
                    () -> !stack.task(id).has("lostSince"), stack::logs);
        }
        for (String label : labels) {
            Await.until(label + "'s first attempt killed", SETTLE,
                    () -> RemoteLog.read(log).killed(label).size() == 1, () -> diagnostics(log, machine));
        }
        gate.open();

        for (String label : labels) {
            JsonNode done = stack.awaitStatus(ids.get(label), E2eStack.TERMINAL, SETTLE);
            assertThat(done.path("status").asText()).as("%s: %s", label, done).isEqualTo("COMPLETED");
        }
        RemoteLog runs = RemoteLog.read(log);
        for (String label : labels) {
            List<String> started = runs.started(label);
            assertThat(started).as("%s: the first attempt and its retry", label).hasSize(2);
            assertThat(runs.killed(label)).as("%s: the first attempt was ended", label).containsExactly(started.getFirst());
            assertThat(runs.done(label)).as("%s: ran to its end once, in the retry", label).containsExactly(started.getLast());
        }
    }

    @Test
    void tasksForAMachineThatIsGoneWaitWithoutHoldingUpOtherMachines() throws Exception {
        NetnsMachine machine = byName.get(DEAD);
        Path log = remote.resolve(DEAD + ".log");
        machine.partition();
        List<String> waiting = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            waiting.add(create(DEAD, "dead-" + i, null, log, Map.of("maxRetries", 100, "retryDelay", 1)));
        }
        String cannotConnect = "cannot connect to " + machine.host + ":22 (machine '" + DEAD + "')";
        for (String id : waiting) {
            Await.until("task " + id + " for the dead machine tried", SETTLE,
                    () -> stack.task(id).path("error").asText().startsWith(cannotConnect), stack::logs);
        }

        Path demoLog = remote.resolve(DEMO + ".log");
        List<String> others = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            others.add(create(DEMO, "demo-" + i, null, demoLog, Map.of()));
        }
        for (String id : others) {
            assertThat(stack.awaitStatus(id, E2eStack.TERMINAL, SETTLE).path("status").asText()).isEqualTo("COMPLETED");
        }
        for (String id : waiting) {
            JsonNode task = stack.task(id);
            assertThat(task.path("status").asText()).as("waits: %s", task).isIn("PENDING", "ASSIGNED", "PROCESSING");
            assertThat(task.path("error").asText()).as("says why").startsWith(cannotConnect);
        }
        assertThat(RemoteLog.read(log).lines).as("nothing ran there").isEmpty();

        machine.heal();
        for (String id : waiting) {
            assertThat(stack.awaitStatus(id, E2eStack.TERMINAL, SETTLE).path("status").asText()).isEqualTo("COMPLETED");
        }
        RemoteLog runs = RemoteLog.read(log);
        for (int i = 0; i < 4; i++) {
            assertThat(runs.done("dead-" + i)).hasSize(1);
        }
    }

    /**
     * A task on {@code machine} whose command logs its start, waits for {@code gate} (null: none),
     * logs its end; killed (TERM), it logs that instead. Its stderr goes nowhere: after a partition
     * the channel it had is gone, and bash writing "Terminated" there would die of SIGPIPE before
     * its trap ran.
     */
    private static String create(String machine, String label, Gate gate, Path log, Map<String, Object> options)
            throws Exception {
        String line = label + " $REDIACC_ATTEMPT\" >> " + log;
        String command = "exec 2>/dev/null; echo \"start " + line + "; trap 'echo \"killed " + line + "; exit 143' TERM; "
                + (gate == null ? "" : gate.shellWait() + "; ") + "echo \"done " + line;
        Map<String, Object> body = new HashMap<>(options);
        body.put("machine", machine);
        body.put("command", command);
        return stack.createTask(body).path("taskId").asText();
    }

    /** The machine's log and its sshd's, and the services' logs. */
    private static String diagnostics(Path log, NetnsMachine machine) {
        try {
            return "--- " + log + " ---\n" + String.join("\n", RemoteLog.read(log).lines()) + "\n--- sshd ---\n"
                    + Files.readString(machine.dir.resolve("sshd.log")) + "\n" + stack.logs();
        } catch (java.io.IOException e) {
            return e + "\n" + stack.logs();
        }
    }

    private static void awaitStarted(Path log, List<String> labels) {
        Await.until("commands " + labels + " started", SETTLE, () -> {
            RemoteLog runs = RemoteLog.read(log);
            return labels.stream().allMatch(label -> runs.started(label).size() == 1);
        }, stack::logs);
    }

    private static JsonNode awaitLost(String taskId) {
        return Await.until("task " + taskId + " lost", SETTLE, () -> stack.task(taskId),
                task -> task.has("lostSince"), stack::logs);
    }

    /** The machine's own record of what ran: "start|done|killed LABEL ATTEMPT" lines. */
    private record RemoteLog(List<String> lines) {
        static RemoteLog read(Path file) throws java.io.IOException {
            return new RemoteLog(Files.exists(file) ? Files.readAllLines(file) : List.of());
        }

        /** The attempt tokens of {@code label}'s lines of {@code kind}, in order. */
        List<String> of(String kind, String label) {
            return lines.stream().map(line -> line.split(" "))
                    .filter(f -> f.length == 3 && f[0].equals(kind) && f[1].equals(label))
                    .map(f -> f[2]).toList();
        }

        List<String> started(String label) {
            return of("start", label);
        }

        List<String> done(String label) {
            return of("done", label);
        }

        List<String> killed(String label) {
            return of("killed", label);
        }
    }
}
