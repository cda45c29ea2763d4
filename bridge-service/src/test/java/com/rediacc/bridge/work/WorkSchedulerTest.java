package com.rediacc.bridge.work;

import io.opentelemetry.api.OpenTelemetry;
import com.rediacc.bridge.ssh.AttemptProcesses;
import com.rediacc.contract.bridge.AttemptOutcome;
import com.rediacc.contract.bridge.ClaimedTask;
import com.rediacc.contract.bridge.LostAttempt;
import com.rediacc.contract.bridge.LostAttempts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static com.rediacc.bridge.work.Background.WAIT;
import static com.rediacc.bridge.work.TestTasks.TEAM;
import static com.rediacc.bridge.work.TestTasks.machine;
import static com.rediacc.bridge.work.TestTasks.settings;
import static com.rediacc.bridge.work.TestTasks.task;
import static com.rediacc.bridge.work.TestTasks.withVaultData;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The scheduler against fake ports. Claims run only when the test runs the claimer, and time moves
 * only when the test advances the timers; tasks run on real threads, their commands played by the test.
 */
class WorkSchedulerTest {
    private static final Duration HEARTBEAT = Duration.ofSeconds(2);

    private final FakeQueue queue = new FakeQueue();
    private final FakeSsh ssh = new FakeSsh();
    private final FakeVault vault = new FakeVault();
    private final ManualExecutor claimer = new ManualExecutor();
    private final ManualTimers timers = new ManualTimers();
    private WorkScheduler scheduler;

    private WorkScheduler scheduler(WorkSettings settings) {
        scheduler = new WorkScheduler(queue, ssh, new FakeCredentials(), vault, settings, claimer, timers,
                new FakeRetryClock(), OpenTelemetry.noop().getTracer("test"));
        return scheduler;
    }

    @AfterEach
    void stop() {
        ssh.exitAll();
        if (scheduler != null) {
            scheduler.close();
        }
    }

    /** Waits for a finished task to wake the claimer, then runs the claims. */
    private void claimWhenWoken() {
        await().atMost(WAIT).until(claimer::hasPending);
        claimer.runPending();
    }

    @Test
    void claimsWithinTheBatchSizeAndClaimsAgainWhenATaskEnds() {
        WorkScheduler scheduler = scheduler(settings(2));
        ClaimedTask first = task("m1", "first");
        ClaimedTask second = task("m1", "second");
        ClaimedTask third = task("m1", "third");
        queue.ready("m1", first, second, third);

        scheduler.wake("m1");
        claimer.runPending();
        ssh.awaitRunning("first");
        ssh.awaitRunning("second");
        assertThat(scheduler.running()).isEqualTo(2);

        scheduler.wake("m1");
        claimer.runPending();
        assertThat(queue.claims).as("no claim while full").containsExactly(new FakeQueue.Claim("m1", 2));

        ssh.awaitRunning("first").exit(0);
        claimWhenWoken();

        ssh.awaitRunning("third");
        assertThat(queue.claims).containsExactly(new FakeQueue.Claim("m1", 2), new FakeQueue.Claim("m1", 1));
        assertThat(queue.result(first.taskId())).succeedsWithin(WAIT)
                .satisfies(result -> assertThat(result.outcome()).isEqualTo(AttemptOutcome.SUCCEEDED));
    }

    @Test
    void aMachineStaysWantedWhileItsClaimsReturnAllThatWasAskedFor() {
        WorkScheduler scheduler = scheduler(settings(2));
        queue.ready("m1", task("m1", "a1"));
        queue.ready("m2", task("m2", "b1"), task("m2", "b2"));

        scheduler.wake("m1");
        claimer.runPending();
        scheduler.wake("m2");
        claimer.runPending();
        assertThat(queue.claims).containsExactly(new FakeQueue.Claim("m1", 2), new FakeQueue.Claim("m2", 1));

        ssh.awaitRunning("a1").exit(0);
        claimWhenWoken();

        // Only m1 was woken, but m2's last claim was full: it may have more.
        ssh.awaitRunning("b2");
        assertThat(queue.claims).filteredOn(claim -> claim.machine().equals("m2")).hasSize(2);
    }

    @Test
    void aMachineIsNotClaimedAgainAfterAClaimReturnedLessThanAsked() {
        WorkScheduler scheduler = scheduler(settings(2));
        queue.ready("m1", task("m1", "a1"));
        queue.ready("m2", task("m2", "b1"));

        scheduler.wake("m1");
        claimer.runPending();
        scheduler.wake("m2");
        claimer.runPending();
        ssh.awaitRunning("b1").exit(0);
        claimWhenWoken();

        assertThat(queue.claims).containsExactly(new FakeQueue.Claim("m1", 2), new FakeQueue.Claim("m2", 1),
                new FakeQueue.Claim("m2", 1));
    }

