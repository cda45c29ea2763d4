package com.rediacc.queue.tasks;

import com.rediacc.contract.bridge.AttemptResult;
import com.rediacc.contract.bridge.ClaimRequest;
import com.rediacc.contract.bridge.ClaimedTask;
import com.rediacc.contract.bridge.Heartbeat;
import com.rediacc.contract.bridge.HeartbeatReply;
import com.rediacc.contract.bridge.LostAttemptEnded;
import com.rediacc.contract.bridge.LostAttempts;
import com.rediacc.contract.bridge.MachineConnection;
import com.rediacc.contract.events.CloudEvent;
import com.rediacc.contract.events.Topics;
import com.rediacc.contract.vault.CiphertextResponse;
import com.rediacc.web.ProblemException;
import com.rediacc.queue.audit.AuditedCall;
import com.rediacc.queue.machines.Machine;
import com.rediacc.queue.machines.MachineRepository;
import com.rediacc.queue.machines.MachineTeams;
import com.rediacc.queue.outbox.OutboxRelay;
import com.rediacc.queue.outbox.OutboxRepository;
import com.rediacc.queue.secrets.TeamSecret;
import com.rediacc.queue.secrets.TeamSecretRepository;
import com.rediacc.queue.sql.SqlFiles;
import com.rediacc.queue.vault.Vault;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The task lifecycle. Each transition is one transaction that changes the task, records the
 * history row and writes its events to the outbox, so the three never disagree.
 */
@Singleton
public class TaskService {
    @Inject
    Pool pool;
    @Inject
    TaskRepository tasks;
    @Inject
    TaskCreateBatcher creates;
    @Inject
    MachineRepository machines;
    @Inject
    MachineTeams machineTeams;
    @Inject
    OutboxRepository outbox;
    @Inject
    OutboxRelay relay;
    @Inject
    TeamSecretRepository secrets;
    @Inject
    Vault vault;

    @ConfigProperty(name = "rediacc.lease.duration", defaultValue = "30s")
    Duration leaseDuration;

    @ConfigProperty(name = "rediacc.retry.max-delay", defaultValue = "1h")
    Duration maxRetryDelay;

    private Lifecycle lifecycle;

    @PostConstruct
    void init() {
        lifecycle = new Lifecycle(new RetryPolicy(maxRetryDelay));
    }

    /** Who may create tasks on a machine: throws (404, 403) unless the caller may. */
    @FunctionalInterface
    public interface MachineAuthorization {
        void check(String machine, String team);
    }

    /**
     * A new task, or the existing one when the idempotency key was used in the last 24 hours. Its
     * vaultData is encrypted by vault-service (bound to the new task's id) before anything is stored;
     * then it is written with the concurrent creates of other requests (TaskCreateBatcher).
     */
    public Uni<Created> create(NewTask request, String actor, MachineAuthorization authorize) {
        return create(TaskIds.next(), request, actor, authorize, null, true);
    }

    /** As {@link #create(NewTask, String, MachineAuthorization)}, and the call's audit record goes in the same transaction. */
    public Uni<Created> create(NewTask request, AuditedCall call, MachineAuthorization authorize) {
        return create(TaskIds.next(), request, call.actor(), authorize, call, true);
    }

    private Uni<Created> create(UUID taskId, NewTask request, String actor, MachineAuthorization authorize,
                                AuditedCall call, boolean mayRetry) {
        // Authorized here, in the request's context; the batch then accepts the machine only if it
        // still exists with that team. Encryption needs the team, and must not hold a transaction
        // open while it runs.
        String name = request.machine();
        return authorizedTeam(name, authorize)
                .flatMap(team -> (request.vaultData() == null ? Uni.createFrom().<String>nullItem()
                        : vault.encrypt(team, Vault.taskContext(taskId), request.vaultData())
                        .map(CiphertextResponse::ciphertext))
                        .flatMap(ciphertext -> creates.create(taskId, request, team, ciphertext, actor, call)))
                .onFailure(TaskCreateBatcher.StaleMachineTeam.class).recoverWithUni(stale -> {
                    // deleted, perhaps registered again in another team: authorize again from the database
                    machineTeams.forget(name);
                    return mayRetry ? create(taskId, request, actor, authorize, call, false)
                            : Uni.createFrom().failure(unknownMachine(name));
                });
    }

