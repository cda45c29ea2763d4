package com.rediacc.bridge.work;

import com.rediacc.bridge.ssh.AttemptProcesses;
import com.rediacc.bridge.ssh.RunningCommand;
import com.rediacc.bridge.ssh.SessionShare;
import com.rediacc.bridge.ssh.SshFailure;
import com.rediacc.bridge.ssh.SshSessions;
import com.rediacc.contract.bridge.MachineConnection;

import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;

/**
 * Machines in memory: every acquire logs in anew (loading the identity), and every command started
 * is a {@link FakeCommand} the test plays. Commands are told apart by their text.
 */
final class FakeSsh implements SshSessions {
    private static final Duration WAIT = Duration.ofSeconds(10);

    record EndCall(Long pid, String attemptToken) {
    }

    final List<Share> shares = new CopyOnWriteArrayList<>();
    final List<KeyPair> identities = new CopyOnWriteArrayList<>();
    final List<EndCall> endCalls = new CopyOnWriteArrayList<>();
    private final Map<String, CompletableFuture<FakeCommand>> running = new ConcurrentHashMap<>();
    private final Map<String, AttemptProcesses.Outcome> lostOutcomes = new ConcurrentHashMap<>();
    private volatile SshFailure loginFailure;

    void failLogins(SshFailure failure) {
        loginFailure = failure;
    }

    /** What ending the processes of the attempt with {@code attemptToken} finds. */
    void endingAttemptFinds(String attemptToken, AttemptProcesses.Outcome outcome) {
        lostOutcomes.put(attemptToken, outcome);
    }

    /** The command, once its attempt waits for it to end. */
    FakeCommand awaitRunning(String command) {
        try {
            return running(command).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("command '" + command + "' not running within " + WAIT, e);
        }
    }

    boolean started(String command) {
        return running.containsKey(command);
    }

    boolean anyStarted() {
        return !running.isEmpty();
    }

    /** Lets every command started so far exit 0. */
    void exitAll() {
        running.values().forEach(command -> command.thenAccept(c -> c.exit(0)));
    }

    private CompletableFuture<FakeCommand> running(String command) {
        return running.computeIfAbsent(command, c -> new CompletableFuture<>());
    }

    @Override
    public Share acquire(MachineConnection machine, KeyPair identity) throws SshFailure {
        identities.add(identity);
        return acquire(machine, "key", () -> identity);
    }

    @Override
    public Share acquire(MachineConnection machine, String identityId, IdentitySource identity) throws SshFailure {
        identity.keyPair();
        if (loginFailure != null) {
            throw loginFailure;
        }
        Share share = new Share();
        shares.add(share);
        return share;
    }

    final class Share implements SessionShare {
        volatile boolean discarded;
        volatile boolean closed;

        @Override
        public RunningCommand start(String command, Map<String, String> environment, int maxOutputBytes, byte[] stdin,
                                    String attemptToken, LongConsumer onPid) {
            return new FakeCommand(stdin, attemptToken, onPid, running(command));
        }

        @Override
        public AttemptProcesses.Outcome endAttemptProcesses(Long pid, String attemptToken) throws SshFailure {
            endCalls.add(new EndCall(pid, attemptToken));
            AttemptProcesses.Outcome outcome = lostOutcomes.get(attemptToken);
            if (outcome == null) {
                throw new SshFailure(SshFailure.Kind.CHANNEL, "ending a lost attempt: unexpected answer", null);
            }
            return outcome;
        }

        @Override
        public void discardSession() {
            discarded = true;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
