package com.rediacc.bridge.work;

import com.rediacc.bridge.credentials.CredentialStore;
import com.rediacc.bridge.queue.TaskQueue;
import com.rediacc.bridge.ssh.AttemptProcesses;
import com.rediacc.bridge.ssh.SshFailure;
import com.rediacc.contract.bridge.LostAttempt;
import com.rediacc.contract.bridge.LostAttempts;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static com.rediacc.bridge.work.TestTasks.TEAM;
import static com.rediacc.bridge.work.TestTasks.machine;
import static org.assertj.core.api.Assertions.assertThat;

class LostAttemptCleanupTest {
    private final FakeQueue queue = new FakeQueue();
    private final FakeSsh ssh = new FakeSsh();
    private final FakeCredentials credentials = new FakeCredentials();
    private final LostAttemptCleanup cleanup = new LostAttemptCleanup(queue, ssh, credentials);

    private static LostAttempt lost(Long pid) {
        return new LostAttempt(UUID.randomUUID(), "attempt-" + UUID.randomUUID(), pid);
    }

    @Test
    void endsEachLostAttemptAndReportsOnlyTheOnesEnded() {
        LostAttempt killed = lost(4242L);
        LostAttempt goneAlready = lost(null);
        LostAttempt stuck = lost(4343L);
        LostAttempt noProc = lost(4444L);
        queue.lostAttemptsToEnd(new LostAttempts(TEAM, machine("m1"), List.of(killed, goneAlready, stuck, noProc)));
        ssh.endingAttemptFinds(killed.attemptToken(), AttemptProcesses.Outcome.KILLED);
        ssh.endingAttemptFinds(goneAlready.attemptToken(), AttemptProcesses.Outcome.NONE_RUNNING);
        ssh.endingAttemptFinds(stuck.attemptToken(), AttemptProcesses.Outcome.STILL_RUNNING);
        ssh.endingAttemptFinds(noProc.attemptToken(), AttemptProcesses.Outcome.UNSUPPORTED);

        cleanup.endLostAttempts("m1");

        assertThat(ssh.endCalls).containsExactly(new FakeSsh.EndCall(4242L, killed.attemptToken()),
                new FakeSsh.EndCall(null, goneAlready.attemptToken()), new FakeSsh.EndCall(4343L, stuck.attemptToken()),
                new FakeSsh.EndCall(4444L, noProc.attemptToken()));
        assertThat(queue.lostAttemptsEnded).as("the others the queue asks for again").containsExactly(
                new FakeQueue.Ended(killed, true), new FakeQueue.Ended(goneAlready, false));
        assertThat(ssh.identities).containsExactly(FakeCredentials.KEY);
        assertThat(ssh.shares).singleElement().satisfies(share -> assertThat(share.closed).isTrue());
    }

    @Test
    void noLostAttemptsNoLogin() {
        cleanup.endLostAttempts("m1");

        assertThat(ssh.shares).isEmpty();
    }

    @Test
    void whatFailsIsLeftForTheQueueToAskAgain() {
        queue.failLostAttempts(new TaskQueue.QueueUnavailable("queue-service unreachable", null));
        cleanup.endLostAttempts("m1");
        assertThat(ssh.shares).isEmpty();

        queue.failLostAttempts(null);
        queue.lostAttemptsToEnd(new LostAttempts(TEAM, machine("m2"), List.of(lost(4242L))));
        credentials.fail(new CredentialStore.CredentialException("credential 'deploy-key' holds no private key", null));
        cleanup.endLostAttempts("m2");
        assertThat(ssh.shares).isEmpty();

        credentials.fail(null);
        ssh.failLogins(new SshFailure(SshFailure.Kind.CONNECT, "cannot connect to 10.0.0.7:22", null));
        cleanup.endLostAttempts("m2");

        assertThat(queue.lostAttemptsEnded).isEmpty();
    }
}