    /** The machine's team if the caller may create tasks on it; a refusal on a remembered team is checked again. */
    private Uni<String> authorizedTeam(String machine, MachineAuthorization authorize) {
        String remembered = machineTeams.remembered(machine);
        if (remembered != null) {
            try {
                authorize.check(machine, remembered);
                return Uni.createFrom().item(remembered);
            } catch (ProblemException refused) {
                machineTeams.forget(machine); // may be stale: the machine registered again in another team
            }
        }
        return machineTeams.load(machine).map(found -> {
            String team = found.orElseThrow(() -> unknownMachine(machine));
            authorize.check(machine, team);
            return team;
        });
    }

    public Uni<Task> get(UUID taskId) {
        return tasks.find(taskId).map(found -> found.orElseThrow(() -> unknownTask(taskId)));
    }

    public Uni<List<HistoryEntry>> history(UUID taskId) {
        return get(taskId).flatMap(task -> tasks.history(taskId));
    }

    public Uni<List<Task>> list(TaskFilter filter, List<String> teams, Long beforeSeq, int limit) {
        return tasks.list(filter, teams, beforeSeq, limit);
    }

    /** Hands up to {@code max} ready tasks of one machine to a bridge. */
    public Uni<List<ClaimedTask>> claim(ClaimRequest request) {
        return pool.withTransaction(tx -> tx.preparedQuery(SqlFiles.load("lock-claimable-machine"))
                        .execute(Tuple.of(request.machine()))
                        .flatMap(locked -> {
                            if (locked.size() == 0) {
                                return Uni.createFrom().item(List.<ClaimedTask>of());
                            }
                            var machine = MachineRepository.map(locked.iterator().next());
                            String actor = "bridge:" + request.bridgeId();
                            return secrets.latest(tx, machine.team(), machine.credential())
                                    .flatMap(credential -> tasks.claim(tx, request.machine(), request.bridgeId(), request.max(),
                                                    request.tags() == null ? List.of() : request.tags(), leaseDuration.toSeconds())
                                            .call(claimed -> inOrder(claimed, task ->
                                                    transitioned(tx, task, TaskStatus.PENDING, actor, null)))
                                            .map(claimed -> claimed.stream()
                                                    .map(task -> handOver(task, machine, credential.orElse(null)))
                                                    .toList()));
                        }))
                .invoke(claimed -> {
                    if (!claimed.isEmpty()) {
                        relay.wake();
                    }
                });
    }

    private ClaimedTask handOver(Task task, Machine machine, TeamSecret credential) {
        return new ClaimedTask(task.taskId(), task.team(), task.command(), task.timeoutSeconds(), task.leaseToken(),
                Instant.now().plus(leaseDuration), connection(machine, credential),
                task.vaultCiphertext(), task.vaultCiphertext() == null ? null : Vault.taskContext(task.taskId()),
                task.attemptToken());
    }

    private static MachineConnection connection(Machine machine, TeamSecret credential) {
        return machine.connection(credential == null ? null : credential.ciphertext(),
                credential == null ? null : Vault.secretContext(credential.team(), credential.name(), credential.version()));
    }

    /** ASSIGNED to PROCESSING: the bridge is about to run the command. */
    public Uni<Void> start(UUID taskId, long leaseToken, String bridgeId) {
        return pool.withTransaction(tx -> tasks.start(tx, taskId, leaseToken, leaseDuration.toSeconds())
                        .flatMap(started -> started
                                .map(task -> transitioned(tx, task, TaskStatus.ASSIGNED, "bridge:" + bridgeId, null))
                                .orElseGet(() -> staleLease(taskId))))
                .invoke(relay::wake);
    }

