package com.rediacc.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.rediacc.testsupport.TempDirs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** SIGTERM to a bridge: it stops claiming, finishes what runs, reports it, and exits. */
class BridgeShutdownIT {
    private static E2eStack stack;
    private static Path remote;

    @BeforeAll
    static void startServices() throws Exception {
        remote = TempDirs.forMachineCommands("rediacc-e2e-shutdown-");
        stack = new E2eStack("shutdown").startCore(Map.of());
        stack.registerDemoMachine("drain-01", 1);
    }

    @AfterAll
    static void stopServices() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void runningTaskFinishesAndQueuedWorkWaitsForTheNextBridge() throws Exception {
        ServiceProcess bridge = stack.startBridge("draining", Map.of());
        // The running task goes on until the bridge has stopped claiming, however long that takes.
        Gate stopping = new Gate(remote, "bridge-stopping");
        String running = stack.createTask(Map.of("machine", "drain-01", "command", stopping.shellWait() + "; echo finished"))
                .path("taskId").asText();
        String queued = stack.createTask(Map.of("machine", "drain-01", "command", "echo later")).path("taskId").asText();
        stack.awaitStatus(running, Set.of("PROCESSING"), Duration.ofSeconds(60));

        bridge.terminate();
        bridge.awaitLogLine("stopping: no more claims", Duration.ofSeconds(60));
        stopping.open();
        long exitCode = bridge.awaitExit(Duration.ofSeconds(30));
        // 143 = 128 + SIGTERM: how a JVM reports an orderly stop on SIGTERM.
        assertThat(exitCode).as("bridge exit status after SIGTERM").isIn(0L, 143L);

        JsonNode done = stack.task(running);
        assertThat(done.path("status").asText()).as("finished within the grace period").isEqualTo("COMPLETED");
        assertThat(done.path("output").asText()).isEqualTo("finished\n");
        assertThat(stack.task(queued).path("status").asText()).as("not claimed by a stopping bridge").isEqualTo("PENDING");

        stack.startBridge("successor", Map.of());
        assertThat(stack.awaitTerminal(queued).path("status").asText()).isEqualTo("COMPLETED");
    }
}
