package com.rediacc.queue.crons;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which of a cron's due slots run, which are missed, and which slot is next. Pure: the caller gives
 * the stored next slot and the time.
 *
 * <p>Normally one slot is due and it runs. After downtime (or a pause) several may be: at most one
 * runs, the latest, and only if it is no older than the checkin margin; every other is MISSED. At
 * most {@value #MAX_SLOTS} slots are computed: after a long downtime the ones between the last
 * computed and the latest are not recorded one by one. The next slot comes from the latest due one,
 * never from the time.
 */
public final class CronPlanner {
    public static final int MAX_SLOTS = 100;

    private CronPlanner() {
    }

    /**
     * @param run         the slot that runs now, if any
     * @param catchUp     whether it runs after slots that were missed (not the only one due)
     * @param missed      the slots recorded MISSED, in order
     * @param uncounted   slots were skipped without being recorded (more than {@value #MAX_SLOTS} due)
     * @param nextSlot    the slot to wait for next; null when the expression never fires again
     */
    public record Plan(Instant run, boolean catchUp, List<Instant> missed, boolean uncounted, Instant nextSlot) {
        public boolean due() {
            return run != null || !missed.isEmpty();
        }
    }

    public static Plan plan(CronSchedule schedule, Instant nextSlot, Instant now, Duration checkinMargin) {
        if (nextSlot.isAfter(now)) {
            return new Plan(null, false, List.of(), false, nextSlot);
        }
        Optional<Instant> following = schedule.next(nextSlot);
        if (following.isEmpty() || following.get().isAfter(now)) {
            // The usual case, one slot due: the rule below, without computing the following slot three times.
            boolean runs = !nextSlot.plus(checkinMargin).isBefore(now);
            return new Plan(runs ? nextSlot : null, false, runs ? List.of() : List.of(nextSlot), false,
                    following.orElse(null));
        }
        List<Instant> due = new ArrayList<>();
        due.add(nextSlot);
        due.addAll(schedule.between(nextSlot, now, MAX_SLOTS - 2));
        boolean uncounted = false;
        Optional<Instant> after = schedule.next(due.getLast()).filter(next -> !next.isAfter(now));
        if (after.isPresent()) {
            // More are due than computed: the last one counted, then jump to the latest.
            Instant latest = schedule.latestAtOrBefore(now).orElseThrow();
            uncounted = after.get().isBefore(latest);
            due.add(latest);
        }
        Instant latest = due.getLast();
        boolean runsLatest = !latest.plus(checkinMargin).isBefore(now);
        List<Instant> missed = new ArrayList<>(due);
        if (runsLatest) {
            missed.removeLast();
        }
        Instant next = schedule.next(latest).orElse(null);
        return new Plan(runsLatest ? latest : null, runsLatest && due.size() > 1, List.copyOf(missed), uncounted, next);
    }
}