    public Uni<HeartbeatReply> heartbeat(UUID taskId, Heartbeat heartbeat) {
        return tasks.heartbeat(taskId, heartbeat.leaseToken(), leaseDuration.toSeconds(), heartbeat.outputOffset(),
                        heartbeat.outputChunk(), heartbeat.remotePid())
                .flatMap(row -> row
                        .map(r -> Uni.createFrom().item(new HeartbeatReply(r.getBoolean("cancel_requested"),
                                r.getInteger("output_length"))))
                        .orElseGet(() -> staleLease(taskId)));
    }

    /** Ends an attempt as the bridge reports it; Lifecycle decides what follows. */
    public Uni<Void> finish(UUID taskId, AttemptResult result, String bridgeId) {
        return settleHeld(taskId, result.leaseToken(), "bridge:" + bridgeId,
                task -> lifecycle.afterAttempt(task, result, Instant.now()));
    }

    /** A claimed task the bridge never started goes back to its place in the queue. */
    public Uni<Void> release(UUID taskId, long leaseToken, String bridgeId) {
        return settleHeld(taskId, leaseToken, "bridge:" + bridgeId, task -> {
            if (task.status() != TaskStatus.ASSIGNED) {
                throw ProblemException.conflict("task " + taskId + " is " + task.status() + "; only ASSIGNED tasks can be released");
            }
            return lifecycle.released(task);
        });
    }

    private Uni<Void> settleHeld(UUID taskId, long leaseToken, String actor, Function<Task, Settlement> decide) {
        return pool.withTransaction(tx -> tasks.lock(tx, taskId).flatMap(found -> {
                    Optional<Task> held = found.filter(task -> !task.status().terminal()
                            && task.leaseToken() != null && task.leaseToken() == leaseToken);
                    if (held.isEmpty()) {
                        return staleLease(taskId);
                    }
                    return settle(tx, held.get(), decide.apply(held.get()), actor);
                }))
                .invoke(relay::wake);
    }

    private Uni<Void> settle(SqlClient tx, Task before, Settlement settlement, String actor) {
        return tasks.settle(tx, before.taskId(), settlement)
                .call(after -> transitioned(tx, after, before.status(), actor, settlement.detail()))
                .call(after -> after.status() == TaskStatus.PENDING && after.notBefore() == null
                        ? outbox.addMachineReady(tx, after.machine()) : Uni.createFrom().voidItem())
                .call(after -> after.status() == TaskStatus.FAILED && after.failureAction() == Task.FailureAction.ALERT
                        ? outbox.add(tx, Topics.ALERTS, after.taskId().toString(), event(after, before.status(),
                        "rediacc.alert.task-failed")) : Uni.createFrom().voidItem())
                .replaceWithVoid();
    }

    /**
     * Restores tasks whose bridge stopped heartbeating; returns how many. A running one is only marked
     * lost, and a bridge is asked to end its remote command first (docs/adr/0004).
     */
    public Uni<Integer> reapExpiredLeases(int limit) {
        return pool.withTransaction(tx -> tasks.lockExpiredLeases(tx, limit)
                        .call(expired -> inOrder(expired, task -> lifecycle.mustEndRemoteCommand(task)
                                ? tasks.markAttemptLost(tx, task.taskId())
                                .call(() -> outbox.addLostAttemptsFound(tx, task.machine())).replaceWithVoid()
                                : settle(tx, task, lifecycle.afterLeaseExpired(task, Instant.now()), "lease-reaper")))
                        .map(List::size))
                .invoke(count -> {
                    if (count > 0) {
                        relay.wake();
                    }
                });
    }

    /** The lost attempts of a machine, with how to log in there, for a bridge that ends their commands. */
    public Uni<LostAttempts> lostAttempts(String machineName) {
        return pool.withTransaction(tx -> tasks.lostAttempts(tx, machineName).flatMap(lost -> lost.isEmpty()
                ? Uni.createFrom().item(new LostAttempts(null, null, List.of()))
                : machines.find(tx, machineName)
                .map(found -> found.orElseThrow(() -> unknownMachine(machineName)))
                .flatMap(machine -> secrets.latest(tx, machine.team(), machine.credential())
                        .map(credential -> new LostAttempts(machine.team(), connection(machine, credential.orElse(null)),
                                lost)))));
    }

