package com.rediacc.bridge.work;

import io.opentelemetry.api.OpenTelemetry;
import com.rediacc.bridge.credentials.CredentialStore;
import com.rediacc.bridge.queue.TaskQueue;
import com.rediacc.bridge.ssh.SshFailure;
import com.rediacc.bridge.vault.VaultDecryptor;
import com.rediacc.contract.bridge.AttemptOutcome;
import com.rediacc.contract.bridge.AttemptResult;
import com.rediacc.contract.bridge.ClaimedTask;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static com.rediacc.bridge.work.Background.WAIT;
import static com.rediacc.bridge.work.TestTasks.SETTINGS;
import static com.rediacc.bridge.work.TestTasks.task;
import static com.rediacc.bridge.work.TestTasks.withTimeout;
import static com.rediacc.bridge.work.TestTasks.withVaultData;
import static org.assertj.core.api.Assertions.assertThat;

/** One attempt against fake ports; the test plays the command and calls {@code heartbeat()} itself. */
class TaskAttemptTest {
    private final FakeQueue queue = new FakeQueue();
    private final FakeSsh ssh = new FakeSsh();
    private final FakeCredentials credentials = new FakeCredentials();
    private final FakeVault vault = new FakeVault();
    private final FakeRetryClock retryClock = new FakeRetryClock();
    private final UnavailableBackoff vaultBackoff = new UnavailableBackoff(Duration.ofSeconds(30));
    private volatile boolean accepting = true;

    private TaskAttempt attempt(ClaimedTask task) {
        return attempt(task, SETTINGS);
    }

    private TaskAttempt attempt(ClaimedTask task, WorkSettings settings) {
        return new TaskAttempt(task, queue, ssh, credentials, vault, settings, retryClock, () -> accepting, vaultBackoff,
                OpenTelemetry.noop().getTracer("test"));
    }

    /** Runs an attempt that needs no command played, on its own thread so that a wrong one cannot hang the test. */
    private static void runToEnd(TaskAttempt attempt) {
        assertThat(Background.run(attempt::run)).succeedsWithin(WAIT);
    }

    private AttemptResult reported(ClaimedTask task) {
        return assertThat(queue.result(task.taskId())).succeedsWithin(WAIT).actual();
    }

    @Test
    void runsTheCommandAndReportsItsSuccess() {
        ClaimedTask task = task("m1", "echo hello");
        CompletableFuture<Void> run = Background.run(attempt(task)::run);
        FakeCommand command = ssh.awaitRunning("echo hello");
        command.print("hello\n");
        command.exit(0);

        assertThat(run).succeedsWithin(WAIT);
        assertThat(queue.started).containsExactly(task.taskId());
        assertThat(reported(task)).isEqualTo(new AttemptResult(7, AttemptOutcome.SUCCEEDED, 0, "hello\n", false, null));
        assertThat(command.attemptToken).isEqualTo(task.attemptToken());
        assertThat(command.stdin).isNull();
        assertThat(command.awaitedWith).as("no timeout").isNull();
        assertThat(command.closed).isTrue();
        assertThat(ssh.shares).singleElement().satisfies(share -> assertThat(share.closed).isTrue());
    }

    @Test
    void aNonZeroExitIsAFailureWithItsCode() {
        ClaimedTask task = task("m1", "exit 3");
        Background.run(attempt(task)::run);
        ssh.awaitRunning("exit 3").exit(3);

        assertThat(reported(task)).isEqualTo(new AttemptResult(7, AttemptOutcome.FAILED, 3, "", false, "exit 3"));
    }

    @Test
    void theDecryptedVaultDataIsTheCommandsStdinAndIsWipedAfterwards() {
        ClaimedTask task = withVaultData(task("m1", "cat"), "ciphertext-1");
        vault.encrypted("ciphertext-1", "{\"password\":\"s3cret\"}");
        CompletableFuture<Void> run = Background.run(attempt(task)::run);
        FakeCommand command = ssh.awaitRunning("cat");
        command.exit(0);

        assertThat(run).as("stdin is wiped once the attempt is over").succeedsWithin(WAIT);
        reported(task);
        assertThat(new String(command.stdinAtStart, StandardCharsets.UTF_8)).isEqualTo("{\"password\":\"s3cret\"}");
        assertThat(command.stdin).containsOnly(0);
    }

