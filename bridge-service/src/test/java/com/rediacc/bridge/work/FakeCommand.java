package com.rediacc.bridge.work;

import com.rediacc.bridge.ssh.ExecResult;
import com.rediacc.bridge.ssh.RunningCommand;
import com.rediacc.bridge.ssh.SshFailure;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * A remote command the test plays: it prints, reports its pid, exits, loses its connection, or
 * outlives its timeout when the test says so. Killing it ends it by SIGTERM, as on a machine.
 */
final class FakeCommand implements RunningCommand {
    final byte[] stdin;
    final byte[] stdinAtStart;
    final String attemptToken;
    private final LongConsumer onPid;
    private final CompletableFuture<FakeCommand> awaited;
    private final CompletableFuture<ExecResult> ended = new CompletableFuture<>();
    private final CompletableFuture<Void> timeoutPassed = new CompletableFuture<>();
    private final StringBuilder output = new StringBuilder();
    final AtomicInteger kills = new AtomicInteger();
    volatile boolean closed;
    volatile Duration awaitedWith;

    /** {@code awaited} is completed with this command once its attempt waits for it to end. */
    FakeCommand(byte[] stdin, String attemptToken, LongConsumer onPid, CompletableFuture<FakeCommand> awaited) {
        this.stdin = stdin;
        this.stdinAtStart = stdin == null ? null : stdin.clone();
        this.attemptToken = attemptToken;
        this.onPid = onPid;
        this.awaited = awaited;
    }

    synchronized void print(String text) {
        output.append(text);
    }

    void reportPid(long pid) {
        onPid.accept(pid);
    }

    void exit(int code) {
        ended.complete(new ExecResult(code, null, output(), false));
    }

    void loseConnection() {
        ended.completeExceptionally(new SshFailure(SshFailure.Kind.CONNECTION_LOST, "connection lost while the command ran", null));
    }

    /** The timeout the attempt waits with passes; a wait without a timeout goes on. */
    void passTimeout() {
        timeoutPassed.complete(null);
    }

    @Override
    public ExecResult await(Duration timeout) throws SshFailure {
        awaitedWith = timeout;
        awaited.complete(this);
        CompletableFuture<?> first = timeout == null ? ended : CompletableFuture.anyOf(ended, timeoutPassed);
        try {
            first.join();
        } catch (CompletionException lostConnection) {
            // thrown below, from ended
        }
        if (!ended.isDone()) {
            return null;
        }
        try {
            return ended.join();
        } catch (CompletionException e) {
            throw (SshFailure) e.getCause();
        }
    }

    @Override
    public void kill() {
        kills.incrementAndGet();
        ended.complete(new ExecResult(null, "TERM", output(), false));
    }

    @Override
    public synchronized String outputSoFar() {
        return output.toString();
    }

    @Override
    public synchronized String output() {
        return output.toString();
    }

    @Override
    public boolean outputTruncated() {
        return false;
    }

    @Override
    public void close() {
        closed = true;
    }
}