    /** A bridge ended the remote command of a lost attempt (or found none): the task is settled now. */
    public Uni<Void> lostAttemptEnded(UUID taskId, LostAttemptEnded report, String bridgeId) {
        String how = (report.killed() ? "killed by bridge:" : "already ended, checked by bridge:") + bridgeId;
        return pool.withTransaction(tx -> tasks.lock(tx, taskId).flatMap(found -> {
                    Optional<Task> lost = found.filter(task -> task.status() == TaskStatus.PROCESSING
                            && task.lostSince() != null && report.attemptToken().equals(task.attemptToken()));
                    if (lost.isEmpty()) {
                        return Uni.createFrom().<Void>failure(ProblemException.conflict("task " + taskId
                                + ": no lost attempt with that token (already settled, or another attempt)"));
                    }
                    return settle(tx, lost.get(), lifecycle.afterLostAttemptEnded(lost.get(), how, Instant.now()),
                            "lease-reaper");
                }))
                .invoke(relay::wake);
    }

    /** Settles lost attempts that no bridge could end within {@code wait}; returns how many. */
    public Uni<Integer> settleOverdueLostAttempts(Duration wait, int limit) {
        return pool.withTransaction(tx -> tasks.lockOverdueLostAttempts(tx, wait.toSeconds(), limit)
                        .call(overdue -> inOrder(overdue, task -> settle(tx, task,
                                lifecycle.afterLostAttemptUnconfirmed(task, wait, Instant.now()), "lease-reaper")))
                        .map(List::size))
                .invoke(count -> {
                    if (count > 0) {
                        relay.wake();
                    }
                });
    }

    /** Asks again for the end of attempts lost for longer than {@code lostFor}: a wake-up may have been missed. */
    public Uni<List<String>> redispatchLostAttempts(Duration lostFor) {
        return tasks.machinesWithLostAttempts(lostFor.toSeconds())
                .call(machinesWithLost -> machinesWithLost.isEmpty() ? Uni.createFrom().voidItem()
                        : pool.withTransaction(tx -> inOrder(machinesWithLost, machine -> outbox.addLostAttemptsFound(tx, machine)))
                        .invoke(relay::wake));
    }

    /** Sends a wake-up for every machine whose ready work has waited longer than {@code readyFor}. */
    public Uni<List<String>> redispatchStrandedWork(Duration readyFor) {
        return tasks.machinesWithStrandedWork(readyFor.toSeconds())
                .call(stranded -> stranded.isEmpty() ? Uni.createFrom().voidItem()
                        : pool.withTransaction(tx -> inOrder(stranded, machine -> outbox.addMachineReady(tx, machine)))
                        .invoke(relay::wake));
    }

    /** {@code authorize} sees the task first and throws to refuse. */
    public Uni<CancelResult> cancel(UUID taskId, String actor, Consumer<Task> authorize) {
        return pool.withTransaction(tx -> tasks.lock(tx, taskId).flatMap(found -> {
                    if (found.isEmpty()) {
                        return Uni.createFrom().item(new CancelResult(taskId, CancelResult.Result.NOT_FOUND, null, "no such task"));
                    }
                    Task task = found.get();
                    authorize.accept(task);
                    return switch (task.status()) {
                        case COMPLETED, FAILED, CANCELLED -> Uni.createFrom().item(new CancelResult(taskId,
                                CancelResult.Result.ALREADY_TERMINAL, task.status(), "task already ended " + task.status()));
                        case PENDING, ASSIGNED -> tasks.cancelNow(tx, taskId)
                                .call(after -> transitioned(tx, after, task.status(), actor, "cancelled"))
                                .map(after -> new CancelResult(taskId, CancelResult.Result.CANCELLED, after.status(), null));
                        case PROCESSING -> task.cancelRequested()
                                ? Uni.createFrom().item(new CancelResult(taskId, CancelResult.Result.CANCEL_REQUESTED,
                                task.status(), "already requested"))
                                : tasks.requestCancel(tx, taskId)
                                .call(() -> tasks.recordTransition(tx, taskId, TaskStatus.PROCESSING, TaskStatus.PROCESSING,
                                        actor, "cancel requested: the bridge kills the remote process"))
                                .map(after -> new CancelResult(taskId, CancelResult.Result.CANCEL_REQUESTED, after.status(),
                                        "the bridge kills the remote process; the task ends CANCELLED"));
                    };
                }))
                .invoke(relay::wake);
    }

