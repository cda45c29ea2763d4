package com.rediacc.e2e;

import com.rediacc.testsupport.Await;
import com.rediacc.testsupport.TempDirs;
import com.rediacc.testsupport.TestSshd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A chaos run: 1,000 short tasks, half of them resumable, over three machines (three real sshd
 * servers), two bridges, one of which is killed with SIGKILL twice while it runs tasks and
 * restarted after each kill. Whatever the timing: no task is lost, none ends twice, no
 * non-resumable command runs twice, and nothing runs that the queue did not start.
 */
class ChaosIT {
    private static final int TASKS = 1000;
    /** How long after a kill a claim the dead bridge sent before it died may still be committed. */
    private static final Duration IN_FLIGHT = Duration.ofSeconds(2);
    private static final Map<String, ServiceProcess> bridges = new HashMap<>();
    private static final Map<String, Integer> incarnations = new HashMap<>();
    private static TestSshd sshd2;
    private static TestSshd sshd3;
    private static E2eStack stack;
    private static Path remote;
    private static List<String> machines;

    @BeforeAll
    static void startServices() throws Exception {
        remote = TempDirs.forMachineCommands("rediacc-e2e-chaos-");
        sshd2 = TestSshd.start(Path.of(E2eStack.env("DEMO_SSH_KEY_FILE")));
        sshd3 = TestSshd.start(Path.of(E2eStack.env("DEMO_SSH_KEY_FILE")));
        // Assigned before it starts anything, so that @AfterAll stops what did start if start-up fails.
        stack = new E2eStack("chaos");
        stack.startCore(CrashSupport.FAST_QUEUE);
        startBridge("c1");
        startBridge("c2");
        // Machines on partitions 0, 3 and 1: with the range assignment of 6 partitions to 2 bridges,
        // each bridge owns at least one of them.
        machines = CrashSupport.machinesOnPartitions("chaos", 0, 3, 1);
        stack.registerDemoMachine(machines.get(0), 4);
        stack.registerMachine(machines.get(1), sshd2.port, sshd2.user, sshd2.hostKey, 4);
        stack.registerMachine(machines.get(2), sshd3.port, sshd3.user, sshd3.hostKey, 4);
    }

    @AfterAll
    static void stopServices() throws Exception {
        try {
            if (stack != null) {
                stack.close();
            }
        } finally {
            for (TestSshd sshd : new TestSshd[] {sshd2, sshd3}) {
                try {
                    if (sshd != null) {
                        sshd.close();
                    }
                } catch (Exception e) {
                    System.err.println("[chaos] stopping a test sshd: " + e);
                }
            }
            TempDirs.delete(remote);
        }
    }

    private static ServiceProcess startBridge(String id) throws Exception {
        int incarnation = incarnations.merge(id, 1, Integer::sum);
        ServiceProcess bridge = stack.startBridge(id, incarnation == 1 ? id : id + "-restart" + (incarnation - 1),
                CrashSupport.FAST_BRIDGE);
        bridges.put(id, bridge);
        return bridge;
    }

    /** One kill of the victim: when, and which of its tasks were running at that moment. */
    private record Kill(String bridge, Instant at, Map<String, String> held, Instant restartedAt) {
    }

    @Test
    void thousandTasksSurviveABridgeKilledTwice() throws Exception {
        long start = System.nanoTime();
        List<String> ids = Collections.synchronizedList(new ArrayList<>());
        Map<String, String> tokenOf = new ConcurrentHashMap<>();
        Map<String, Boolean> resumableOf = new ConcurrentHashMap<>();
        try (ExecutorService submitters = Executors.newFixedThreadPool(4)) {
            List<Future<?>> submitted = new ArrayList<>();
            for (int worker = 0; worker < 4; worker++) {
                int first = worker;
                submitted.add(submitters.submit(() -> {
                    for (int i = first; i < TASKS; i += 4) {
                        String machine = machines.get(i % machines.size());
                        boolean resumable = i % 2 == 0;
                        String token = "chaos-" + i;
                        String id = stack.createTask(Map.of("machine", machine, "resumable", resumable,
                                "maxRetries", 0, "priority", 1 + i % 5,
                                "command", "echo " + token + " >> " + remote.resolve(machine + ".log") + "; sleep 0.05"))
                                .path("taskId").asText();
                        tokenOf.put(id, token);
                        resumableOf.put(id, resumable);
                        ids.add(id);
                    }
                    return null;
                }));
            }
            // Chaos starts while tasks are still being submitted.
            List<Kill> kills = killTwice(ids);
            for (Future<?> done : submitted) {
                done.get();
            }
            assertThat(ids).hasSize(TASKS);
            CrashSupport.awaitAllTerminal(stack, ids);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            verify(ids, tokenOf, resumableOf, kills, took);
        }
    }

