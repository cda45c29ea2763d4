package com.rediacc.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.rediacc.testsupport.Await;
import com.rediacc.testsupport.Teardown;
import com.rediacc.testsupport.TempDirs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * vault-service stopped while tasks with vaultData are due: the bridge cannot decrypt, so the
 * commands never run; the tasks wait PENDING with no attempt counted and no retry used (they have
 * none), saying why in their history, and run once each, to COMPLETED, after the vault is back.
 */
class VaultOutageIT {
    private static final int TASKS = 4;
    private static final String MACHINE = "vault-outage-01";
    private static E2eStack stack;
    private static Path remote;

    @BeforeAll
    static void startServices() throws Exception {
        remote = TempDirs.forMachineCommands("rediacc-e2e-vault-outage-");
        stack = new E2eStack("vaultoutage");
        stack.startCore(CrashSupport.FAST_QUEUE);
        stack.startBridge("vo1", CrashSupport.FAST_BRIDGE);
        stack.registerDemoMachine(MACHINE, TASKS);
    }

    @AfterAll
    static void stopServices() throws Exception {
        Teardown.closeInOrder(stack, () -> TempDirs.delete(remote));
    }

    @Test
    void tasksWithVaultDataWaitForTheVaultWithoutUsingAnAttemptAndRunOnceItIsBack() throws Exception {
        assertThat(stack.post("/api/v1/machines/" + MACHINE + "/pause", Map.of()).statusCode()).isEqualTo(200);
        Path ran = remote.resolve("ran.log");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            // The command proves it got the decrypted document on stdin before it leaves its line.
            ids.add(stack.createTask(Map.of("machine", MACHINE, "maxRetries", 0,
                    "vaultData", Map.of("token", "t-" + i),
                    "command", "grep -q '\"token\":\"t-" + i + "\"' && echo \"t-" + i + " $REDIACC_ATTEMPT\" >> " + ran))
                    .path("taskId").asText());
        }

        stack.stopVault();
        assertThat(stack.post("/api/v1/machines/" + MACHINE + "/resume", Map.of()).statusCode()).isEqualTo(200);

        // Each task is claimed, given back, and claimed again after its delay: it waits, it is not failed.
        for (String id : ids) {
            Await.until("task " + id + " given back twice while the vault is down", Duration.ofSeconds(120),
                    () -> givenBack(id).size() >= 2, stack::logs);
        }
        for (String id : ids) {
            JsonNode task = stack.task(id);
            assertThat(task.path("status").asText()).as("task %s waits", id).isIn("PENDING", "ASSIGNED");
            assertThat(task.path("attempts").asInt()).as("no attempt counted").isZero();
            assertThat(task.path("retryCount").asInt()).isZero();
            assertThat(givenBack(id).getFirst().path("detail").asText())
                    .startsWith("not run: vault: vaultData: vault-service unreachable at " + stack.vaultUrl())
                    .contains("no attempt counted, again not before");
            assertThat(stack.transitions(id)).doesNotContain("PROCESSING", "FAILED");
        }
        assertThat(ran).as("no command ran without its secrets").doesNotExist();

        stack.restartVault("vault-service-restarted");

        for (String id : ids) {
            JsonNode done = stack.awaitStatus(id, E2eStack.TERMINAL, Duration.ofSeconds(180));
            assertThat(done.path("status").asText()).as("task %s: %s", id, done).isEqualTo("COMPLETED");
            assertThat(done.path("attempts").asInt()).as("the one attempt that ran").isEqualTo(1);
            assertThat(done.path("retryCount").asInt()).isZero();
            assertThat(done.hasNonNull("error")).as("no error left").isFalse();
        }
        List<String> lines = Files.readAllLines(ran);
        assertThat(lines).as("each command ran once, with its own secret").hasSize(TASKS);
        for (int i = 0; i < TASKS; i++) {
            String token = "t-" + i;
            assertThat(lines).filteredOn(line -> line.startsWith(token + " ")).hasSize(1);
        }
        int givenBack = 0;
        for (String id : ids) {
            givenBack += givenBack(id).size();
        }
        System.out.printf("[vault-outage] %d tasks given back %d times in all while the vault was down%n", TASKS, givenBack);
    }

    /** The history entries of a task given back because the vault was unreachable. */
    private static List<JsonNode> givenBack(String taskId) throws Exception {
        return stack.history(taskId).stream()
                .filter(entry -> entry.path("from").asText().equals("ASSIGNED") && entry.path("to").asText().equals("PENDING")
                        && entry.path("detail").asText().startsWith("not run: vault"))
                .toList();
    }
}
