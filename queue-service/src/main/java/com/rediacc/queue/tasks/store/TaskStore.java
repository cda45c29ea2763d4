package com.rediacc.queue.tasks.store;

import com.rediacc.web.TraceParents;
import com.rediacc.contract.bridge.LostAttempt;
import com.rediacc.queue.outbox.OutboxRepository.OutboxRow;
import com.rediacc.queue.audit.AuditWriter;
import com.rediacc.queue.tasks.HistoryEntry;
import com.rediacc.queue.tasks.NewTask;
import com.rediacc.queue.tasks.PurgeFilter;
import com.rediacc.queue.tasks.Task;
import com.rediacc.queue.tasks.TaskFilter;
import com.rediacc.queue.tasks.TaskStatus;
import com.rediacc.queue.tasks.lifecycle.Decision;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Where tasks are kept. What any implementation must guarantee is stated by its conformance suite
 * (TaskStoreConformanceTest): claim order, SKIP LOCKED, fencing, restore at the old place, moves
 * written with their history and messages or not at all, heartbeats that agree with
 * {@link com.rediacc.queue.tasks.lifecycle.TaskStateMachine}. Methods that take a {@link SqlClient}
 * run in the caller's transaction; the others run on their own.
 */
public interface TaskStore {

    // --- creation

    /**
     * Stores new PENDING tasks with their events and audit records, and wakes the bridges of their
     * machines. A task whose machine is gone or not of its row's team is not stored. Returns the
     * stored tasks by id.
     */
    Uni<Map<UUID, Task>> create(SqlClient client, List<NewTaskRow> rows);

    /** Binds each key to its task unless a binding younger than 24 hours exists; returns the keys now bound. */
    Uni<Set<TeamKey>> bindIdempotencyKeys(SqlClient tx, Map<TeamKey, UUID> taskByKey);

    Uni<Map<TeamKey, Task>> findByIdempotencyKeys(SqlClient tx, Collection<TeamKey> keys);

    // --- reads

    /** The task, hot or archived. */
    Uni<Optional<Task>> find(UUID taskId);

    /**
     * Newest first, before {@code beforeSeq} (null: from the newest); {@code teams} null: every team.
     * The hot tasks, or the archived ones when the filter says so.
     */
    Uni<List<Task>> list(TaskFilter filter, List<String> teams, Long beforeSeq, int limit);

    /** The task's transitions, oldest first (an archived task's as they were when it moved). */
    Uni<List<HistoryEntry>> history(Task task);

    /** Tasks per status and priority, from the counts kept as tasks move (V16): no task row is read. */
    Uni<RowSet<Row>> stats(String team, List<String> teams);

    /** Each machine with PENDING tasks, and how long its oldest one has waited. */
    Uni<List<PendingAge>> oldestPending(String team, List<String> teams);

    /** How long the oldest PENDING task of these teams has waited, in seconds; null when none waits. */
    Uni<Double> oldestPendingAge(String team, List<String> teams);

    record PendingAge(String team, String machine, double ageSeconds) {
    }

    // --- transitions: lock, then write what TaskStateMachine decided

    /** Reads a task and locks its row until the transaction ends. */
    Uni<Optional<Task>> lock(SqlClient tx, UUID taskId);

    /** Reads the tasks there are of {@code taskIds} and locks their rows until the transaction ends (in id order). */
    Uni<List<Task>> lockAll(SqlClient tx, Collection<UUID> taskIds);

    /**
     * The ready tasks a claim for {@code machine} may take, locked, in claim order (priority, then
     * creation), at most {@code max} and the machine's free slots; tasks locked elsewhere are
     * skipped. The caller locked the machine first. Says too whether a ready task is left after them.
     */
    Uni<Candidates> lockClaimCandidates(SqlClient tx, String machine, int max, List<String> tags);

    /** Tasks whose lease expired, locked; tasks locked elsewhere are skipped (another replica reaps them). */
    Uni<List<Task>> lockExpiredLeases(SqlClient tx, int limit);

    /** Lost attempts no bridge could end within {@code waited}, locked, skipping tasks locked elsewhere. */
    Uni<List<Task>> lockOverdueLostAttempts(SqlClient tx, Duration waited, int limit);

    /**
     * Writes the moves (each of a task whose row the transaction holds), their history entries by
     * {@code actor} and {@code messages} to the outbox. A granted lease goes to {@code leaseOwner};
     * granted and renewed leases run for {@code lease}. Returns each moved task's lease as written.
     */
    Uni<List<WrittenLease>> apply(SqlClient tx, List<Decision.Move> moves, String actor, String leaseOwner,
                                  Duration lease, List<OutboxRow> messages);

