package com.rediacc.bridge.work;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A clock that moves only when slept on, and remembers every sleep. */
final class FakeRetryClock implements RetryClock {
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private volatile Instant now = Instant.EPOCH;

    @Override
    public Instant now() {
        return now;
    }

    @Override
    public void sleep(Duration duration) {
        sleeps.add(duration);
        now = now.plus(duration);
    }
}