    @Test
    void aMachineWhoseLastClaimLeftNoWorkIsNotClaimedAgainWhenATaskEnds() {
        queue.tellWhetherWorkIsLeft();
        WorkScheduler scheduler = scheduler(settings(2));
        queue.ready("m1", task("m1", "a1"));

        scheduler.wake("m1");
        claimer.runPending();
        ssh.awaitRunning("a1").exit(0);
        claimWhenWoken();
        assertThat(queue.claims).as("no claim: nothing was left and nothing new woke m1")
                .containsExactly(new FakeQueue.Claim("m1", 2));

        queue.ready("m1", task("m1", "a2"));
        scheduler.wake("m1");
        claimer.runPending();
        ssh.awaitRunning("a2");
        assertThat(queue.claims).as("new work wakes it").containsExactly(new FakeQueue.Claim("m1", 2),
                new FakeQueue.Claim("m1", 2));
    }

    @Test
    void aMachineWhoseLastClaimLeftWorkIsClaimedAgainWhenATaskEnds() {
        queue.tellWhetherWorkIsLeft();
        WorkScheduler scheduler = scheduler(settings(2));
        queue.ready("m1", task("m1", "a1"), task("m1", "a2"), task("m1", "a3"));

        scheduler.wake("m1");
        claimer.runPending();
        ssh.awaitRunning("a1").exit(0);
        claimWhenWoken();

        ssh.awaitRunning("a3");
        assertThat(queue.claims).containsExactly(new FakeQueue.Claim("m1", 2), new FakeQueue.Claim("m1", 1));
    }

    @Test
    void theSlotOfAMachineWithNoWorkLeftGoesToTheWantedOnes() {
        queue.tellWhetherWorkIsLeft();
        WorkScheduler scheduler = scheduler(settings(2));
        queue.ready("m1", task("m1", "a1"));
        queue.ready("m2", task("m2", "b1"), task("m2", "b2"));

        scheduler.wake("m1");
        claimer.runPending();
        scheduler.wake("m2");
        claimer.runPending();
        ssh.awaitRunning("a1").exit(0);
        claimWhenWoken();

        ssh.awaitRunning("b2");
        assertThat(queue.claims).as("m1 is not claimed again; m2, full and with work left, is")
                .containsExactly(new FakeQueue.Claim("m1", 2), new FakeQueue.Claim("m2", 1), new FakeQueue.Claim("m2", 1));
    }

    @Test
    void aClaimTheQueueCannotAnswerIsRetriedASecondLater() {
        WorkScheduler scheduler = scheduler(settings(2));
        queue.ready("m1", task("m1", "a1"));
        queue.failNextClaims(1);

        scheduler.wake("m1");
        claimer.runPending();
        timers.advance(Duration.ofMillis(999));
        assertThat(claimer.hasPending()).isFalse();

        timers.advance(Duration.ofMillis(1));
        assertThat(claimer.hasPending()).isTrue();
        claimer.runPending();

        ssh.awaitRunning("a1");
        assertThat(queue.claims).containsExactly(new FakeQueue.Claim("m1", 2), new FakeQueue.Claim("m1", 2));
    }

    @Test
    void newlyAssignedPartitionsHaveTheirMachinesWithReadyWorkClaimed() {
        WorkScheduler scheduler = scheduler(settings(2));
        queue.onPartition("m1", 0);
        queue.onPartition("m2", 1);
        queue.onPartition("m3", 2);
        queue.ready("m1", task("m1", "a1"));
        queue.ready("m3", task("m3", "c1"));

        scheduler.wakeReady(List.of(0, 1), 3);
        claimer.runPending();

        ssh.awaitRunning("a1");
        assertThat(queue.readyMachinesAsked).containsExactly(List.of(0, 1));
        assertThat(queue.claims).as("m2 has no ready work, m3 is on another bridge's partition")
                .containsExactly(new FakeQueue.Claim("m1", 2));
    }

    @Test
    void aReadyMachinesLookupTheQueueCannotAnswerIsRetriedASecondLater() {
        WorkScheduler scheduler = scheduler(settings(2));
        queue.onPartition("m1", 0);
        queue.ready("m1", task("m1", "a1"));
        queue.failNextReadyMachines(1);

        scheduler.wakeReady(List.of(0), 1);
        claimer.runPending();
        timers.advance(Duration.ofMillis(999));
        assertThat(claimer.hasPending()).isFalse();

        timers.advance(Duration.ofMillis(1));
        claimer.runPending();
        ssh.awaitRunning("a1");
        assertThat(queue.readyMachinesAsked).containsExactly(List.of(0), List.of(0));
    }