    /**
     * Renews the lease of its holder and appends output that continues the stored output (at
     * {@code outputOffset}); empty when {@code leaseToken} does not hold the lease.
     */
    Uni<Optional<HeartbeatResult>> heartbeat(UUID taskId, long leaseToken, Duration lease, int outputOffset,
                                             String outputChunk, Long remotePid);

    /**
     * One slice of a purge's plain PENDING tasks (no onExit, not of a group), cancelled in one
     * statement with their history and one outbox row of their events (sql/purge-pending-slice.sql):
     * up to {@code limit} after {@code after} (null: from the start), passing over tasks locked
     * elsewhere. {@code teams} null: every team.
     */
    Uni<PendingSlice> cancelPendingSlice(PurgeFilter filter, List<String> teams, int limit, PurgeCursor after,
                                         String actor, EventEnvelope envelope);

    /**
     * One slice of a purge's other tasks (sql/purge-slice.sql), locked for the unit of work, passing
     * over tasks locked elsewhere: up to {@code limit} PENDING ones with an onExit or of a group, and up
     * to {@code limit} ASSIGNED or PROCESSING ones not yet asked to stop.
     */
    Uni<List<Task>> lockPurgeSlice(SqlClient tx, PurgeFilter filter, List<String> teams, int limit);

    /** The tasks a purge would take now, by status. */
    Uni<Map<TaskStatus, Long>> countPurge(PurgeFilter filter, List<String> teams);

    /** The seq of the newest task (0: none yet): where a purge beginning now stops. */
    Uni<Long> newestSeq();

    // --- what the maintenance services look for

    Uni<List<LostAttempt>> lostAttempts(SqlClient client, String machine);

    /** Machines whose ready work has waited longer than {@code readyFor}, with room to run it. */
    Uni<List<String>> machinesWithStrandedWork(Duration readyFor);

    /** Machines with an attempt lost for longer than {@code lostFor}. */
    Uni<List<String>> machinesWithLostAttempts(Duration lostFor);

    /** Where a purge's plain PENDING slices go on: after this task in tasks_ready_idx order. */
    record PurgeCursor(String machine, int priority, long seq) {
    }

    /** What a plain PENDING slice cancelled, per team and priority, and its last task (null: none). */
    record PendingSlice(List<Cancelled> cancelled, PurgeCursor last) {
        public long tasks() {
            return cancelled.stream().mapToLong(Cancelled::tasks).sum();
        }
    }

    record Cancelled(String team, int priority, long tasks) {
    }

    /** The constant parts of a task event's envelope, for events written by SQL. */
    record EventEnvelope(String topic, String source, String type, String dataSchema) {
    }

    /** A task to insert (see {@link #create}). */
    record NewTaskRow(UUID taskId, String team, NewTask task, String vaultCiphertext, String vaultDataContext,
                      String actor, AuditWriter.NewRecord audit, String traceParent) {
        public NewTaskRow {
            Objects.requireNonNull(actor, "actor"); // a null created_by would read as a task without its created entry
        }

        /** A task traced as a child of the current span (the call or transition that creates it), if any. */
        public NewTaskRow(UUID taskId, String team, NewTask task, String vaultCiphertext, String vaultDataContext,
                          String actor, AuditWriter.NewRecord audit) {
            this(taskId, team, task, vaultCiphertext, vaultDataContext, actor, audit, TraceParents.current());
        }

        /** As above, a task whose vaultData (if any) is bound to itself. */
        public NewTaskRow(UUID taskId, String team, NewTask task, String vaultCiphertext, String actor,
                          AuditWriter.NewRecord audit) {
            this(taskId, team, task, vaultCiphertext, null, actor, audit);
        }
    }

    /** A team's idempotency key. */
    record TeamKey(String team, String key) {
    }

    /**
     * The claim candidates, the database's time they were judged ready at, and whether a ready task
     * of the machine is left after them (one passed over as locked elsewhere counts).
     */
    record Candidates(List<Task> tasks, Instant now, boolean readyLeft) {
    }

    /** A task's lease after a move: token and expiry (null when it has none), and its attempt token. */
    record WrittenLease(UUID taskId, Long leaseToken, Instant expiresAt, String attemptToken) {
    }

    /** A renewed lease: whether cancel was asked, and how much output is stored. */
    record HeartbeatResult(boolean cancelRequested, int outputLength) {
    }
}
