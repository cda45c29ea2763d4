package com.rediacc.queue.bridge;

import com.rediacc.contract.bridge.AttemptResult;
import com.rediacc.contract.bridge.ClaimRequest;
import com.rediacc.contract.bridge.ClaimedTask;
import com.rediacc.contract.bridge.Heartbeat;
import com.rediacc.contract.bridge.HeartbeatReply;
import com.rediacc.contract.bridge.LostAttemptEnded;
import com.rediacc.contract.bridge.LostAttempts;
import com.rediacc.contract.bridge.MachineConnection;
import com.rediacc.contract.bridge.ReleaseReport;
import com.rediacc.contract.bridge.TaskReport;
import com.rediacc.contract.bridge.TaskReportAnswer;
import com.rediacc.queue.QueueConfig;
import com.rediacc.queue.bridges.DispatchPartitions;
import com.rediacc.queue.machines.Machine;
import com.rediacc.queue.machines.MachineRepository;
import com.rediacc.queue.secrets.TeamSecret;
import com.rediacc.queue.secrets.TeamSecretRepository;
import com.rediacc.queue.tasks.Task;
import com.rediacc.queue.tasks.TaskProblems;
import com.rediacc.queue.tasks.TaskTransitions;
import com.rediacc.queue.tasks.lifecycle.AttemptReport;
import com.rediacc.queue.tasks.lifecycle.Decision;
import com.rediacc.queue.tasks.lifecycle.TaskEvent;
import com.rediacc.queue.tasks.store.TaskStore;
import com.rediacc.queue.tasks.store.TaskStore.WrittenLease;
import com.rediacc.queue.vault.Vault;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What bridges ask of the queue: claim work, report start, heartbeats and results, give back what
 * they did not start, and end the lost attempts of other bridges. Every state change goes through
 * {@link TaskTransitions}; this class speaks the bridge protocol (contract records) and translates.
 */
@Singleton
public class BridgeProtocol {
    public static final String LEASE_REAPER = "lease-reaper";

    @Inject
    TaskTransitions transitions;
    @Inject
    TaskStore tasks;
    @Inject
    MachineRepository machines;
    @Inject
    TeamSecretRepository secrets;
    @Inject
    QueueConfig config;

    /**
     * Hands up to {@code max} ready tasks of one machine to a bridge, and says whether ready work of
     * the machine is left after them; none and nothing left when the machine is paused or gone.
     */
    public Uni<Claim> claim(ClaimRequest request) {
        List<String> tags = request.tags() == null ? List.of() : request.tags();
        return transitions.inTransaction(work -> machines.lockClaimable(work.tx(), request.machine()).flatMap(locked -> {
            if (locked.isEmpty()) {
                return Uni.createFrom().item(Claim.NOTHING);
            }
            Machine machine = locked.get();
            return secrets.latest(work.tx(), machine.team(), machine.credential())
                    .flatMap(credential -> tasks.lockClaimCandidates(work.tx(), machine.name(), request.max(), tags)
                            .flatMap(candidates -> {
                                List<Decision.Move> moves = new ArrayList<>();
                                for (Task task : candidates.tasks()) {
                                    if (work.decide(task, new TaskEvent.Claim(tags), candidates.now())
                                            instanceof Decision.Move move) {
                                        moves.add(move);
                                    }
                                }
                                boolean readyLeft = candidates.readyLeft() || moves.size() < candidates.tasks().size();
                                return work.write(moves, actor(request.bridgeId()), request.bridgeId())
                                        .map(leases -> new Claim(handOver(moves, leases, machine, credential.orElse(null)),
                                                readyLeft));
                            }));
        }));
    }

    /** The tasks a claim took, and whether ready work of their machine is left after them. */
    public record Claim(List<ClaimedTask> tasks, boolean readyLeft) {
        static final Claim NOTHING = new Claim(List.of(), false);
    }

