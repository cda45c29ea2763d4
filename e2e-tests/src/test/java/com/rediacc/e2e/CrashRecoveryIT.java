package com.rediacc.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.rediacc.testsupport.Await;
import com.rediacc.testsupport.Teardown;
import com.rediacc.testsupport.TempDirs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bridges crash (SIGKILL, no chance to clean up) and share the work: the queue's leases, its
 * sweeper and Kafka's group rebalance must keep every task, run resumable work again, never run
 * non-resumable work twice, and end every task exactly once. The commands run on a real sshd whose
 * files (this host's) are the witness of what ran.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrashRecoveryIT {
    private static final Set<String> BRIDGE_IDS = Set.of("b1", "b2");
    /** How long a task may take to be claimed and start on a busy machine. */
    private static final Duration START = Duration.ofSeconds(60);
    /** How long a task may take to settle after its bridge was killed: lease expiry, a sweep, a rebalance, the cleanup. */
    private static final Duration SETTLE = Duration.ofSeconds(120);
    private static final Map<String, ServiceProcess> bridges = new LinkedHashMap<>();
    private static final Map<String, Integer> incarnations = new HashMap<>();
    private static E2eStack stack;
    private static Path remote;
    private static List<String> shareMachines;

    @BeforeAll
    static void startServices() throws Exception {
        remote = TempDirs.forMachineCommands("rediacc-e2e-crash-");
        // Assigned before it starts anything, so that @AfterAll stops what did start if start-up fails.
        stack = new E2eStack("crash");
        stack.startCore(CrashSupport.FAST_QUEUE);
        startBridge("b1");
        startBridge("b2");
        // One machine per dispatch partition: whatever the assignment, each bridge owns some machines.
        shareMachines = CrashSupport.machinesOnPartitions("share", 0, 1, 2, 3, 4, 5);
        for (String machine : shareMachines) {
            stack.registerDemoMachine(machine, 2);
        }
        stack.registerDemoMachine("crash-01", 2);
        stack.registerDemoMachine("orphan-01", 1);
        stack.registerDemoMachine("orphan-02", 1);
    }

    @AfterAll
    static void stopServices() throws Exception {
        Teardown.closeInOrder(stack, () -> TempDirs.delete(remote));
    }

    private static ServiceProcess startBridge(String id) throws Exception {
        int incarnation = incarnations.merge(id, 1, Integer::sum);
        ServiceProcess bridge = stack.startBridge(id, incarnation == 1 ? id : id + "-restart" + (incarnation - 1),
                CrashSupport.FAST_BRIDGE);
        bridges.put(id, bridge);
        return bridge;
    }

    @Test
    @Order(1)
    void twoBridgesShareTheMachinesAndEveryTaskRunsAndEndsExactlyOnce() throws Exception {
        awaitBothBridgesServe();

        List<String> ids = new ArrayList<>();
        Map<String, String> tokenOf = new HashMap<>();
        for (int i = 0; i < 150; i++) {
            String machine = shareMachines.get(i % shareMachines.size());
            String token = "share-" + i + "-" + UUID.randomUUID();
            String id = stack.createTask(Map.of("machine", machine,
                    "command", "echo " + token + " >> " + remote.resolve(machine + ".log") + "; sleep 0.2"))
                    .path("taskId").asText();
            ids.add(id);
            tokenOf.put(id, token);
        }
        Duration took = CrashSupport.awaitAllTerminal(stack, ids);

        Map<String, CrashSupport.Audit> audits = CrashSupport.audit(stack, ids);
        Map<String, Integer> ran = CrashSupport.remoteLines(remote);
        Map<String, Integer> perBridge = new TreeMap<>();
        Map<String, Set<String>> bridgesPerMachine = new TreeMap<>();
        assertThat(audits).hasSize(ids.size());
        for (CrashSupport.Audit audit : audits.values()) {
            assertThat(audit.status()).as("task %s", audit).isEqualTo("COMPLETED");
            assertThat(audit.terminalTransitions()).as("terminal transitions of %s", audit).isEqualTo(1);
            assertThat(audit.starts()).as("starts of %s", audit).isEqualTo(1);
            assertThat(audit.claimers()).as("claims of %s", audit).hasSize(1);
            assertThat(ran.getOrDefault(tokenOf.get(audit.id()), 0)).as("remote runs of %s", audit).isEqualTo(1);
            perBridge.merge(audit.claimers().getFirst(), 1, Integer::sum);
            bridgesPerMachine.computeIfAbsent(audit.machine(), m -> new TreeSet<>()).add(audit.claimers().getFirst());
        }
        assertThat(perBridge.keySet()).as("both bridges ran some of the tasks: %s", perBridge)
                .containsExactlyInAnyOrder("bridge:b1", "bridge:b2");
        System.out.printf("[crash] two bridges: %d tasks on %d machines in %d ms, per bridge %s, machines %s%n",
                ids.size(), shareMachines.size(), took.toMillis(), perBridge, bridgesPerMachine);
    }

    @Test
    @Order(2)
    void killedBridgeResumableTaskRunsAgainNonResumableFailsInterruptedAndRunsOnce() throws Exception {
        String resumableToken = "resumable-" + UUID.randomUUID();
        String onceToken = "once-" + UUID.randomUUID();
        Path resumableLog = remote.resolve("resumable.log");
        Path onceLog = remote.resolve("once.log");
        // Both commands run until the bridge is dead, however slow the machine is.
        Gate killed = new Gate(remote, "killed");
        String resumable = stack.createTask(Map.of("machine", "crash-01", "resumable", true, "maxRetries", 0,
                "command", "echo " + resumableToken + " >> " + resumableLog + "; " + killed.shellWait())).path("taskId").asText();
        String once = stack.createTask(Map.of("machine", "crash-01", "resumable", false, "maxRetries", 0,
                "command", "echo " + onceToken + " >> " + onceLog + "; " + killed.shellWait())).path("taskId").asText();
        stack.awaitStatus(resumable, Set.of("PROCESSING"), START);
        stack.awaitStatus(once, Set.of("PROCESSING"), START);
        awaitLine(resumableLog, resumableToken);
        awaitLine(onceLog, onceToken);

        Set<String> victims = new HashSet<>();
        victims.add(lastClaimer(resumable));
        victims.add(lastClaimer(once));
        Instant killedAt = Instant.now();
        try {
            for (String victim : victims) {
                bridges.get(victim).killHard();
            }
            // The killed commands end as they would have after their work; the re-run passes at once.
            killed.open();
            if (bridges.values().stream().noneMatch(ServiceProcess::alive)) {
                // Both tasks were on different bridges and both were killed: a restarted one takes over.
                startBridge(victims.iterator().next());
            }

            JsonNode failed = stack.awaitStatus(once, E2eStack.TERMINAL, SETTLE);
            JsonNode completed = stack.awaitStatus(resumable, E2eStack.TERMINAL, SETTLE);
            awaitMachineServedAfter("crash-01");

            assertThat(failed.path("status").asText()).as("%s\n%s", failed, stack.logs()).isEqualTo("FAILED");
            assertThat(failed.path("error").asText()).startsWith("interrupted");
            assertThat(failed.path("attempts").asInt()).isEqualTo(1);
            assertThat(stack.transitions(once)).containsExactly("PENDING", "ASSIGNED", "PROCESSING", "FAILED");
            assertThat(history(once).getLast().path("actor").asText()).isEqualTo("lease-reaper");
            assertThat(Files.readAllLines(onceLog)).as("the non-resumable command ran exactly once")
                    .containsExactly(onceToken);

            assertThat(completed.path("status").asText()).as("%s\n%s", completed, stack.logs()).isEqualTo("COMPLETED");
            assertThat(completed.path("attempts").asInt()).isEqualTo(2);
            assertThat(stack.transitions(resumable)).containsExactly("PENDING", "ASSIGNED", "PROCESSING",
                    "PENDING", "ASSIGNED", "PROCESSING", "COMPLETED");
            List<JsonNode> steps = history(resumable);
            assertThat(steps.get(3).path("actor").asText()).isEqualTo("lease-reaper");
            String rerunBy = steps.get(4).path("actor").asText();
            assertThat(bridges.get(rerunBy.substring("bridge:".length())).alive())
                    .as("re-run by a live bridge, not %s", rerunBy).isTrue();
            assertThat(Files.readAllLines(resumableLog)).as("the resumable command ran twice: killed, then again")
                    .containsExactly(resumableToken, resumableToken);

            Instant reaped = Instant.parse(steps.get(3).path("at").asText());
            Instant reclaimed = Instant.parse(steps.get(4).path("at").asText());
            Instant failedAt = Instant.parse(history(once).getLast().path("at").asText());
            Instant done = Instant.parse(steps.getLast().path("at").asText());
            System.out.printf("[crash] kill -9 of %s during PROCESSING: non-resumable FAILED 'interrupted' after %d ms;"
                            + " resumable back to PENDING after %d ms, re-claimed by %s after %d ms, COMPLETED after %d ms%n",
                    victims, Duration.between(killedAt, failedAt).toMillis(), Duration.between(killedAt, reaped).toMillis(),
                    rerunBy, Duration.between(killedAt, reclaimed).toMillis(), Duration.between(killedAt, done).toMillis());
        } finally {
            for (String id : BRIDGE_IDS) {
                if (!bridges.get(id).alive()) {
                    startBridge(id);
                }
            }
        }
    }

    /**
     * What a lost lease means on the machine. After kill -9 of a bridge its remote command keeps
     * running (OpenSSH sends no signal to the command of an exec channel without a pty when the
     * connection drops), so a bridge that still serves the machine must end it before a non-resumable
     * task is FAILED "interrupted" or a resumable one runs again, on a machine with maxConcurrency 1
     * (docs/adr/0004). Without that, the first run went on alongside the second.
     */
    @Test
    @Order(3)
    void lostLeaseEndsTheRemoteCommandBeforeTheTaskIsFailedOrRunAgain() throws Exception {
        String marker = "rediacc-orphan-" + UUID.randomUUID();
        String onceMarker = marker + "-once";
        String resumableMarker = marker + "-resumable";
        Path onceLog = remote.resolve("orphan-once.log");
        Path resumableLog = remote.resolve("orphan-resumable.log");
        Path firstRun = remote.resolve("orphan-resumable.first");
        // Opened only when the test is over: a command still held then was never ended by the cleanup.
        Gate testOver = new Gate(remote, "orphan-test-over");
        String once = stack.createTask(Map.of("machine", "orphan-01", "resumable", false,
                "command", "echo start >> " + onceLog + "; " + testOver.shellWait() + "; echo end >> " + onceLog
                        + " # " + onceMarker))
                .path("taskId").asText();
        // The first run is held; a second run only says when it started.
        String resumable = stack.createTask(Map.of("machine", "orphan-02", "resumable", true,
                "command", "if [ -e " + firstRun + " ]; then echo rerun $(date +%s%N) >> " + resumableLog + "; else touch "
                        + firstRun + "; " + testOver.shellWait() + "; echo end $(date +%s%N) >> " + resumableLog + "; fi # "
                        + resumableMarker))
                .path("taskId").asText();
        stack.awaitStatus(once, Set.of("PROCESSING"), START);
        stack.awaitStatus(resumable, Set.of("PROCESSING"), START);
        awaitLine(onceLog, "start");
        Await.until("the resumable task's first run started", START, () -> Files.exists(firstRun), stack::logs);
        // The cleanup then kills by process group; without a pid it finds the groups by their leader's
        // token (SshExecutionTest covers that).
        CrashSupport.awaitRemotePids(stack, List.of(once, resumable), START);
        Set<String> victims = new HashSet<>(List.of(lastClaimer(once), lastClaimer(resumable)));
        Instant killedAt = Instant.now();
        try {
            for (String victim : victims) {
                bridges.get(victim).killHard();
            }
            if (bridges.values().stream().noneMatch(ServiceProcess::alive)) {
                startBridge(victims.iterator().next());
            }
            JsonNode failed = stack.awaitStatus(once, E2eStack.TERMINAL, SETTLE);
            assertThat(failed.path("error").asText()).startsWith("interrupted");
            assertThat(remoteProcesses(onceMarker, killedAt))
                    .as("remote shells of the killed bridge's commands still running after the task FAILED 'interrupted'")
                    .isZero();

            stack.awaitStatus(resumable, Set.of("COMPLETED"), SETTLE);
            // Started before the kill, so not the second run (same command line), which ran after the cleanup.
            assertThat(remoteProcesses(resumableMarker, killedAt))
                    .as("remote shells of the killed bridge's commands still running after the task ran again")
                    .isZero();
            List<String> lines = Files.readAllLines(resumableLog);
            long rerunAt = lines.stream().filter(l -> l.startsWith("rerun ")).mapToLong(l -> Long.parseLong(l.substring(6)))
                    .findFirst().orElseThrow();
            lines.stream().filter(l -> l.startsWith("end ")).mapToLong(l -> Long.parseLong(l.substring(4))).forEach(end ->
                    assertThat(end).as("the first run ended before the second started (%s)", lines).isLessThan(rerunAt));
            JsonNode settled = history(once).getLast();
            System.out.printf("[crash] kill -9 of %s: remote commands ended and the non-resumable task FAILED %d ms after"
                            + " the kill (%s); the resumable one re-ran after its first run had ended%n", victims,
                    Duration.between(killedAt, Instant.parse(settled.path("at").asText())).toMillis(),
                    settled.path("detail").asText());
        } finally {
            testOver.open();
            ProcessHandle.allProcesses()
                    .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                    .forEach(ProcessHandle::destroyForcibly);
            for (String id : BRIDGE_IDS) {
                if (!bridges.get(id).alive()) {
                    startBridge(id);
                }
            }
        }
    }

    /** Shells on the machine (this host) whose command line carries {@code marker}, started before {@code before}. */
    private static long remoteProcesses(String marker, Instant before) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .filter(p -> p.info().startInstant().map(started -> started.isBefore(before)).orElse(true))
                .count();
    }

    /** Probes every machine until both bridges have claimed something: both are in the group and own partitions. */
    private static void awaitBothBridgesServe() {
        Set<String> seen = new TreeSet<>();
        Await.until("both bridges claim probe tasks", Duration.ofMinutes(3), () -> {
            List<String> probes = new ArrayList<>();
            for (String machine : shareMachines) {
                probes.add(stack.createTask(Map.of("machine", machine, "command", "true")).path("taskId").asText());
            }
            for (String probe : probes) {
                stack.awaitTerminal(probe);
                seen.add(lastClaimer(probe) == null ? "?" : "bridge:" + lastClaimer(probe));
            }
            return seen.containsAll(Set.of("bridge:b1", "bridge:b2"));
        }, () -> "claimed by " + seen + "\n" + stack.logs());
    }

    /**
     * Waits until a task created now, of the lowest priority, has run on {@code machine}: whatever
     * became ready there before it, a wrongful second run say, has been claimed and has started by then.
     */
    private static void awaitMachineServedAfter(String machine) throws Exception {
        String sentinel = stack.createTask(Map.of("machine", machine, "priority", 5, "command", "true")).path("taskId").asText();
        stack.awaitStatus(sentinel, Set.of("COMPLETED"), SETTLE);
    }

    private static List<JsonNode> history(String taskId) throws Exception {
        return stack.history(taskId);
    }

    /** The bridge id of the last claim of a task. */
    private static String lastClaimer(String taskId) throws Exception {
        String actor = null;
        for (JsonNode entry : history(taskId)) {
            if (entry.path("to").asText().equals("ASSIGNED")) {
                actor = entry.path("actor").asText();
            }
        }
        return actor == null ? null : actor.substring("bridge:".length());
    }

    private static void awaitLine(Path file, String line) {
        Await.until(line + " in " + file, START, () -> Files.exists(file) && Files.readAllLines(file).contains(line),
                stack::logs);
    }
}
