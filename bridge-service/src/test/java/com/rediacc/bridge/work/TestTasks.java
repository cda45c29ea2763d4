package com.rediacc.bridge.work;

import com.rediacc.contract.bridge.ClaimedTask;
import com.rediacc.contract.bridge.MachineConnection;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Claimed tasks and settings for the work package's tests. */
final class TestTasks {
    static final String TEAM = "team-a";
    static final WorkSettings SETTINGS = settings(8);

    private TestTasks() {
    }

    static WorkSettings settings(int batchSize) {
        return new WorkSettings(batchSize, List.of(), Duration.ofSeconds(2), 1 << 20, Duration.ofSeconds(60),
                Duration.ofSeconds(30), Duration.ofSeconds(30));
    }

    static MachineConnection machine(String name) {
        return new MachineConnection(name, "10.0.0.7", 22, "deploy", "ssh-ed25519 AAAAC3Nza", "deploy-key",
                "ciphertext-of-deploy-key", "secret:" + TEAM + "/deploy-key/1");
    }

    /** A task on {@code machine} running {@code command} (one command per test task, so the fakes tell them apart). */
    static ClaimedTask task(String machine, String command) {
        return new ClaimedTask(UUID.randomUUID(), TEAM, command, null, 7, Instant.EPOCH.plusSeconds(30), machine(machine),
                null, null, "attempt-" + UUID.randomUUID(), null, Map.of(), 1, null);
    }

    static ClaimedTask withTimeout(ClaimedTask task, int seconds) {
        return new ClaimedTask(task.taskId(), task.team(), task.command(), seconds, task.leaseToken(),
                task.leaseExpiresAt(), task.machine(), task.vaultData(), task.vaultDataContext(), task.attemptToken(), task.stdin(), task.environment(),
                task.attempt(), task.traceParent());
    }

    static ClaimedTask withVaultData(ClaimedTask task, String ciphertext) {
        return new ClaimedTask(task.taskId(), task.team(), task.command(), task.timeoutSeconds(), task.leaseToken(),
                task.leaseExpiresAt(), task.machine(), ciphertext, "vaultData:" + task.taskId(), task.attemptToken(), task.stdin(), task.environment(),
                task.attempt(), task.traceParent());
    }
}
