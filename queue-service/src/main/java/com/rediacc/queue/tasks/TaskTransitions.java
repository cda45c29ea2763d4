package com.rediacc.queue.tasks;

import org.jboss.logging.Logger;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rediacc.queue.QueueConfig;
import com.rediacc.queue.metrics.TaskMetrics;
import com.rediacc.queue.outbox.OutboxRelay;
import com.rediacc.queue.outbox.OutboxRepository.OutboxRow;
import com.rediacc.queue.tasks.lifecycle.Decision;
import com.rediacc.queue.tasks.lifecycle.TaskEvent;
import com.rediacc.queue.tasks.lifecycle.TaskStateMachine;
import com.rediacc.queue.tasks.store.TaskStore;
import com.rediacc.queue.tasks.store.TaskStore.NewTaskRow;
import com.rediacc.queue.tasks.store.TaskStore.WrittenLease;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The unit of work of every transition after creation: in one transaction, lock the task rows,
 * let {@link TaskStateMachine} decide, write the row changes with their history entries and outbox
 * messages (one statement, sql/apply-moves.sql), and wake the outbox relay once committed.
 */
@Singleton
public class TaskTransitions {
    private static final Logger LOG = Logger.getLogger(TaskTransitions.class);
    @Inject
    Pool pool;
    @Inject
    TaskStore store;
    @Inject
    TaskEvents events;
    @Inject
    OutboxRelay relay;
    @Inject
    TaskStateMachine machine;
    @Inject
    Clock clock;
    @Inject
    QueueConfig config;
    @Inject
    ObjectMapper json;
    @Inject
    Instance<GroupProgress> groupProgress;
    @Inject
    TaskMetrics metrics;

    /** What one event did to one task: the task as it was (null: no such task), the decision, the lease a move wrote. */
    public record Outcome(Task before, Decision decision, WrittenLease lease) {
        public boolean found() {
            return before != null;
        }
    }