    @Test
    void aRunningTaskHeartbeatsEveryPeriodUntilItEnds() {
        WorkScheduler scheduler = scheduler(settings(2));
        ClaimedTask task = task("m1", "long job");
        queue.ready("m1", task);
        scheduler.wake("m1");
        claimer.runPending();
        FakeCommand command = ssh.awaitRunning("long job");

        timers.advance(HEARTBEAT.minusMillis(1));
        assertThat(queue.heartbeats).isEmpty();
        timers.advance(Duration.ofMillis(1));
        timers.advance(HEARTBEAT);
        assertThat(queue.heartbeatsOf(task.taskId())).hasSize(2);

        command.exit(0);
        await().atMost(WAIT).until(() -> scheduler.running() == 0);
        timers.advance(HEARTBEAT.multipliedBy(3));
        assertThat(queue.heartbeatsOf(task.taskId())).hasSize(2);
    }

    @Test
    void shutdownStopsClaimingGivesBackUnstartedTasksAndLetsRunningOnesFinish() {
        WorkScheduler scheduler = scheduler(settings(2));
        ClaimedTask running = task("m1", "running");
        ClaimedTask unstarted = withVaultData(task("m1", "unstarted"), "ciphertext-held");
        vault.encrypted("ciphertext-held", "{}");
        FakeVault.Hold decrypting = vault.hold("ciphertext-held");
        queue.ready("m1", running, unstarted);
        scheduler.wake("m1");
        claimer.runPending();
        FakeCommand command = ssh.awaitRunning("running");
        assertThat(decrypting.reached()).succeedsWithin(WAIT);

        CompletableFuture<Void> closing = Background.run(scheduler::close);
        await().atMost(WAIT).until(claimer::isShutdown);
        decrypting.released().complete(null);

        assertThat(queue.released(unstarted.taskId())).succeedsWithin(WAIT);
        assertThat(ssh.started("unstarted")).isFalse();
        assertThat(queue.started).containsExactly(running.taskId());

        scheduler.wake("m1");
        assertThat(claimer.hasPending()).as("no more claims").isFalse();
        timers.advance(HEARTBEAT);
        assertThat(queue.heartbeatsOf(running.taskId())).as("the running task keeps its lease").hasSize(1);
        assertThat(closing).isNotDone();

        command.exit(0);
        assertThat(closing).succeedsWithin(WAIT);
        assertThat(queue.result(running.taskId())).isCompleted();
        assertThat(timers.isClosed()).isTrue();
    }

    @Test
    void stoppingClaimingLeavesRunningTasksAloneAndClaimsNothingMoreEvenWhenAWakeUpWasQueued() {
        WorkScheduler scheduler = scheduler(settings(2));
        ClaimedTask running = task("m1", "running");
        queue.ready("m1", running);
        scheduler.wake("m1");
        claimer.runPending();
        FakeCommand command = ssh.awaitRunning("running");
        queue.ready("m2", task("m2", "ready"));
        scheduler.wake("m2");

        scheduler.stopClaiming();
        claimer.runPending();
        scheduler.wake("m2");
        scheduler.wakeReady(List.of(0), 6);

        assertThat(queue.claims).as("only the claim made before").containsExactly(new FakeQueue.Claim("m1", 2));
        assertThat(scheduler.running()).isEqualTo(1);
        timers.advance(HEARTBEAT);
        assertThat(queue.heartbeatsOf(running.taskId())).as("the running task keeps its lease").hasSize(1);
        command.exit(0);
        scheduler.close();
        assertThat(queue.result(running.taskId())).isCompleted();
    }

    @Test
    void aTaskStillRunningWhenTheGraceIsOverIsLeftToItsLease() {
        WorkSettings noGrace = new WorkSettings(2, List.of(), HEARTBEAT, 1 << 20, Duration.ofSeconds(60), Duration.ZERO,
                Duration.ofSeconds(30));
        WorkScheduler scheduler = scheduler(noGrace);
        ClaimedTask task = task("m1", "long job");
        queue.ready("m1", task);
        scheduler.wake("m1");
        claimer.runPending();
        FakeCommand command = ssh.awaitRunning("long job");

        scheduler.close();

        assertThat(command.kills).hasValue(0);
        assertThat(queue.hasResult(task.taskId())).isFalse();
        assertThat(timers.isClosed()).as("no more heartbeats").isTrue();
    }

    @Test
    void lostAttemptsAreEndedThenTheMachineIsClaimed() {
        WorkScheduler scheduler = scheduler(settings(2));
        LostAttempt lost = new LostAttempt(UUID.randomUUID(), "attempt-" + UUID.randomUUID(), 4242L);
        queue.lostAttemptsToEnd(new LostAttempts(TEAM, machine("m1"), List.of(lost)));
        ssh.endingAttemptFinds(lost.attemptToken(), AttemptProcesses.Outcome.KILLED);

        scheduler.endLostAttempts("m1");
        claimWhenWoken();

        assertThat(queue.lostAttemptsEnded).containsExactly(new FakeQueue.Ended(lost, true));
        assertThat(queue.claims).containsExactly(new FakeQueue.Claim("m1", 2));
    }
}