    @Test
    void heartbeatsStreamOutputFromTheStoredOffsetAndReportThePidUntilItIsStored() {
        ClaimedTask task = task("m1", "long job");
        TaskAttempt attempt = attempt(task);
        Background.run(attempt::run);
        FakeCommand command = ssh.awaitRunning("long job");

        command.print("😀\n");
        attempt.heartbeat();
        command.reportPid(4242);
        command.print("two\n");
        queue.answerNextHeartbeat(FakeQueue.unreachable());
        attempt.heartbeat();
        queue.answerNextHeartbeat(FakeQueue.storedUpTo(4));
        attempt.heartbeat();
        attempt.heartbeat();

        // Offsets count code points, as the queue's outputLength does: "😀" is one, though two chars.
        assertThat(queue.heartbeatsOf(task.taskId())).containsExactly(
                new FakeQueue.Beat(task.taskId(), 0, "😀\n", null),
                new FakeQueue.Beat(task.taskId(), 2, "two\n", 4242L),
                new FakeQueue.Beat(task.taskId(), 2, "two\n", 4242L),
                new FakeQueue.Beat(task.taskId(), 4, "o\n", null));
        assertThat(command.kills).hasValue(0);

        command.exit(0);
        assertThat(reported(task).output()).isEqualTo("😀\ntwo\n");
    }

    @Test
    void aCancelSeenOnAHeartbeatKillsTheCommandAndReportsCancelledWithTheOutputSoFar() {
        ClaimedTask task = task("m1", "sleep 600");
        TaskAttempt attempt = attempt(task);
        Background.run(attempt::run);
        FakeCommand command = ssh.awaitRunning("sleep 600");
        command.print("half way\n");

        queue.answerNextHeartbeat(FakeQueue.cancelRequested());
        attempt.heartbeat();

        assertThat(command.kills).hasValue(1);
        assertThat(reported(task)).isEqualTo(new AttemptResult(7, AttemptOutcome.CANCELLED, null, "half way\n", false,
                "cancelled while running"));
    }

    @Test
    void aRefusedHeartbeatMeansTheLeaseIsLostKillsTheCommandAndReportsNothing() {
        ClaimedTask task = task("m1", "sleep 600");
        TaskAttempt attempt = attempt(task);
        CompletableFuture<Void> run = Background.run(attempt::run);
        FakeCommand command = ssh.awaitRunning("sleep 600");

        queue.answerNextHeartbeat(FakeQueue.leaseLost());
        attempt.heartbeat();

        assertThat(run).succeedsWithin(WAIT);
        assertThat(command.kills).hasValue(1);
        assertThat(command.closed).isTrue();
        assertThat(queue.finishCalls).hasValue(0);
    }

    @Test
    void aHeartbeatRefusedAfterTheCommandEndedDoesNotKillIt() {
        ClaimedTask task = task("m1", "quick");
        TaskAttempt attempt = attempt(task);
        CompletableFuture<Void> run = Background.run(attempt::run);
        FakeCommand command = ssh.awaitRunning("quick");
        CompletableFuture<Void> heartbeatSent = new CompletableFuture<>();
        CompletableFuture<Void> replyArrives = new CompletableFuture<>();
        queue.answerNextHeartbeat(beat -> {
            heartbeatSent.complete(null);
            replyArrives.join();
            return Optional.empty();
        });

        CompletableFuture<Void> heartbeat = Background.run(attempt::heartbeat);
        assertThat(heartbeatSent).succeedsWithin(WAIT);
        command.exit(0); // while the heartbeat is on its way
        assertThat(run).succeedsWithin(WAIT);
        replyArrives.complete(null);

        assertThat(heartbeat).succeedsWithin(WAIT);
        assertThat(command.kills).as("its process group id may belong to another process by now").hasValue(0);
        assertThat(reported(task).outcome()).isEqualTo(AttemptOutcome.SUCCEEDED);
    }

    @Test
    void aCommandThatOutlivesItsTimeoutIsKilledAndFails() {
        ClaimedTask task = withTimeout(task("m1", "sleep 600"), 5);
        Background.run(attempt(task)::run);
        FakeCommand command = ssh.awaitRunning("sleep 600");
        command.print("partial\n");

        command.passTimeout();

        assertThat(reported(task)).isEqualTo(new AttemptResult(7, AttemptOutcome.FAILED, null, "partial\n", false,
                "timed out after 5 s; remote process killed"));
        assertThat(command.awaitedWith).isEqualTo(Duration.ofSeconds(5));
        assertThat(command.kills).hasValue(1);
    }

