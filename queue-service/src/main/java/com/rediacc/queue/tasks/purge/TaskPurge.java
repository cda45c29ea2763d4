package com.rediacc.queue.tasks.purge;

import com.rediacc.contract.events.Topics;
import com.rediacc.queue.QueueConfig;
import com.rediacc.queue.metrics.TaskMetrics;
import com.rediacc.queue.outbox.OutboxRelay;
import com.rediacc.queue.outbox.OutboxRepository;
import com.rediacc.queue.tasks.PurgeFilter;
import com.rediacc.queue.tasks.TaskEventData;
import com.rediacc.queue.tasks.TaskStatus;
import com.rediacc.queue.tasks.TaskTransitions;
import com.rediacc.queue.tasks.lifecycle.Decision;
import com.rediacc.queue.tasks.lifecycle.TaskEvent;
import com.rediacc.queue.tasks.store.TaskStore;
import com.rediacc.queue.tasks.store.TaskStore.PendingSlice;
import com.rediacc.queue.tasks.store.TaskStore.PurgeCursor;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Cancels the tasks that match a filter, a slice at a time (docs/adr/0021), each slice committed on
 * its own, so a purge stopped halfway (deadline, crash) leaves each task either cancelled or as it
 * was, and calling again goes on. Plain PENDING tasks (no onExit, not of a group: nearly all of a
 * backlog) are cancelled set-based, {@code rediacc.tasks.purge.slice} per statement, as the state
 * machine cancels them (sql/purge-pending-slice.sql). The others, whose cancel sets off more (an
 * onExit follow-up, a group's progress, a running command killed by its bridge), go through the
 * unit of work as single cancels do, a slice per transaction, once the plain ones of a pass are done.
 * Both lock with SKIP LOCKED: a claim is never waited for, and a task is claimed or cancelled, never both.
 */
@Singleton
public class TaskPurge {
    private static final TaskStore.EventEnvelope CANCELLED_EVENT = new TaskStore.EventEnvelope(Topics.TASK_EVENTS,
            OutboxRepository.SOURCE, TaskEventData.type(TaskStatus.CANCELLED), TaskEventData.SCHEMA);

    @Inject
    TaskStore store;
    @Inject
    TaskTransitions transitions;
    @Inject
    OutboxRelay relay;
    @Inject
    TaskMetrics metrics;
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
        return purge(filter, teams, actor, config.tasks().purge().callBudget());
    }

    /** As {@link #purge(PurgeFilter, List, String)}, starting no slice after {@code budget} (at least one). */
    Uni<PurgeResult> purge(PurgeFilter filter, List<String> teams, String actor, Duration budget) {
        Tally tally = new Tally();
        Instant stopAt = clock.instant().plus(budget);
        return slices(filter, teams, actor, null, stopAt, tally)
                .map(done -> new PurgeResult(false, filter.upTo(), null, tally.cancelled, tally.cancelRequested,
                        tally.byStatus, done));
    }

    /**
     * A pass: plain PENDING slices from the cursor while they come full; after a short one, a slice of
     * the others, and the next pass from the start (tasks passed over while locked lie behind the
     * cursor). Done when a pass from the start finds nothing.
     */
    private Uni<Boolean> slices(PurgeFilter filter, List<String> teams, String actor, PurgeCursor after, Instant stopAt,
                                Tally tally) {
        int limit = config.tasks().purge().slice();
        return plainSlice(filter, teams, actor, after, tally).flatMap(plain -> {
            if (plain.tasks() == limit) {
                return next(filter, teams, actor, plain.last(), stopAt, tally);
            }
            return othersSlice(filter, teams, actor, tally).flatMap(others -> plain.tasks() == 0 && after == null && others == 0
                    ? Uni.createFrom().item(true) : next(filter, teams, actor, null, stopAt, tally));
        });
    }

    private Uni<Boolean> next(PurgeFilter filter, List<String> teams, String actor, PurgeCursor after, Instant stopAt,
                              Tally tally) {
        return clock.instant().isBefore(stopAt) ? slices(filter, teams, actor, after, stopAt, tally)
                : Uni.createFrom().item(false);
    }

    private Uni<PendingSlice> plainSlice(PurgeFilter filter, List<String> teams, String actor, PurgeCursor after,
                                         Tally tally) {
        if (!filter.statuses().contains(TaskStatus.PENDING)) {
            return Uni.createFrom().item(new PendingSlice(List.of(), null));
        }
        return store.cancelPendingSlice(filter, teams, config.tasks().purge().slice(), after, actor, CANCELLED_EVENT)
                .invoke(slice -> {
                    if (slice.tasks() > 0) {
                        relay.wake();
                        metrics.purged(slice.cancelled());
                        tally.cancelled += slice.tasks();
                        tally.byStatus.merge(TaskStatus.PENDING, slice.tasks(), Long::sum);
                    }
                });
    }

    /** One transaction of the unit of work: lock a slice of the other tasks and cancel them as single cancels do. */
    private Uni<Integer> othersSlice(PurgeFilter filter, List<String> teams, String actor, Tally tally) {
        return transitions.inTransaction(work -> store.lockPurgeSlice(work.tx(), filter, teams,
                        config.tasks().purge().slice())
                .flatMap(tasks -> {
                    List<Decision.Move> moves = work.moves(tasks, new TaskEvent.Cancel());
                    return work.write(moves, actor, null).replaceWith(moves);
                }))
                .map(moves -> {
                    moves.forEach(tally::add);
                    return moves.size();
                });
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
