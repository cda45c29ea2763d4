package com.rediacc.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.rediacc.testsupport.Await;
import com.rediacc.testsupport.TempDirs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * onExit on the real path: the follow-up command runs on the same machine after its task ended,
 * whatever the end (completed, failed, failed because its bridge was killed -9), and reads the ended
 * task as JSON on its stdin.
 */
class OnExitEndToEndIT {
    private static final Map<String, ServiceProcess> bridges = new HashMap<>();
    private static E2eStack stack;
    private static Path remote;

    @BeforeAll
    static void startServices() throws Exception {
        remote = TempDirs.forMachineCommands("rediacc-e2e-onexit-");
        stack = new E2eStack("onexit");
        stack.startCore(CrashSupport.FAST_QUEUE);
        for (String id : new String[] {"x1", "x2"}) {
            bridges.put(id, stack.startBridge(id, CrashSupport.FAST_BRIDGE));
        }
        stack.registerDemoMachine("onexit-01", 2);
    }

    @AfterAll
    static void stopServices() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void afterSuccessTheFollowUpReadsTheCompletedTask() throws Exception {
        Path ended = remote.resolve("completed.json");
        String id = create("echo hello", "cat > " + ended, false);
        JsonNode seen = awaitJson(ended);
        assertThat(seen.path("taskId").asText()).isEqualTo(id);
        assertThat(seen.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(seen.path("exitCode").asInt()).isZero();
        assertThat(seen.path("outputTail").asText()).isEqualTo("hello\n");
        assertThat(seen.path("machine").asText()).isEqualTo("onexit-01");
        assertFollowUpOf(id, "COMPLETED");
    }

    @Test
    void afterFailureTheFollowUpReadsTheFailedTask() throws Exception {
        Path ended = remote.resolve("failed.json");
        String id = create("echo bad; exit 3", "cat > " + ended, false);
        JsonNode seen = awaitJson(ended);
        assertThat(seen.path("status").asText()).isEqualTo("FAILED");
        assertThat(seen.path("exitCode").asInt()).isEqualTo(3);
        assertThat(seen.path("error").asText()).isEqualTo("exit 3");
        assertThat(seen.path("outputTail").asText()).isEqualTo("bad\n");
        assertFollowUpOf(id, "FAILED");
    }

    @Test
    void afterItsBridgeWasKilledTheFollowUpReadsTheInterruptedTask() throws Exception {
        Path ended = remote.resolve("crashed.json");
        Gate killed = new Gate(remote, "killed");
        String id = create("echo running; " + killed.shellWait(), "cat > " + ended, true);
        stack.awaitStatus(id, Set.of("PROCESSING"), Duration.ofSeconds(60));
        CrashSupport.awaitRemotePids(stack, List.of(id), Duration.ofSeconds(30));
        String victim = lastClaimer(id);
        bridges.get(victim).killHard();
        try {
            JsonNode seen = awaitJson(ended);
            assertThat(seen.path("taskId").asText()).isEqualTo(id);
            assertThat(seen.path("status").asText()).isEqualTo("FAILED");
            assertThat(seen.path("error").asText()).startsWith("interrupted");
            assertFollowUpOf(id, "FAILED");
        } finally {
            killed.open();
            bridges.put(victim, stack.startBridge(victim, victim + "-restarted", CrashSupport.FAST_BRIDGE));
        }
    }

    private static String create(String command, String onExit, boolean onlyOne) throws Exception {
        Map<String, Object> body = new HashMap<>(Map.of("machine", "onexit-01", "command", command,
                "onExit", Map.of("command", onExit)));
        if (onlyOne) {
            body.put("resumable", false);
        }
        return stack.createTask(body).path("taskId").asText();
    }

    private static JsonNode awaitJson(Path file) throws Exception {
        Await.until(file + " written by the onExit command", Duration.ofMinutes(3),
                () -> Files.exists(file) && Files.size(file) > 0 && Files.readString(file).strip().endsWith("}"),
                stack::logs);
        return E2eStack.JSON.readTree(Files.readString(file));
    }

    /** The ended task is {@code status}, and its follow-up is a task of its own that says whom it follows. */
    private static void assertFollowUpOf(String id, String status) throws Exception {
        assertThat(stack.task(id).path("status").asText()).isEqualTo(status);
        assertThat(stack.task(id).path("onExit").path("command").asText()).startsWith("cat > ");
        JsonNode followUp = null;
        for (JsonNode task : stack.get("/api/v1/tasks?machine=onexit-01&limit=100").path("items")) {
            if (id.equals(task.path("onExitOf").asText())) {
                followUp = task;
            }
        }
        assertThat(followUp).as("a task with onExitOf %s", id).isNotNull();
        assertThat(followUp.has("onExit")).as("a follow-up has no onExit of its own").isFalse();
        assertThat(stack.awaitTerminal(followUp.path("taskId").asText()).path("status").asText()).isEqualTo("COMPLETED");
    }

    private static String lastClaimer(String taskId) throws Exception {
        String actor = null;
        for (JsonNode entry : stack.get("/api/v1/tasks/" + taskId + "/history").path("items")) {
            if (entry.path("to").asText().equals("ASSIGNED")) {
                actor = entry.path("actor").asText();
            }
        }
        return actor.substring("bridge:".length());
    }
}
