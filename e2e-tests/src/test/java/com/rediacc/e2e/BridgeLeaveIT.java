package com.rediacc.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.rediacc.testsupport.Await;
import com.rediacc.testsupport.TempDirs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stopping bridge leaves the bridges' group before it drains (docs/adr/0022): the machines it served
 * go to the other bridge at once, while its running task finishes there and reports, once.
 */
class BridgeLeaveIT {
    private static E2eStack stack;
    private static Path remote;

    @BeforeAll
    static void startServices() throws Exception {
        remote = TempDirs.forMachineCommands("rediacc-e2e-leave-");
        stack = new E2eStack("leave").startCore(Map.of());
    }

    @AfterAll
    static void stopServices() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aStoppingBridgeHandsItsMachinesOverBeforeItsRunningTaskEnds() throws Exception {
        // One task at a time, and a grace far longer than the test waits for the hand-over: machine B's
        // task can only start elsewhere, and only because this bridge left the group.
        ServiceProcess leaving = stack.startBridge("leaving", Map.of(
                "REDIACC_BRIDGE_BATCH_SIZE", "1", "REDIACC_BRIDGE_SHUTDOWN_GRACE", "300s"));
        stack.startBridge("staying", Map.of());
        JsonNode listed = Await.until("both bridges serving 3 partitions each", Duration.ofSeconds(120),
                () -> stack.get("/api/v1/bridges"), bridges -> partitions(bridges, "leaving").size() == 3
                        && partitions(bridges, "staying").size() == 3, stack::logs);
        List<Integer> held = partitions(listed, "leaving");
        List<String> machines = CrashSupport.machinesOnPartitions("leave", held.get(0), held.get(1));
        String machineA = machines.get(0);
        String machineB = machines.get(1);
        stack.registerDemoMachine(machineA, 1);
        stack.registerDemoMachine(machineB, 1);

        Gate finishA = new Gate(remote, "finish-a");
        String tokenA = UUID.randomUUID().toString();
        String taskA = stack.createTask(Map.of("machine", machineA,
                "command", finishA.shellWait() + "; echo " + tokenA + " >> " + remote.resolve(machineA))).path("taskId").asText();
        stack.awaitStatus(taskA, Set.of("PROCESSING"), Duration.ofSeconds(60));
        assertThat(CrashSupport.leasedBy(stack, "leaving")).as("A runs on the bridge that will leave").containsKey(taskA);
        String tokenB = UUID.randomUUID().toString();
        String taskB = stack.createTask(Map.of("machine", machineB,
                "command", "echo " + tokenB + " >> " + remote.resolve(machineB))).path("taskId").asText();

        leaving.terminate();
        JsonNode doneB = stack.awaitStatus(taskB, E2eStack.TERMINAL, Duration.ofSeconds(60));
        assertThat(doneB.path("status").asText()).as(doneB.toString()).isEqualTo("COMPLETED");
        assertThat(stack.task(taskA).path("status").asText()).as("A still runs: its gate is closed").isEqualTo("PROCESSING");
        assertThat(leaving.alive()).as("the leaving bridge still drains A").isTrue();

        finishA.open();
        long exitCode = leaving.awaitExit(Duration.ofSeconds(60));
        assertThat(exitCode).as("bridge exit status after SIGTERM").isIn(0L, 143L);
        assertThat(stack.task(taskA).path("status").asText()).as("A finished within the drain").isEqualTo("COMPLETED");

        Map<String, CrashSupport.Audit> audits = CrashSupport.audit(stack, List.of(taskA, taskB));
        assertThat(audits.get(taskA).claimers()).containsExactly("bridge:leaving");
        assertThat(audits.get(taskB).claimers()).containsExactly("bridge:staying");
        Map<String, Integer> ran = CrashSupport.remoteLines(remote);
        for (CrashSupport.Audit audit : audits.values()) {
            assertThat(audit.starts()).as(audit.id() + " started once").isEqualTo(1);
            assertThat(audit.terminalTransitions()).as(audit.id() + " ended once").isEqualTo(1);
        }
        assertThat(ran.get(tokenA)).as("A ran once on " + machineA).isEqualTo(1);
        assertThat(ran.get(tokenB)).as("B ran once on " + machineB).isEqualTo(1);
    }

    private static List<Integer> partitions(JsonNode listed, String bridgeId) {
        List<Integer> partitions = new ArrayList<>();
        for (JsonNode bridge : listed.path("items")) {
            if (bridge.path("bridgeId").asText().equals(bridgeId) && bridge.path("state").asText().equals("LIVE")) {
                bridge.path("partitions").forEach(p -> partitions.add(p.asInt()));
            }
        }
        return partitions;
    }
}
