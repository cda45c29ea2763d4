package com.rediacc.bridge.work;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/** Keeps what it is given until the test runs it, on the test's thread, with {@link #runPending()}. */
final class ManualExecutor extends AbstractExecutorService {
    private final Queue<Runnable> pending = new ConcurrentLinkedQueue<>();
    private volatile boolean shutdown;

    /** Runs everything submitted, including what that submits. */
    void runPending() {
        Runnable next;
        while ((next = pending.poll()) != null) {
            next.run();
        }
    }

    boolean hasPending() {
        return !pending.isEmpty();
    }

    @Override
    public void execute(Runnable command) {
        if (shutdown) {
            throw new RejectedExecutionException("shut down");
        }
        pending.add(command);
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> dropped = new ArrayList<>(pending);
        pending.clear();
        return dropped;
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown && pending.isEmpty();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }
}
