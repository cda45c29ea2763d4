package com.rediacc.bridge.work;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Runs what blocks (an attempt, a heartbeat, a shutdown) on its own thread, as the bridge does. */
final class Background {
    /** How long a test waits for something that happens at once unless the code under test is wrong. */
    static final Duration WAIT = Duration.ofSeconds(10);

    private Background() {
    }

    static CompletableFuture<Void> run(Runnable action) {
        return CompletableFuture.runAsync(action, command -> Thread.ofVirtual().start(command));
    }
}