    /**
     * Kills the busiest bridge at ~15 % done, restarts it, kills it again once its new incarnation runs
     * tasks. While it restarts after the first kill, the machines are paused: the work left (most of
     * it) waits for the new incarnation, however slowly it starts, and no other bridge can finish it first.
     */
    private List<Kill> killTwice(List<String> ids) throws Exception {
        List<Kill> kills = new ArrayList<>();
        AtomicReference<String> victim = new AtomicReference<>();
        CrashSupport.Progress ending = new CrashSupport.Progress("tasks ending before the first kill");
        Await.until("the victim killed twice", CrashSupport.Progress.OVERALL, () -> {
            List<String> snapshot;
            synchronized (ids) {
                snapshot = List.copyOf(ids);
            }
            int done = CrashSupport.terminal(CrashSupport.statusCounts(stack, snapshot));
            if (done == TASKS) {
                throw new AssertionError("all tasks ended before the victim was killed twice; kills " + kills);
            }
            if (kills.isEmpty()) {
                ending.observe(done, () -> done + "/" + TASKS + " done, no kill yet\n" + stack.logs());
                if (done < TASKS * 15 / 100) {
                    return false;
                }
                Map<String, Integer> leases = CrashSupport.leasesByBridge(stack);
                victim.set(leases.getOrDefault("c1", 0) >= leases.getOrDefault("c2", 0) ? "c1" : "c2");
                if (CrashSupport.heldSince(stack, victim.get(), Instant.EPOCH, "PROCESSING") == 0) {
                    return false; // kill it while a command runs
                }
            } else {
                // The restarted bridge should have rejoined and be running something of its own; after
                // 20 s, having claimed something is enough, after 45 s it is killed whatever it holds.
                Instant restarted = kills.getLast().restartedAt();
                boolean running = CrashSupport.heldSince(stack, victim.get(), restarted, "PROCESSING") > 0;
                boolean waited = Instant.now().isAfter(restarted.plus(Duration.ofSeconds(20)));
                boolean waitedLong = Instant.now().isAfter(restarted.plus(Duration.ofSeconds(45)));
                boolean claimed = waited && CrashSupport.heldSince(stack, victim.get(), restarted, "ASSIGNED") > 0;
                if (!running && !claimed && !waitedLong) {
                    return false;
                }
            }
            Map<String, String> heldTasks = CrashSupport.leasedBy(stack, victim.get());
            Instant at = Instant.now();
            bridges.get(victim.get()).killHard();
            System.out.printf("[chaos] kill -9 #%d of %s at %d/%d done, holding %d task(s) %s%n", kills.size() + 1, victim.get(),
                    done, TASKS, heldTasks.size(), countValues(heldTasks));
            boolean first = kills.isEmpty();
            if (first) {
                setPaused(true);
            }
            startBridge(victim.get());
            if (first) {
                setPaused(false);
            }
            kills.add(new Kill(victim.get(), at, heldTasks, Instant.now()));
            return kills.size() == 2;
        }, stack::logs);
        return kills;
    }

    /** Pauses or resumes every machine: running tasks go on, no new ones are claimed. */
    private static void setPaused(boolean paused) throws Exception {
        for (String machine : machines) {
            int status = stack.post("/api/v1/machines/" + machine + (paused ? "/pause" : "/resume"), Map.of()).statusCode();
            assertThat(status).as("%s %s", paused ? "pausing" : "resuming", machine).isEqualTo(200);
        }
    }

