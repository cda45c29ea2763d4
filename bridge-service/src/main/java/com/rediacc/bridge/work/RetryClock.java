package com.rediacc.bridge.work;

import java.time.Duration;
import java.time.Instant;

/** The time in which a task's result report is retried: the system's, or in tests one that moves only when slept. */
interface RetryClock {
    RetryClock SYSTEM = new RetryClock() {
        @Override
        public Instant now() {
            return Instant.now();
        }

        @Override
        public void sleep(Duration duration) {
            try {
                Thread.sleep(duration);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    };

    Instant now();

    /** Waits {@code duration}; returns early, with the thread's interrupt flag set, when interrupted. */
    void sleep(Duration duration);
}