    private static List<ClaimedTask> handOver(List<Decision.Move> moves, List<WrittenLease> leases, Machine machine,
                                              TeamSecret credential) {
        Map<UUID, WrittenLease> byTask = new HashMap<>();
        leases.forEach(lease -> byTask.put(lease.taskId(), lease));
        MachineConnection connection = connection(machine, credential);
        return moves.stream().map(move -> {
            Task task = move.before();
            WrittenLease lease = byTask.get(task.taskId());
            return new ClaimedTask(task.taskId(), task.team(), task.command(), task.timeoutSeconds(), lease.leaseToken(),
                    lease.expiresAt(), connection, task.vaultCiphertext(), vaultContext(task), lease.attemptToken(),
                    task.stdinData(), task.function() == null ? Map.of() : task.function().environment(),
                    task.attempts() + 1, task.traceParent());
        }).toList();
    }

    /** What the task's vaultData is bound to: the task itself, or (a cron's run) the cron. */
    private static String vaultContext(Task task) {
        if (task.vaultCiphertext() == null) {
            return null;
        }
        return task.vaultDataContext() != null ? task.vaultDataContext() : Vault.taskContext(task.taskId());
    }

    /** How a bridge logs in to {@code machine}: with the newest version of its credential (null: no such entry). */
    public static MachineConnection connection(Machine machine, TeamSecret credential) {
        return machine.connection(credential == null ? null : credential.ciphertext(),
                credential == null ? null : Vault.secretContext(credential.team(), credential.name(), credential.version()));
    }

    /** ASSIGNED to PROCESSING: the bridge is about to run the command. */
    public Uni<Void> start(UUID taskId, long leaseToken, String bridgeId) {
        return heldBy(taskId, new TaskEvent.Start(leaseToken), actor(bridgeId));
    }

    public Uni<HeartbeatReply> heartbeat(UUID taskId, Heartbeat heartbeat) {
        return tasks.heartbeat(taskId, heartbeat.leaseToken(), config.lease().duration(), heartbeat.outputOffset(),
                        heartbeat.outputChunk(), heartbeat.remotePid())
                .map(renewed -> renewed.map(r -> new HeartbeatReply(r.cancelRequested(), r.outputLength()))
                        .orElseThrow(() -> TaskProblems.leaseNotHeld(taskId)));
    }

    /** Ends an attempt as the bridge reports it; the state machine decides what follows. */
    public Uni<Void> finish(UUID taskId, AttemptResult result, String bridgeId) {
        return heldBy(taskId, new TaskEvent.AttemptEnded(result.leaseToken(), report(result)), actor(bridgeId));
    }

    /**
     * Starts and results of several tasks in one transaction: each judged as its single call would be
     * ({@link #start}, {@link #finish}), all moves written together; answered in order. The tasks are
     * locked in id order, so two such calls never wait for each other in a cycle.
     */
    public Uni<List<TaskReportAnswer>> report(List<TaskReport> reports, String bridgeId) {
        List<UUID> ids = reports.stream().map(TaskReport::taskId).toList();
        return transitions.inTransaction(work -> tasks.lockAll(work.tx(), ids).flatMap(locked -> {
            Map<UUID, Task> byId = new HashMap<>();
            locked.forEach(task -> byId.put(task.taskId(), task));
            List<Decision.Move> moves = new ArrayList<>();
            List<TaskReportAnswer> answers = new ArrayList<>(reports.size());
            for (TaskReport report : reports) {
                Task task = byId.get(report.taskId());
                Decision decision = task == null ? null : work.decide(task, event(report));
                answers.add(switch (decision) {
                    case null -> TaskReportAnswer.refused(TaskProblems.leaseNotHeld(report.taskId()).getMessage());
                    case Decision.Refuse refuse -> TaskReportAnswer.refused(refuse.detail());
                    case Decision.Move move -> {
                        moves.add(move);
                        yield TaskReportAnswer.ACCEPTED;
                    }
                    case Decision.Stay stay -> TaskReportAnswer.ACCEPTED;
                });
            }
            return work.write(moves, actor(bridgeId), null).map(written -> answers);
        }));
    }