    /** A FAILED or CANCELLED task's work again, as a new task linked to it. */
    public Uni<Created> retry(UUID taskId, String actor, Consumer<Task> authorize, MachineAuthorization authorizeMachine) {
        return get(taskId).flatMap(original -> {
            authorize.accept(original);
            if (original.status() != TaskStatus.FAILED && original.status() != TaskStatus.CANCELLED) {
                throw ProblemException.conflict("task " + taskId + " is " + original.status()
                        + "; only FAILED or CANCELLED tasks can be retried");
            }
            if (original.vaultCiphertext() != null) {
                // Its secrets are bound to the original task and this service cannot decrypt them.
                throw ProblemException.conflict("task " + taskId + " carries vaultData, which stays bound to it; "
                        + "create a new task with the secrets instead");
            }
            return create(NewTask.again(original), actor, authorizeMachine);
        });
    }

    /** {@code teams} null: every team. */
    public Uni<QueueStats> stats(String team, List<String> teams) {
        return tasks.stats(team, teams).flatMap(rows -> {
            EnumMap<TaskStatus, Long> byStatus = new EnumMap<>(TaskStatus.class);
            TreeMap<Integer, java.util.Map<TaskStatus, Long>> byPriority = new TreeMap<>();
            for (TaskStatus status : TaskStatus.values()) {
                byStatus.put(status, 0L);
            }
            for (Row row : rows) {
                TaskStatus status = TaskStatus.valueOf(row.getString("status"));
                long count = row.getLong("tasks");
                byStatus.merge(status, count, Long::sum);
                byPriority.computeIfAbsent((int) row.getShort("priority"), p -> new EnumMap<>(TaskStatus.class))
                        .merge(status, count, Long::sum);
            }
            return tasks.oldestPendingAgeSeconds(team, teams).map(age -> new QueueStats(byStatus, byPriority, age));
        });
    }

    private Uni<Void> transitioned(SqlClient tx, Task task, TaskStatus from, String actor, String detail) {
        return tasks.recordTransition(tx, task.taskId(), from, task.status(), actor, detail)
                .call(() -> outbox.add(tx, Topics.TASK_EVENTS, task.taskId().toString(),
                        event(task, from, TaskEventData.type(task.status()))));
    }

    private static CloudEvent<TaskEventData> event(Task task, TaskStatus from, String type) {
        return CloudEvent.of(UUID.randomUUID().toString(), OutboxRepository.SOURCE, type, task.taskId().toString(),
                Instant.now(), TaskEventData.SCHEMA, TaskEventData.of(task, from));
    }

    /** Runs one step per item, one after another on the transaction's connection. */
    private static <T> Uni<Void> inOrder(List<T> items, Function<T, Uni<Void>> step) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (T item : items) {
            chain = chain.chain(() -> step.apply(item));
        }
        return chain;
    }

    private static <T> Uni<T> staleLease(UUID taskId) {
        return Uni.createFrom().failure(ProblemException.conflict(
                "task " + taskId + ": lease is not held (expired, reassigned or the task was cancelled)"));
    }

    static ProblemException unknownMachine(String machine) {
        return ProblemException.notFound("no machine named '" + machine + "'; register it with POST /api/v1/machines");
    }

    static ProblemException unknownTask(UUID taskId) {
        return ProblemException.notFound("no task " + taskId);
    }

    static Optional<UUID> parseId(String raw) {
        try {
            return Optional.of(UUID.fromString(raw));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A create's answer: the task, and whether it is new (201) or an idempotent repeat (200). */
    public record Created(Task task, boolean isNew) {
    }
}
