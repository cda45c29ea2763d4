package com.rediacc.queue.tasks;

import com.rediacc.contract.bridge.AttemptOutcome;
import com.rediacc.contract.bridge.AttemptResult;
import com.rediacc.contract.bridge.ClaimRequest;
import com.rediacc.contract.bridge.ClaimedTask;
import com.rediacc.contract.events.CloudEvent;
import com.rediacc.contract.events.MachineReady;
import com.rediacc.contract.events.Topics;
import com.rediacc.queue.api.ProblemException;
import com.rediacc.queue.machines.MachineRepository;
import com.rediacc.queue.outbox.OutboxRelay;
import com.rediacc.queue.outbox.OutboxRepository;
import com.rediacc.queue.sql.SqlFiles;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The task lifecycle. Each transition is one transaction that changes the task, records the
 * history row and writes the event to the outbox, so the three never disagree.
 */
@ApplicationScoped
public class TaskService {
    static final String SOURCE = "/rediacc/queue-service";

    @Inject
    Pool pool;
    @Inject
    TaskRepository tasks;
    @Inject
    MachineRepository machines;
    @Inject
    OutboxRepository outbox;
    @Inject
    OutboxRelay relay;

    @ConfigProperty(name = "rediacc.lease.duration", defaultValue = "30s")
    Duration leaseDuration;

    public Uni<Task> create(NewTask request, String actor) {
        UUID taskId = UUID.randomUUID();
        return pool.withTransaction(tx -> machines.find(tx, request.machine())
                        .map(found -> found.orElseThrow(() -> ProblemException.notFound(
                                "no machine named '" + request.machine() + "'; register it with POST /api/v1/machines")))
                        .flatMap(machine -> tasks.insert(tx, taskId, machine.team(), request))
                        .call(task -> transitioned(tx, task, null, actor, null))
                        .call(task -> outbox.add(tx, Topics.DISPATCH, task.machine(), machineReady(task.machine()))))
                .invoke(relay::wake);
    }

    public Uni<Task> get(UUID taskId) {
        return tasks.find(taskId).map(found -> found.orElseThrow(() -> unknownTask(taskId)));
    }

    public Uni<List<HistoryEntry>> history(UUID taskId) {
        return get(taskId).flatMap(task -> tasks.history(taskId));
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
                            return tasks.claim(tx, request.machine(), request.bridgeId(), request.max(),
                                            request.tags() == null ? List.of() : request.tags(), leaseDuration.toSeconds())
                                    .call(claimed -> inOrder(claimed.stream()
                                            .map(task -> (Supplier<Uni<Void>>) () -> transitioned(tx, task,
                                                    TaskStatus.PENDING, "bridge:" + request.bridgeId(), null))
                                            .toList()))
                                    .map(claimed -> claimed.stream()
                                            .map(task -> new ClaimedTask(task.taskId(), task.command(), task.timeoutSeconds(),
                                                    task.leaseToken(), Instant.now().plus(leaseDuration), machine.connection()))
                                            .toList());
                        }))
                .invoke(claimed -> {
                    if (!claimed.isEmpty()) {
                        relay.wake();
                    }
                });
    }

    /** ASSIGNED to PROCESSING: the bridge is about to run the command. */
    public Uni<Void> start(UUID taskId, long leaseToken, String bridgeId) {
        return pool.withTransaction(tx -> tasks.start(tx, taskId, leaseToken, leaseDuration.toSeconds())
                        .flatMap(started -> started
                                .map(task -> transitioned(tx, task, TaskStatus.ASSIGNED, "bridge:" + bridgeId, null))
                                .orElseGet(() -> staleLease(taskId))))
                .invoke(relay::wake);
    }

    public Uni<Void> heartbeat(UUID taskId, long leaseToken) {
        return tasks.heartbeat(taskId, leaseToken, leaseDuration.toSeconds())
                .flatMap(held -> held ? Uni.createFrom().voidItem() : staleLease(taskId));
    }

    /** Ends an attempt: COMPLETED on exit 0, else FAILED. */
    public Uni<Void> finish(UUID taskId, AttemptResult result, String bridgeId) {
        TaskStatus to = result.outcome() == AttemptOutcome.SUCCEEDED ? TaskStatus.COMPLETED : TaskStatus.FAILED;
        boolean neverRan = result.outcome() == AttemptOutcome.NOT_RUN;
        String output = result.output() == null ? "" : result.output();
        return pool.withTransaction(tx -> tasks.lock(tx, taskId)
                        .flatMap(before -> tasks.finish(tx, taskId, result.leaseToken(), to, result.exitCode(), output,
                                        result.outputTruncated(), result.error(), neverRan)
                                .flatMap(finished -> finished
                                        .map(task -> transitioned(tx, task,
                                                before.map(Task::status).orElse(TaskStatus.PROCESSING),
                                                "bridge:" + bridgeId, result.error()))
                                        .orElseGet(() -> staleLease(taskId)))))
                .invoke(relay::wake);
    }

    public Uni<List<Task>> list(TaskFilter filter, Long beforeSeq, int limit) {
        return tasks.list(filter, beforeSeq, limit);
    }

    private Uni<Void> transitioned(SqlClient tx, Task task, TaskStatus from, String actor, String detail) {
        CloudEvent<TaskEventData> event = CloudEvent.of(UUID.randomUUID().toString(), SOURCE,
                TaskEventData.type(task.status()), task.taskId().toString(), Instant.now(), TaskEventData.SCHEMA,
                TaskEventData.of(task, from));
        return tasks.recordTransition(tx, task.taskId(), from, task.status(), actor, detail)
                .call(() -> outbox.add(tx, Topics.TASK_EVENTS, task.taskId().toString(), event));
    }

    /** Runs the steps one after another on the transaction's connection. */
    private static Uni<Void> inOrder(List<Supplier<Uni<Void>>> steps) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (var step : steps) {
            chain = chain.chain(() -> step.get());
        }
        return chain;
    }

    private static CloudEvent<MachineReady> machineReady(String machine) {
        return CloudEvent.of(UUID.randomUUID().toString(), SOURCE, MachineReady.TYPE, machine, Instant.now(),
                MachineReady.SCHEMA, new MachineReady(machine));
    }

    private static <T> Uni<T> staleLease(UUID taskId) {
        return Uni.createFrom().failure(ProblemException.conflict(
                "task " + taskId + ": lease is not held (expired, reassigned or the task was cancelled)"));
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
}
