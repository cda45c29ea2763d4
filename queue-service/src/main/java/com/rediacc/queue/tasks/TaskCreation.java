package com.rediacc.queue.tasks;

import com.rediacc.contract.vault.CiphertextResponse;
import com.rediacc.web.ProblemException;
import com.rediacc.queue.audit.AuditedCall;
import com.rediacc.queue.machines.MachineTeams;
import com.rediacc.queue.vault.Vault;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.UUID;
import java.util.function.Consumer;

/**
 * New tasks: authorized on their machine's team, their vaultData encrypted by vault-service (bound
 * to the new task's id) before anything is stored, then written with the concurrent creates of
 * other requests ({@link TaskCreateBatcher}). A retry is a new task linked to the one it repeats.
 */
@Singleton
public class TaskCreation {
    @Inject
    TaskCreateBatcher creates;
    @Inject
    MachineTeams machineTeams;
    @Inject
    TaskQueries queries;
    @Inject
    Vault vault;

    /** Who may create tasks on a machine: throws (404, 403) unless the caller may. */
    @FunctionalInterface
    public interface MachineAuthorization {
        void check(String machine, String team);
    }

    /** A create's answer: the task, and whether it is new (201) or an idempotent repeat (200). */
    public record Created(Task task, boolean isNew) {
    }

    /** A new task, or the existing one when the idempotency key was used in the last 24 hours. */
    public Uni<Created> create(NewTask request, String actor, MachineAuthorization authorize) {
        return create(TaskIds.next(), request, actor, authorize, null, true);
    }

    /** As {@link #create(NewTask, String, MachineAuthorization)}, and the call's audit record goes in the same transaction. */
    public Uni<Created> create(NewTask request, AuditedCall call, MachineAuthorization authorize) {
        return create(TaskIds.next(), request, call.actor(), authorize, call, true);
    }

    /** A FAILED or CANCELLED task's work again, as a new task linked to it. {@code authorize} sees the original first. */
    public Uni<Created> retry(UUID taskId, String actor, Consumer<Task> authorize, MachineAuthorization authorizeMachine) {
        return queries.get(taskId).flatMap(original -> {
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
                            : Uni.createFrom().failure(TaskProblems.unknownMachine(name));
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
            String team = found.orElseThrow(() -> TaskProblems.unknownMachine(machine));
            authorize.check(machine, team);
            return team;
        });
    }
}
