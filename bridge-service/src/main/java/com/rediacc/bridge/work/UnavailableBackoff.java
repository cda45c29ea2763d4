package com.rediacc.bridge.work;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How long a task given back because vault-service was unreachable stays off the claims: 1 s after
 * the first such answer, doubling with each further one in a row (across this bridge's tasks) up to
 * {@code max}, spread by up to ±20% so that the tasks of one outage do not all come back at once.
 * A decrypt that works again starts over. A long outage thus costs each waiting task one claim and
 * one give-back per {@code max}, not a loop.
 */
final class UnavailableBackoff {
    private static final Duration FIRST = Duration.ofSeconds(1);
    private static final double SPREAD = 0.2;

    private final Duration max;
    private final AtomicInteger inARow = new AtomicInteger();

    UnavailableBackoff(Duration max) {
        this.max = max;
    }

    /** One more unavailable answer: the delay before the task may be claimed again. */
    Duration next() {
        int n = Math.min(inARow.incrementAndGet(), 31);
        long millis = Math.min(max.toMillis(), FIRST.toMillis() << Math.min(n - 1, 20));
        double spread = 1 + SPREAD * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        return Duration.ofMillis(Math.max(FIRST.toMillis(), Math.round(millis * spread)));
    }

    /** vault-service answered: the next outage starts over at the first delay. */
    void reset() {
        inARow.set(0);
    }
}