    /**
     * One event on one task in its own transaction. {@code check} sees the locked task first and
     * throws to refuse (authorization); nothing is written then.
     */
    public Uni<Outcome> apply(UUID taskId, TaskEvent event, String actor, Consumer<Task> check) {
        return inTransaction(work -> store.lock(work.tx(), taskId).flatMap(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(new Outcome(null, null, null));
            }
            Task task = found.get();
            TaskLogFields.handling(task);
            check.accept(task);
            Decision decision = work.decide(task, event);
            if (!(decision instanceof Decision.Move move)) {
                return Uni.createFrom().item(new Outcome(task, decision, null));
            }
            return work.write(List.of(move), actor, null)
                    .invoke(() -> LOG.debugf("task %s: %s -> %s (%s)", taskId, task.status(), move.after().status(),
                            event.getClass().getSimpleName()))
                    .map(leases -> new Outcome(task, decision, leases.isEmpty() ? null : leases.getFirst()));
        }));
    }

    /** What an onExit command reads on its stdin: the task that ended, with the tail of its output. */
    record EndedTask(UUID taskId, String machine, String command, TaskStatus status, Integer exitCode, String error,
                     int attempts, String outputTail, boolean outputTruncated) {
        static final int TAIL = 4096;
    }

    private String endedJson(Task ended) {
        String output = ended.output() == null ? "" : ended.output();
        int from = Math.max(0, output.length() - EndedTask.TAIL);
        if (from > 0 && Character.isLowSurrogate(output.charAt(from))) {
            from++;
        }
        try {
            return json.writeValueAsString(new EndedTask(ended.taskId(), ended.machine(), ended.command(), ended.status(),
                    ended.exitCode(), ended.error(), ended.attempts(), output.substring(from),
                    ended.outputTruncated() || from > 0));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the ended task as JSON", e);
        }
    }

    /**
     * Runs {@code work} in one transaction; the relay is woken after the commit if it wrote messages,
     * and the moves are counted in the metrics.
     */
    public <T> Uni<T> inTransaction(Function<UnitOfWork, Uni<T>> work) {
        UnitOfWork unit = new UnitOfWork();
        return pool.withTransaction(tx -> {
                    unit.tx = tx;
                    return work.apply(unit);
                })
                .invoke(() -> {
                    if (unit.wroteMessages) {
                        relay.wake();
                    }
                    metrics.moved(unit.moves);
                });
    }

    /** One transaction's transitions. */
    public final class UnitOfWork {
        private SqlClient tx;
        private boolean wroteMessages;
        private final List<Decision.Move> moves = new ArrayList<>();

        public SqlClient tx() {
            return tx;
        }

        public Decision decide(Task task, TaskEvent event) {
            return decide(task, event, clock.instant());
        }

        /** As judged at {@code now} (the database's time, where it chose the tasks by time). */
        public Decision decide(Task task, TaskEvent event, Instant now) {
            return machine.decide(task, event, now);
        }

        /** The moves among {@code event}'s decisions for {@code tasks}; the others are dropped. */
        public List<Decision.Move> moves(List<Task> tasks, TaskEvent event) {
            List<Decision.Move> moves = new ArrayList<>(tasks.size());
            for (Task task : tasks) {
                if (decide(task, event) instanceof Decision.Move move) {
                    moves.add(move);
                }
            }
            return moves;
        }

        /**
         * Writes {@code moves} (of tasks this transaction locked) with their history by {@code actor}
         * and their messages; a granted lease goes to {@code leaseOwner}.
         */
        public Uni<List<WrittenLease>> write(List<Decision.Move> moves, String actor, String leaseOwner) {
            return write(moves, actor, leaseOwner, true);
        }

        /** As {@link #write}, for the moves a group makes of its own tasks: their ends are the group's business already. */
        public Uni<List<WrittenLease>> writeForGroup(List<Decision.Move> moves, String actor) {
            return write(moves, actor, null, false);
        }

        private Uni<List<WrittenLease>> write(List<Decision.Move> moves, String actor, String leaseOwner,
                                              boolean groupsFollow) {
            if (moves.isEmpty()) {
                return Uni.createFrom().item(List.of());
            }
            List<OutboxRow> messages = new ArrayList<>();
            moves.forEach(move -> messages.addAll(events.of(move)));
            List<NewTaskRow> onExits = onExits(moves, actor);
            Set<UUID> groups = new TreeSet<>();
            moves.stream().filter(move -> move.followUps().contains(Decision.FollowUp.GROUP_PROGRESS))
                    .forEach(move -> groups.add(move.before().groupId()));
            wroteMessages |= !messages.isEmpty() || !onExits.isEmpty();
            this.moves.addAll(moves);
            return store.apply(tx, moves, actor, leaseOwner, config.lease().duration(), messages)
                    .call(() -> onExits.isEmpty() ? Uni.createFrom().voidItem() : store.create(tx, onExits).replaceWithVoid())
                    .call(() -> !groupsFollow || groups.isEmpty() ? Uni.createFrom().voidItem()
                            : groupProgress.get().tasksEnded(this, groups));
        }

        /** Creates tasks in this transaction (with their events and wake-ups). */
        public Uni<Map<UUID, Task>> create(List<NewTaskRow> rows) {
            wroteMessages |= !rows.isEmpty();
            return rows.isEmpty() ? Uni.createFrom().item(Map.of()) : store.create(tx, rows);
        }

        /** The onExit follow-ups the moves set off, created with them. */
        private List<NewTaskRow> onExits(List<Decision.Move> moves, String actor) {
            List<NewTaskRow> rows = new ArrayList<>();
            for (Decision.Move move : moves) {
                if (move.followUps().contains(Decision.FollowUp.ON_EXIT)) {
                    Task ended = move.after();
                    UUID id = TaskIds.next();
                    NewTask followUp = NewTask.onExitOf(ended, endedJson(ended));
                    // in the trace of the task it follows, whoever ended that one (a report, the lease reaper)
                    rows.add(new NewTaskRow(id, ended.team(), followUp, null, null, actor, null, ended.traceParent()));
                }
            }
            return rows;
        }

        /** Writes messages that no move brought (wake-ups of the maintenance services). */
        public Uni<Void> publish(List<OutboxRow> messages) {
            if (messages.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            wroteMessages = true;
            return store.apply(tx, List.of(), null, null, config.lease().duration(), messages).replaceWithVoid();
        }
    }
}
