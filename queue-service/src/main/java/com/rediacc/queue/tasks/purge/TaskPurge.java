package com.rediacc.queue.tasks.purge;

import com.rediacc.queue.QueueConfig;
import com.rediacc.queue.tasks.PurgeFilter;
import com.rediacc.queue.tasks.Task;
import com.rediacc.queue.tasks.TaskStatus;
import com.rediacc.queue.tasks.TaskTransitions;
import com.rediacc.queue.tasks.lifecycle.Decision;
import com.rediacc.queue.tasks.lifecycle.TaskEvent;
import com.rediacc.queue.tasks.store.TaskStore;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Cancels the tasks that match a filter, a slice at a time (docs/adr/0021): each slice locks up to
 * {@code rediacc.tasks.purge.slice} tasks (SKIP LOCKED: a claim is never waited for, nor a task both
 * claimed and cancelled) and cancels them in one transaction through the unit of work, as the
 * single-task cancel does: same state machine, history, task.cancelled events (one outbox row per
 * slice), counts, onExit follow-ups and group progress; a PROCESSING task is asked to stop and its
 * bridge kills the remote command. Every slice is committed on its own, so a purge stopped halfway
 * (deadline, crash) leaves each task either cancelled or as it was, and calling again goes on.
 */
@Singleton
public class TaskPurge {
    @Inject
    TaskStore store;
    @Inject
    TaskTransitions transitions;
    @Inject
    QueueConfig config;
    @Inject
    Clock clock;

    /** Where a purge beginning now stops: it leaves tasks queued after it alone. */
    public Uni<Long> upToNow() {
        return store.newestSeq();
    }

    /** What the purge would take now, by status; nothing changes. */
    public Uni<PurgeResult> count(PurgeFilter filter, List<String> teams) {
        return store.countPurge(filter, teams).map(counts -> new PurgeResult(true, filter.upTo(),
                counts.values().stream().mapToLong(Long::longValue).sum(), null, null, counts, true));
    }

    /** Slices until nothing matches or {@code rediacc.tasks.purge.call-budget} is spent. {@code teams} null: every team. */
    public Uni<PurgeResult> purge(PurgeFilter filter, List<String> teams, String actor) {
        Tally tally = new Tally();
        Instant stopAt = clock.instant().plus(config.tasks().purge().callBudget());
        return slices(filter, teams, actor, null, stopAt, tally)
                .map(done -> new PurgeResult(false, filter.upTo(), null, tally.cancelled, tally.cancelRequested,
                        tally.byStatus, done));
    }

    private Uni<Boolean> slices(PurgeFilter filter, List<String> teams, String actor, Task after, Instant stopAt,
                                Tally tally) {
        int limit = config.tasks().purge().slice();
        return slice(filter, teams, actor, after).flatMap(moves -> {
            Task lastPending = null;
            int pending = 0;
            for (Decision.Move move : moves) {
                tally.add(move);
                if (move.from() == TaskStatus.PENDING) {
                    lastPending = move.before();
                    pending++;
                }
            }
            if (moves.isEmpty() && after == null) {
                return Uni.createFrom().item(true);
            }
            if (!clock.instant().isBefore(stopAt)) {
                return Uni.createFrom().item(false);
            }
            // A short slice from the cursor starts over: tasks passed over while locked lie behind it.
            return slices(filter, teams, actor, pending == limit ? lastPending : null, stopAt, tally);
        });
    }

    /** One transaction: lock a slice and write its cancels. */
    private Uni<List<Decision.Move>> slice(PurgeFilter filter, List<String> teams, String actor, Task after) {
        return transitions.inTransaction(work -> store.lockPurgeSlice(work.tx(), filter, teams,
                        config.tasks().purge().slice(), after)
                .flatMap(tasks -> {
                    List<Decision.Move> moves = work.moves(tasks, new TaskEvent.Cancel());
                    return work.write(moves, actor, null).replaceWith(moves);
                }));
    }

    private static final class Tally {
        long cancelled;
        long cancelRequested;
        final Map<TaskStatus, Long> byStatus = new EnumMap<>(TaskStatus.class);

        void add(Decision.Move move) {
            byStatus.merge(move.from(), 1L, Long::sum);
            if (move.to() == TaskStatus.CANCELLED) {
                cancelled++;
            } else {
                cancelRequested++;
            }
        }
    }
}