    @Test
    void aLostConnectionDiscardsTheSessionAndFailsWithTheOutputSoFar() {
        ClaimedTask task = task("m1", "long job");
        CompletableFuture<Void> run = Background.run(attempt(task)::run);
        FakeCommand command = ssh.awaitRunning("long job");
        command.print("partial\n");

        command.loseConnection();

        assertThat(run).as("the session is given back after the report").succeedsWithin(WAIT);
        assertThat(reported(task)).as("it may still run there: the queue has it ended first")
                .isEqualTo(new AttemptResult(7, AttemptOutcome.CONNECTION_LOST, null, "partial\n", false,
                        "machine 'm1' (10.0.0.7:22): connection lost while the command ran"));
        assertThat(ssh.shares).singleElement().satisfies(share -> {
            assertThat(share.discarded).isTrue();
            assertThat(share.closed).isTrue();
        });
    }

    @Test
    void aBridgeThatStoppedAcceptingGivesTheTaskBackInsteadOfStartingIt() {
        ClaimedTask task = task("m1", "echo hello");
        accepting = false;

        runToEnd(attempt(task));

        assertThat(queue.released(task.taskId())).isDone();
        assertThat(queue.started).isEmpty();
        assertThat(ssh.anyStarted()).isFalse();
        assertThat(queue.finishCalls).hasValue(0);
    }

    @Test
    void whenTheQueueCannotBeToldOfTheStartTheCommandDoesNotRun() {
        ClaimedTask task = task("m1", "echo hello");
        queue.failStart(new TaskQueue.QueueUnavailable("queue-service unreachable: connection refused", null));

        runToEnd(attempt(task));

        assertThat(ssh.anyStarted()).isFalse();
        assertThat(queue.finishCalls).as("its lease expires").hasValue(0);
    }

    @Test
    void whenTheLeaseIsLostBeforeTheStartTheCommandDoesNotRun() {
        ClaimedTask task = task("m1", "echo hello");
        queue.refuseStart();

        runToEnd(attempt(task));

        assertThat(ssh.anyStarted()).isFalse();
        assertThat(queue.finishCalls).hasValue(0);
    }

    @Test
    void aVaultFailureIsReportedAsNeverRun() {
        ClaimedTask task = withVaultData(task("m1", "cat"), "ciphertext-1");
        vault.fail(new VaultDecryptor.VaultFailure("vault-service refused to decrypt (403): not this team's"));

        runToEnd(attempt(task));

        assertThat(reported(task)).isEqualTo(new AttemptResult(7, AttemptOutcome.NOT_RUN, null, "", false,
                "vault: vaultData: vault-service refused to decrypt (403): not this team's"));
        assertThat(ssh.shares).as("no login").isEmpty();
        assertThat(queue.started).isEmpty();
    }

    @Test
    void anUnreachableVaultGivesTheTaskBackWithAGrowingDelayInsteadOfFailingIt() {
        vault.fail(new VaultDecryptor.VaultFailure("vault-service unreachable at http://127.0.0.1:1: ConnectException", true));
        List<Duration> delays = new java.util.ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ClaimedTask task = withVaultData(task("m1", "cat " + i), "ciphertext-1");
            runToEnd(attempt(task));
            FakeQueue.Released released = queue.givenBack.get(task.taskId());
            assertThat(released.reason()).isEqualTo("vault: vaultData: vault-service unreachable at http://127.0.0.1:1: ConnectException");
            delays.add(released.retryAfter());
            assertThat(queue.hasResult(task.taskId())).as("no result: no attempt counted").isFalse();
        }
        assertThat(delays.getFirst()).isBetween(Duration.ofMillis(1000), Duration.ofMillis(1200));
        assertThat(delays.get(3)).as("8 s ±20%").isBetween(Duration.ofMillis(6400), Duration.ofMillis(9600));
        assertThat(delays.getLast()).as("capped at 30 s ±20%").isBetween(Duration.ofSeconds(24), Duration.ofSeconds(36));
        assertThat(ssh.shares).as("no login").isEmpty();
        assertThat(queue.started).isEmpty();