    private void verify(List<String> ids, Map<String, String> tokenOf, Map<String, Boolean> resumableOf, List<Kill> kills,
                        Duration took) throws Exception {
        Map<String, CrashSupport.Audit> audits = CrashSupport.audit(stack, ids);
        Map<String, Integer> ran = CrashSupport.remoteLines(remote);
        assertThat(audits).as("every task has a row and history").hasSize(TASKS);

        int completed = 0;
        int interruptedFailed = 0;
        int interruptedHadRun = 0;
        int resumableInterrupted = 0;
        int resumableRanTwice = 0;
        int restoredBeforeStart = 0;
        Map<String, Integer> claimsPerBridge = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (CrashSupport.Audit audit : audits.values()) {
            int runs = ran.getOrDefault(tokenOf.get(audit.id()), 0);
            boolean resumable = resumableOf.get(audit.id());
            audit.claimers().forEach(actor -> claimsPerBridge.merge(actor, 1, Integer::sum));
            restoredBeforeStart += audit.restoredBeforeStart();
            if (audit.terminalTransitions() != 1) {
                problems.add("ended " + audit.terminalTransitions() + " times: " + audit);
            }
            if (runs > audit.starts()) {
                problems.add("ran " + runs + " times but started " + audit.starts() + " times: " + audit);
            }
            if (resumable) {
                if (!audit.status().equals("COMPLETED") || runs < 1) {
                    problems.add("resumable task did not complete (ran " + runs + "): " + audit);
                }
                if (audit.interrupted() > 0) {
                    resumableInterrupted++;
                }
                if (runs > 1) {
                    resumableRanTwice++;
                }
            } else {
                if (runs > 1) {
                    problems.add("non-resumable task ran " + runs + " times: " + audit);
                }
                if (audit.status().equals("COMPLETED") && runs != 1) {
                    problems.add("completed non-resumable task ran " + runs + " times: " + audit);
                }
                if (audit.status().equals("FAILED")) {
                    if (audit.error() == null || !audit.error().startsWith("interrupted") || audit.interrupted() != 1) {
                        problems.add("failed for another reason than a lost bridge: " + audit);
                    }
                    interruptedFailed++;
                    interruptedHadRun += runs;
                } else if (!audit.status().equals("COMPLETED")) {
                    problems.add("unexpected end: " + audit);
                }
            }
            if (audit.status().equals("COMPLETED")) {
                completed++;
            }
        }
        // A lease may expire only because its bridge was killed: claimed by the killed incarnation (before the kill,
        // or by a claim request it sent just before and the queue committed just after), reaped after the kill. A
        // restarted incarnation cannot claim within 2 s of the kill: its JVM alone takes longer to start.
        List<CrashSupport.Reap> reaps = CrashSupport.reaps(stack, ids);
        for (CrashSupport.Reap reap : reaps) {
            boolean explained = kills.stream().anyMatch(kill -> ("bridge:" + kill.bridge()).equals(reap.claimer())
                    && reap.claimedAt().isBefore(kill.at().plus(IN_FLIGHT)) && !reap.reapedAt().isBefore(kill.at()));
            if (!explained) {
                problems.add("lease of a live bridge expired: " + reap);
            }
        }
        assertThat(problems).as("%d problem(s)", problems.size()).isEmpty();
        assertThat(completed + interruptedFailed).as("every task ended once").isEqualTo(TASKS);

        System.out.printf("[chaos] %d tasks on %d machines, 2 bridges, 2 kills -9: %d completed, %d failed as interrupted"
                        + " (non-resumable; %d of them had run once on the machine, none twice),"
                        + " %d resumable re-run after interruption (%d of them ran twice on the machine),"
                        + " %d claimed but restored before start (%d leases expired, all of the killed bridge);"
                        + " lost 0, ended twice 0, non-resumable ran twice 0%n",
                TASKS, machines.size(), completed, interruptedFailed, interruptedHadRun, resumableInterrupted,
                resumableRanTwice, restoredBeforeStart, reaps.size());
        Instant lastEnd = audits.values().stream().map(CrashSupport.Audit::endedAt).max(Instant::compareTo).orElseThrow();
        System.out.printf("[chaos] duration %d ms (%.1f tasks/s), last task ended %d ms after the last kill;"
                        + " claims per bridge %s%n", took.toMillis(), TASKS * 1000.0 / took.toMillis(),
                Duration.between(kills.getLast().at(), lastEnd).toMillis(), claimsPerBridge);
        for (int k = 0; k < kills.size(); k++) {
            Kill kill = kills.get(k);
            // Each held task's reap that ended the killed incarnation's claim (not a later one's).
            Instant lastReaped = reaps.stream()
                    .filter(reap -> ("bridge:" + kill.bridge()).equals(reap.claimer())
                            && reap.claimedAt().isBefore(kill.at().plus(IN_FLIGHT)) && !reap.reapedAt().isBefore(kill.at()))
                    .map(CrashSupport.Reap::reapedAt).max(Instant::compareTo).orElse(null);
            Instant lastEnded = kill.held().keySet().stream().map(audits::get).map(CrashSupport.Audit::endedAt)
                    .max(Instant::compareTo).orElse(null);
            System.out.printf("[chaos] kill #%d: held %s; restarted (ready) after %d ms; its leases restored by the reaper"
                            + " after %s ms; all its tasks ended after %s ms%n", k + 1, countValues(kill.held()),
                    Duration.between(kill.at(), kill.restartedAt()).toMillis(),
                    lastReaped == null ? "-" : Long.toString(Duration.between(kill.at(), lastReaped).toMillis()),
                    lastEnded == null ? "-" : Long.toString(Duration.between(kill.at(), lastEnded).toMillis()));
        }
    }

    private static Map<String, Integer> countValues(Map<String, String> held) {
        Map<String, Integer> counts = new TreeMap<>();
        held.values().forEach(status -> counts.merge(status, 1, Integer::sum));
        return counts;
    }
}
