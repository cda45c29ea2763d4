package com.rediacc.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Runs an action on every item of a list, at most {@code clients} at a time, within a time limit. */
final class Parallel {
    private Parallel() {
    }

    interface Action<T> {
        void run(T item) throws Exception;
    }

    /** What happened: items done and failed (the rest were not finished in time), the first failure. */
    record Outcome(int done, int failed, int unfinished, String firstError, double seconds) {
        boolean complete() {
            return failed == 0 && unfinished == 0;
        }

        String describe() {
            return done + " done, " + failed + " failed, " + unfinished + " not finished in time"
                    + (firstError == null ? "" : "; first failure: " + firstError);
        }
    }

    /** A failed item does not stop the others; no item starts after {@code limit}. */
    static <T> Outcome forEach(List<T> items, int clients, Duration limit, Action<T> action) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + limit.toNanos();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            threads.add(Thread.ofVirtual().start(() -> {
                int i;
                while (System.nanoTime() < deadline && (i = next.getAndIncrement()) < items.size()) {
                    try {
                        action.run(items.get(i));
                        done.incrementAndGet();
                    } catch (Exception e) {
                        failed.incrementAndGet();
                        firstError.compareAndSet(null, e.getMessage() == null ? e.toString() : e.getMessage());
                    }
                }
            }));
        }
        // an item started just before the deadline gets its request's own time limit to finish
        long joinBy = deadline + QueueApi.TIMEOUT.toNanos();
        for (Thread t : threads) {
            t.join(Duration.ofNanos(Math.max(1, joinBy - System.nanoTime())));
            t.interrupt();
        }
        int unfinished = items.size() - done.get() - failed.get();
        return new Outcome(done.get(), failed.get(), unfinished, firstError.get(), (System.nanoTime() - t0) / 1e9);
    }
}
