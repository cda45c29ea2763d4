package com.rediacc.bridge.work;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@link Timers} on one timer thread that hands each action to its own virtual thread, so that one
 * slow action (a heartbeat waiting on the queue) holds up no other.
 */
final class ThreadTimers implements Timers {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("bridge-timers").daemon().factory());
    private final ExecutorService actions = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("timed-", 0).factory());

    @Override
    public Repeating every(Duration period, Runnable action) {
        ScheduledFuture<?> repeating = timer.scheduleAtFixedRate(() -> actions.execute(action),
                period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return () -> repeating.cancel(false);
    }

    @Override
    public void after(Duration delay, Runnable action) {
        timer.schedule(() -> actions.execute(action), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        actions.shutdownNow();
    }
}
