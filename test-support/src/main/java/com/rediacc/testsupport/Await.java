package com.rediacc.testsupport;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waiting for a condition, never for a time: Awaitility, polling from the start every 100 ms. The
 * time limit only ends a wait for something that does not come; it is no part of what is tested.
 */
public final class Await {
    private static final Duration POLL = Duration.ofMillis(100);

    private Await() {
    }

    /**
     * Polls {@code probe} until {@code done} accepts its value, and returns that value. After
     * {@code atMost} it fails with {@code what}, the last value seen and {@code diagnostics}; an
     * exception of the probe fails the wait at once.
     */
    public static <T> T until(String what, Duration atMost, Callable<T> probe, Predicate<? super T> done,
                              Supplier<String> diagnostics) {
        AtomicReference<T> last = new AtomicReference<>();
        try {
            return Awaitility.await(what).pollDelay(Duration.ZERO).pollInterval(POLL).atMost(atMost)
                    .until(() -> {
                        T value = probe.call();
                        last.set(value);
                        return value;
                    }, done::test);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(what + ": not so after " + atMost + "; last seen: " + last.get() + "\n"
                    + diagnostics.get(), e);
        }
    }

    /** Polls {@code condition} until it holds; after {@code atMost} fails with {@code what} and {@code diagnostics}. */
    public static void until(String what, Duration atMost, Callable<Boolean> condition, Supplier<String> diagnostics) {
        until(what, atMost, condition, Boolean::booleanValue, diagnostics);
    }

    public static void until(String what, Duration atMost, Callable<Boolean> condition) {
        until(what, atMost, condition, () -> "");
    }
}
