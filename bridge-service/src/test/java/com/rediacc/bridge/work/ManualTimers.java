package com.rediacc.bridge.work;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** {@link Timers} whose time moves only by {@link #advance}, which runs the actions falling due on the calling thread. */
final class ManualTimers implements Timers {
    private final List<Scheduled> scheduled = new ArrayList<>();
    private Duration now = Duration.ZERO;
    private boolean closed;

    @Override
    public synchronized Repeating every(Duration period, Runnable action) {
        Scheduled repeating = new Scheduled(now.plus(period), period, action);
        scheduled.add(repeating);
        return repeating;
    }

    @Override
    public synchronized void after(Duration delay, Runnable action) {
        scheduled.add(new Scheduled(now.plus(delay), null, action));
    }

    @Override
    public synchronized void close() {
        closed = true;
        scheduled.clear();
    }

    synchronized boolean isClosed() {
        return closed;
    }

    void advance(Duration by) {
        Duration until;
        synchronized (this) {
            until = now.plus(by);
        }
        Scheduled next;
        while ((next = nextDue(until)) != null) {
            next.action.run();
        }
    }

    private synchronized Scheduled nextDue(Duration until) {
        Scheduled next = scheduled.stream().filter(s -> s.due.compareTo(until) <= 0)
                .min(Comparator.comparing(s -> s.due)).orElse(null);
        if (next == null) {
            now = until;
            return null;
        }
        now = next.due;
        if (next.period == null) {
            scheduled.remove(next);
        } else {
            next.due = next.due.plus(next.period);
        }
        return next;
    }

    private final class Scheduled implements Repeating {
        Duration due;
        final Duration period;
        final Runnable action;

        Scheduled(Duration due, Duration period, Runnable action) {
            this.due = due;
            this.period = period;
            this.action = action;
        }

        @Override
        public void cancel() {
            synchronized (ManualTimers.this) {
                scheduled.remove(this);
            }
        }
    }
}