        vault.fail(null);
        vault.encrypted("ciphertext-1", "{}");
        ClaimedTask works = withVaultData(task("m1", "cat ok"), "ciphertext-1");
        Background.run(attempt(works)::run);
        ssh.awaitRunning("cat ok").exit(0);
        assertThat(reported(works).outcome()).isEqualTo(AttemptOutcome.SUCCEEDED);
        vault.fail(new VaultDecryptor.VaultFailure("vault-service unavailable (503): down", true));
        ClaimedTask again = withVaultData(task("m1", "cat again"), "ciphertext-1");
        runToEnd(attempt(again));
        assertThat(queue.givenBack.get(again.taskId()).retryAfter()).as("a new outage starts over")
                .isBetween(Duration.ofMillis(1000), Duration.ofMillis(1200));
    }

    @Test
    void aCredentialThatCannotBeDecryptedWhileTheVaultIsDownGivesTheTaskBack() {
        ClaimedTask task = task("m1", "echo hello");
        credentials.fail(new CredentialStore.CredentialException(
                "vault: credential 'deploy-key': vault-service unreachable at http://127.0.0.1:1: ConnectException", null, true));

        runToEnd(attempt(task));

        assertThat(queue.givenBack.get(task.taskId()).reason())
                .isEqualTo("vault: credential 'deploy-key': vault-service unreachable at http://127.0.0.1:1: ConnectException");
        assertThat(queue.hasResult(task.taskId())).isFalse();
        assertThat(queue.started).isEmpty();
    }

    @Test
    void aCredentialFailureIsReportedAsNeverRun() {
        ClaimedTask task = task("m1", "echo hello");
        credentials.fail(new CredentialStore.CredentialException("credential 'deploy-key' holds no private key", null));

        runToEnd(attempt(task));

        assertThat(reported(task)).isEqualTo(new AttemptResult(7, AttemptOutcome.NOT_RUN, null, "", false,
                "credential 'deploy-key' holds no private key"));
        assertThat(queue.started).isEmpty();
    }

    @Test
    void aConnectFailureIsReportedAsNeverRun() {
        ClaimedTask task = task("m1", "echo hello");
        ssh.failLogins(new SshFailure(SshFailure.Kind.CONNECT, "cannot connect to 10.0.0.7:22: Connection refused", null));

        runToEnd(attempt(task));

        assertThat(reported(task)).isEqualTo(new AttemptResult(7, AttemptOutcome.NOT_RUN, null, "", false,
                "cannot connect to 10.0.0.7:22: Connection refused"));
        assertThat(queue.started).isEmpty();
    }

    @Test
    void aResultIsReportedAgainWhileTheQueueIsUnreachable() {
        ClaimedTask task = task("m1", "echo hello");
        ssh.failLogins(new SshFailure(SshFailure.Kind.AUTH, "authentication as 'deploy' failed", null));
        queue.failNextFinishes(2);

        runToEnd(attempt(task));

        assertThat(queue.finishCalls).hasValue(3);
        assertThat(retryClock.sleeps).containsExactly(Duration.ofMillis(200), Duration.ofMillis(400));
        assertThat(reported(task).error()).isEqualTo("authentication as 'deploy' failed");
    }

    @Test
    void reportingBacksOffUpToFiveSecondsAndGivesUpAfterReportRetryFor() {
        ClaimedTask task = task("m1", "echo hello");
        ssh.failLogins(new SshFailure(SshFailure.Kind.AUTH, "authentication as 'deploy' failed", null));
        queue.failNextFinishes(Integer.MAX_VALUE);
        WorkSettings retryFor20s = new WorkSettings(8, List.of(), Duration.ofSeconds(2), 1 << 20,
                Duration.ofSeconds(20), Duration.ofSeconds(30), Duration.ofSeconds(30));

        runToEnd(attempt(task, retryFor20s));

        assertThat(retryClock.sleeps).extracting(Duration::toMillis)
                .containsExactly(200L, 400L, 800L, 1600L, 3200L, 5000L, 5000L, 5000L);
        assertThat(queue.finishCalls).as("the last try at 21.2 s, past the 20 s").hasValue(9);
        assertThat(queue.hasResult(task.taskId())).isFalse();
    }

    @Test
    void aHeartbeatBeforeTheCommandStartsOnlyRenewsTheLease() {
        ClaimedTask task = task("m1", "echo hello");

        attempt(task).heartbeat();

        assertThat(queue.heartbeats).containsExactly(new FakeQueue.Beat(task.taskId(), 0, "", null));
    }
}
