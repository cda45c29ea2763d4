package com.rediacc.queue.tasks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rediacc.contract.vault.CiphertextResponse;
import com.rediacc.queue.QueueConfig;
import com.rediacc.queue.functions.FunctionDefaults;
import com.rediacc.queue.functions.FunctionDefinition;
import com.rediacc.queue.functions.FunctionRepository;
import com.rediacc.queue.functions.FunctionResource;
import com.rediacc.queue.functions.ParamValues;
import com.rediacc.queue.machines.MachineRepository;
import com.rediacc.web.FieldError;
import com.rediacc.web.ProblemException;
import com.rediacc.queue.audit.AuditedCall;
import com.rediacc.queue.machines.MachineTeams;
import com.rediacc.queue.vault.Vault;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
    @Inject
    FunctionRepository functions;
    @Inject
    MachineRepository machines;
    @Inject
    QueueConfig config;
    @Inject
    ObjectMapper json;
    @Inject
    Clock clock;

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

    /**
     * A task as asked for: checked (400 naming the bad fields), its machine picked when it names a
     * pool, its function resolved and its params checked; then created as above, the call's audit
     * record in the same transaction.
     */
    public Uni<Created> create(TaskRequest request, AuditedCall call, MachineAuthorization authorize) {
        return create(request, call.actor(), call, authorize);
    }

    /** As above, for one task of a batch: the batch call has one audit record of its own. */
    public Uni<Created> create(TaskRequest request, String actor, MachineAuthorization authorize) {
        return create(request, actor, null, authorize);
    }

    private Uni<Created> create(TaskRequest request, String actor, AuditedCall call, MachineAuthorization authorize) {
        return resolve(request, authorize).flatMap(task -> create(TaskIds.next(), task, actor, authorize, call, true));
    }

    /**
     * The tasks of a batch call: each checked, authorized and (with vaultData) encrypted on its own,
     * then the accepted ones written together, in order, in one statement. One outcome per request, in
     * order: its {@link Created}, or the {@link ProblemException} that refused it.
     *
     * <p>A plain task on a machine whose team is remembered is prepared at once, without a Uni of its
     * own: with a thousand items a call, the operators of one Uni per item (each capturing and restoring
     * the request's context) were a quarter of the service's CPU per task. Only items that need a
     * lookup (a pool, a function, a machine not remembered) or the vault take the asynchronous path.
     */
    public Uni<List<Object>> createAll(List<TaskRequest> requests, String actor, MachineAuthorization authorize) {
        Object[] outcomes = new Object[requests.size()];
        List<Uni<Void>> lookups = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            TaskRequest request = requests.get(i);
            Object ready = preparedAtOnce(request, authorize);
            if (ready != null) {
                outcomes[i] = ready;
                continue;
            }
            int at = i;
            lookups.add(Uni.createFrom().deferred(() -> resolve(request, authorize))
                    .flatMap(task -> prepare(TaskIds.next(), task, authorize))
                    .map(Object.class::cast)
                    .onFailure(ProblemException.class).recoverWithItem(refused -> refused)
                    .invoke(outcome -> outcomes[at] = outcome)
                    .replaceWithVoid());
        }
        Uni<Void> prepared = lookups.isEmpty() ? Uni.createFrom().voidItem()
                : Uni.join().all(lookups).andFailFast().replaceWithVoid();
        return prepared.flatMap(ignored -> store(Arrays.asList(outcomes), actor, authorize));
    }

    /**
     * A plain request (no pool, function or vaultData) on a machine whose remembered team the caller
     * may use: its {@link TaskCreateBatcher.Prepared}, or the {@link ProblemException} of a bad request.
     * Null when it needs the asynchronous path (which also checks a refusal against the database).
     */
    private Object preparedAtOnce(TaskRequest request, MachineAuthorization authorize) {
        if (request.selector() != null || request.function() != null) {
            return null;
        }
        NewTask checked;
        try {
            checked = TaskValidation.validate(request, config.tasks().maxCommandBytes(), clock.instant(), json);
        } catch (ProblemException refused) {
            return refused;
        }
        String team = machineTeams.remembered(checked.machine());
        if (checked.vaultData() != null || team == null) {
            return null;
        }
        try {
            authorize.check(checked.machine(), team);
        } catch (ProblemException refused) {
            return null;
        }
        return new TaskCreateBatcher.Prepared(TaskIds.next(), checked, team, null);
    }

    /** The accepted outcomes written in one statement; a task whose machine went stale meanwhile is created again alone. */
    private Uni<List<Object>> store(List<Object> outcomes, String actor, MachineAuthorization authorize) {
        List<TaskCreateBatcher.Prepared> accepted = new ArrayList<>();
        for (Object outcome : outcomes) {
            if (outcome instanceof TaskCreateBatcher.Prepared ready) {
                accepted.add(ready);
            }
        }
        return creates.createAll(accepted, actor).flatMap(stored -> {
            List<Object> answers = new ArrayList<>(outcomes.size());
            List<Uni<Void>> again = new ArrayList<>();
            int next = 0;
            for (Object outcome : outcomes) {
                if (!(outcome instanceof TaskCreateBatcher.Prepared ready)) {
                    answers.add(outcome);
                    continue;
                }
                Object result = stored.get(next++);
                if (result instanceof TaskCreateBatcher.StaleMachineTeam) {
                    // its machine was deleted or moved meanwhile: authorized again from the database, alone
                    machineTeams.forget(ready.task().machine());
                    int at = answers.size();
                    answers.add(null);
                    again.add(create(ready.taskId(), ready.task(), actor, authorize, null, false).map(Object.class::cast)
                            .onFailure(ProblemException.class).recoverWithItem(refused -> refused)
                            .invoke(created -> answers.set(at, created))
                            .replaceWithVoid());
                } else if (result instanceof RuntimeException failure && !(failure instanceof ProblemException)) {
                    return Uni.createFrom().failure(failure);
                } else {
                    answers.add(result);
                }
            }
            return again.isEmpty() ? Uni.createFrom().item(answers)
                    : Uni.join().all(again).andFailFast().replaceWith(answers);
        });
    }

    /** The task a request asks for, checked, on its machine (the one named, or picked from its pool), with its function resolved. */
    private Uni<NewTask> resolve(TaskRequest request, MachineAuthorization authorize) {
        NewTask checked = TaskValidation.validate(request, config.tasks().maxCommandBytes(), clock.instant(), json);
        return machineOf(request, authorize).flatMap(machine -> {
            if (request.function() == null) {
                return Uni.createFrom().item(checked.on(machine));
            }
            return authorizedTeam(machine, authorize)
                    .flatMap(team -> functions.find(team, request.function(), request.version()).map(found -> found
                            .orElseThrow(() -> FunctionResource.unknown(team, request.function()))))
                    .map(function -> task(request.machine(machine), function));
        });
    }

    /** The machine the task runs on: the one named, or the pool's least loaded (chosen now). */
    private Uni<String> machineOf(TaskRequest request, MachineAuthorization authorize) {
        if (request.selector() == null) {
            return Uni.createFrom().item(request.machine());
        }
        TaskRequest.Selector selector = request.selector();
        List<String> tags = selector.tags() == null ? List.of() : selector.tags();
        String pool = "team '" + selector.team() + "'" + (tags.isEmpty() ? "" : " with tags " + tags);
        authorize.check(pool, selector.team());
        return machines.pickLeastLoaded(selector.team(), tags).map(found -> found.orElseThrow(() ->
                ProblemException.notFound("no machine of " + pool + " can take the task (none, or all paused)")));
    }

    /**
     * The task {@code request} asks for with {@code function} (null: its own command): the function's
     * defaults under what the request gives, its script, its params checked (400 naming them).
     */
    public NewTask task(TaskRequest request, FunctionDefinition function) {
        if (function == null) {
            return TaskValidation.validate(request, config.tasks().maxCommandBytes(), clock.instant(), json);
        }
        List<FieldError> errors = new ArrayList<>();
        ParamValues.Resolved params = ParamValues.resolve(function, request.params(), errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        FunctionDefaults defaults = function.defaults();
        TaskRequest merged = new TaskRequest(request.machine(), function.script(), or(request.priority(), defaults.priority()),
                or(request.maxRetries(), defaults.maxRetries()), or(request.retryDelay(), defaults.retryDelay()),
                request.retryBackoff(), or(request.failureAction(), defaults.failureAction()),
                or(request.tag(), defaults.tag()), or(request.resumable(), defaults.resumable()),
                or(request.timeoutSeconds(), defaults.timeoutSeconds()), request.notBefore(), request.delaySeconds(),
                request.idempotencyKey(), params.secrets(), or(request.onExit(), defaults.onExit()), null, null, null,
                null, null);
        NewTask task = TaskValidation.validate(merged, config.tasks().maxCommandBytes(), clock.instant(), json);
        return task.running(new FunctionCall(function.name(), function.version(), params.shown()));
    }

    private static <T> T or(T given, T fallback) {
        return given != null ? given : fallback;
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
        return prepare(taskId, request, authorize)
                .flatMap(ready -> creates.create(taskId, request, ready.team(), ready.vaultCiphertext(), actor, call))
                .onFailure(TaskCreateBatcher.StaleMachineTeam.class).recoverWithUni(stale -> {
                    // deleted, perhaps registered again in another team: authorize again from the database
                    machineTeams.forget(name);
                    return mayRetry ? create(taskId, request, actor, authorize, call, false)
                            : Uni.createFrom().failure(TaskProblems.unknownMachine(name));
                });
    }

    /** The task authorized on its machine's team, its vaultData encrypted (for the task's own id). */
    private Uni<TaskCreateBatcher.Prepared> prepare(UUID taskId, NewTask request, MachineAuthorization authorize) {
        return authorizedTeam(request.machine(), authorize)
                .flatMap(team -> (request.vaultData() == null ? Uni.createFrom().<String>nullItem()
                        : vault.encrypt(team, Vault.taskContext(taskId), request.vaultData())
                        .map(CiphertextResponse::ciphertext))
                        .map(ciphertext -> new TaskCreateBatcher.Prepared(taskId, request, team, ciphertext)));
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
