package com.rediacc.bridge.work;

import java.time.Duration;

/** Runs the scheduler's actions later: each running task's heartbeat, a failed claim's retry. */
interface Timers extends AutoCloseable {
    /** Runs {@code action} every {@code period}, the first time one period from now, until cancelled. */
    Repeating every(Duration period, Runnable action);

    /** Runs {@code action} once, {@code delay} from now. */
    void after(Duration delay, Runnable action);

    /** Runs no more actions, and interrupts those running. */
    @Override
    void close();

    interface Repeating {
        void cancel();
    }
}