    private static TaskEvent event(TaskReport report) {
        return report.start() != null ? new TaskEvent.Start(report.start().leaseToken())
                : new TaskEvent.AttemptEnded(report.finish().leaseToken(), report(report.finish()));
    }

    /** A claimed task the bridge never started goes back to the queue, at once or after the given delay. */
    public Uni<Void> release(UUID taskId, ReleaseReport report, String bridgeId) {
        Duration retryAfter = Duration.ofSeconds(report.retryAfterSeconds() == null ? 0 : report.retryAfterSeconds());
        return heldBy(taskId, new TaskEvent.Release(report.leaseToken(), report.reason(), retryAfter), actor(bridgeId));
    }

    /**
     * The machines dispatched on {@code partitions} (of {@code partitionCount}) that have ready work
     * and room to run it now: what a bridge just given those partitions looks at (docs/adr/0017).
     */
    public Uni<List<String>> readyMachines(List<Integer> partitions, int partitionCount) {
        return tasks.machinesWithStrandedWork(Duration.ZERO).map(found -> found.stream()
                .filter(machine -> partitions.contains(DispatchPartitions.of(machine, partitionCount)))
                .toList());
    }

    /** The lost attempts of a machine, with how to log in there, for a bridge that ends their commands. */
    public Uni<LostAttempts> lostAttempts(String machineName) {
        return transitions.inTransaction(work -> tasks.lostAttempts(work.tx(), machineName).flatMap(lost -> lost.isEmpty()
                ? Uni.createFrom().item(new LostAttempts(null, null, List.of()))
                : machines.find(work.tx(), machineName)
                .map(found -> found.orElseThrow(() -> TaskProblems.unknownMachine(machineName)))
                .flatMap(machine -> secrets.latest(work.tx(), machine.team(), machine.credential())
                        .map(credential -> new LostAttempts(machine.team(), connection(machine, credential.orElse(null)),
                                lost)))));
    }

    /** A bridge ended the remote command of a lost attempt (or found none): the task is settled now. */
    public Uni<Void> lostAttemptEnded(UUID taskId, LostAttemptEnded report, String bridgeId) {
        String how = (report.killed() ? "killed by bridge:" : "already ended, checked by bridge:") + bridgeId;
        return transitions.apply(taskId, new TaskEvent.LostAttemptEnded(report.attemptToken(), how), LEASE_REAPER, task -> {
                })
                .map(outcome -> switch (outcome.decision()) {
                    case null -> throw TaskProblems.unknownTask(taskId);
                    case Decision.Refuse refuse -> throw TaskProblems.refused(refuse);
                    default -> null;
                });
    }

    /** An event only the lease holder may send: refused (409) when it does not hold the lease. */
    private Uni<Void> heldBy(UUID taskId, TaskEvent event, String actor) {
        return transitions.apply(taskId, event, actor, task -> {
                })
                .map(outcome -> switch (outcome.decision()) {
                    case null -> throw TaskProblems.leaseNotHeld(taskId);
                    case Decision.Refuse refuse -> throw TaskProblems.refused(refuse);
                    default -> null;
                });
    }

    /** The bridge protocol's result, as the domain reads it. */
    static AttemptReport report(AttemptResult result) {
        AttemptReport.Outcome outcome = switch (result.outcome()) {
            case SUCCEEDED -> AttemptReport.Outcome.SUCCEEDED;
            case FAILED -> AttemptReport.Outcome.FAILED;
            case CONNECTION_LOST -> AttemptReport.Outcome.CONNECTION_LOST;
            case NOT_RUN -> AttemptReport.Outcome.NOT_RUN;
            case CANCELLED -> AttemptReport.Outcome.CANCELLED;
        };
        return new AttemptReport(outcome, result.exitCode(), result.output(), result.outputTruncated(), result.error());
    }

    private static String actor(String bridgeId) {
        return "bridge:" + bridgeId;
    }
}
