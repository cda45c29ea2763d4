package com.rediacc.queue.groups;

import com.fasterxml.jackson.databind.JsonNode;
import com.rediacc.contract.vault.CiphertextResponse;
import com.rediacc.queue.auth.TeamAuthorization;
import com.rediacc.queue.functions.FunctionDefinition;
import com.rediacc.queue.functions.FunctionRepository;
import com.rediacc.queue.functions.FunctionResource;
import com.rediacc.queue.machines.Machine;
import com.rediacc.queue.machines.MachineRepository;
import com.rediacc.queue.tasks.NewTask;
import com.rediacc.queue.tasks.Task;
import com.rediacc.queue.tasks.TaskCreation;
import com.rediacc.queue.tasks.TaskIds;
import com.rediacc.queue.tasks.TaskProblems;
import com.rediacc.queue.tasks.TaskStatus;
import com.rediacc.queue.tasks.TaskTransitions;
import com.rediacc.queue.tasks.lifecycle.TaskEvent;
import com.rediacc.queue.tasks.store.TaskStore.NewTaskRow;
import com.rediacc.queue.vault.Vault;
import com.rediacc.web.FieldError;
import com.rediacc.web.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Task groups: created whole in one transaction (every machine's task, or none), rolled out by
 * {@link GroupProgressService}, cancelled, and run again for the machines that failed.
 */
@Singleton
public class TaskGroupService {
    static final int MAX_MACHINES = 1000;
    private static final Pattern PERCENT = Pattern.compile("(\\d{1,3})%");

    @Inject
    TaskGroupRepository groups;
    @Inject
    TaskTransitions transitions;
    @Inject
    TaskCreation creation;
    @Inject
    GroupEvents events;
    @Inject
    GroupProgressService progress;
    @Inject
    MachineRepository machines;
    @Inject
    FunctionRepository functions;
    @Inject
    Vault vault;
    @Inject
    Pool pool;

    public Uni<TaskGroupView> create(TaskGroupRequest request, String actor, TeamAuthorization authorize) {
        Limits limits = limits(request);
        return machinesOf(request, authorize).flatMap(targets -> {
            String team = targets.getFirst().team();
            UUID groupId = UUID.randomUUID();
            return functionOf(request, team).flatMap(function -> {
                NewTask template = creation.task(request.task(targets.getFirst().name()), function);
                int maxParallel = limits.maxParallel() == null ? targets.size() : limits.maxParallel();
                TaskGroup group = new TaskGroup(groupId, team, TaskGroup.Status.RUNNING, template.command(),
                        function == null ? null : function.name(), function == null ? null : function.version(),
                        maxParallel, limits.maxFailures(), limits.maxFailurePercent(), targets.size(), null, null, null,
                        actor, null);
                return encrypt(team, groupId, template.vaultData()).flatMap(ciphertext -> {
                    List<NewTaskRow> rows = new ArrayList<>();
                    for (int i = 0; i < targets.size(); i++) {
                        NewTask task = template.on(targets.get(i).name()).inGroup(groupId, i >= maxParallel);
                        rows.add(row(task, team, ciphertext, ciphertext == null ? null : TaskGroup.vaultContext(groupId), actor));
                    }
                    return store(group, rows);
                });
            });
        });
    }

    /** The failed and cancelled machines of {@code groupId} again, as a new group linked to it. */
    public Uni<TaskGroupView> retry(UUID groupId, String actor, TeamAuthorization authorize) {
        return visible(groupId, authorize).flatMap(old -> groups.tasks(pool, groupId).flatMap(tasks -> {
            List<Task> again = tasks.stream()
                    .filter(t -> t.status() == TaskStatus.FAILED || t.status() == TaskStatus.CANCELLED).toList();
            if (again.isEmpty()) {
                throw ProblemException.conflict("task group " + groupId + " has no FAILED or CANCELLED machine to run again");
            }
            if (tasks.stream().anyMatch(t -> !t.status().terminal())) {
                throw ProblemException.conflict("task group " + groupId + " still runs; cancel it or wait for its end");
            }
            UUID newId = UUID.randomUUID();
            int maxParallel = Math.min(old.maxParallel(), again.size());
            TaskGroup group = new TaskGroup(newId, old.team(), TaskGroup.Status.RUNNING, old.command(), old.functionName(),
                    old.functionVersion(), maxParallel, old.maxFailures(), old.maxFailurePercent(), again.size(), groupId,
                    null, null, actor, null);
            List<NewTaskRow> rows = new ArrayList<>();
            for (int i = 0; i < again.size(); i++) {
                Task original = again.get(i);
                NewTask task = NewTask.again(original).keepingSecretsOf(original).inGroup(newId, i >= maxParallel);
                rows.add(row(task, old.team(), original.vaultCiphertext(), original.vaultDataContext(), actor));
            }
            return store(group, rows);
        }));
    }

    /** Cancels what has not ended: held and waiting tasks at once, running ones have their remote command killed. */
    public Uni<TaskGroupView> cancel(UUID groupId, String actor, TeamAuthorization authorize) {
        return visible(groupId, authorize)
                .call(group -> transitions.inTransaction(work -> groups.lock(work.tx(), groupId)
                        .flatMap(locked -> locked.filter(g -> g.status() == TaskGroup.Status.RUNNING).isEmpty()
                                ? Uni.createFrom().voidItem()
                                : groups.setStatus(work.tx(), groupId, TaskGroup.Status.CANCELLED, "cancelled by " + actor))))
                .call(group -> groups.tasks(pool, groupId).flatMap(tasks -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Task task : tasks) {
                        if (!task.status().terminal()) {
                            chain = chain.chain(() -> transitions.apply(task.taskId(),
                                    new TaskEvent.Cancel("cancelled with its group"), actor, t -> { }).replaceWithVoid());
                        }
                    }
                    return chain;
                }))
                // the group's end is marked by the last cancelled task; an empty or ended group, here
                .call(group -> transitions.inTransaction(work -> progress.advance(work, groupId)))
                .flatMap(group -> view(groupId));
    }

    public Uni<TaskGroupView> get(UUID groupId, TeamAuthorization authorize) {
        return visible(groupId, authorize).flatMap(group -> view(groupId));
    }

    public Uni<List<TaskGroup>> list(String team, List<String> teams, UUID before, int limit) {
        return groups.list(team, teams, before, limit);
    }

    private Uni<TaskGroupView> view(UUID groupId) {
        return groups.find(groupId).flatMap(found -> groups.tasks(pool, groupId)
                .map(tasks -> TaskGroupView.of(found.orElseThrow(() -> unknown(groupId)), tasks)));
    }

    private Uni<TaskGroup> visible(UUID groupId, TeamAuthorization authorize) {
        return groups.find(groupId).map(found -> {
            TaskGroup group = found.orElseThrow(() -> unknown(groupId));
            authorize.check(group.team(), () -> unknown(groupId));
            return group;
        });
    }

    /** The group and all its tasks, or nothing: a machine gone meanwhile makes the whole call fail. */
    private Uni<TaskGroupView> store(TaskGroup group, List<NewTaskRow> rows) {
        return transitions.inTransaction(work -> groups.insert(work.tx(), group)
                        .chain(() -> work.create(rows))
                        .invoke(stored -> {
                            if (stored.size() != rows.size()) {
                                throw ProblemException.conflict("a machine of the group was deleted or moved to another "
                                        + "team meanwhile; nothing was created, send the call again");
                            }
                        })
                        .chain(() -> work.publish(List.of(events.created(group)))))
                .chain(() -> view(group.groupId()));
    }

    private NewTaskRow row(NewTask task, String team, String ciphertext, String context, String actor) {
        UUID taskId = TaskIds.next();
        return new NewTaskRow(taskId, team, task, ciphertext, context, actor, null);
    }

    /** The group's machines: those named (all of one team the caller may create tasks in) or those the selector finds. */
    private Uni<List<Machine>> machinesOf(TaskGroupRequest request, TeamAuthorization authorize) {
        if (request.selector() != null) {
            List<String> tags = request.selector().tags() == null ? List.of() : request.selector().tags();
            String team = request.selector().team();
            authorize.check(team, () -> ProblemException.notFound("no team '" + team + "'"));
            return machines.selected(team, tags).map(found -> {
                if (found.isEmpty()) {
                    throw ProblemException.notFound("no machine of team '" + team + "'" + (tags.isEmpty() ? "" : " with tags "
                            + tags) + " can take tasks (none, or all paused)");
                }
                if (found.size() > MAX_MACHINES) {
                    throw invalid("selector", "finds " + found.size() + " machines; a group has at most " + MAX_MACHINES);
                }
                return found;
            });
        }
        List<String> names = List.copyOf(new LinkedHashSet<>(request.machines()));
        return machines.findAll(names).map(found -> {
            List<Machine> targets = new ArrayList<>(names.size());
            for (String name : names) {
                Machine machine = found.get(name);
                if (machine == null) {
                    throw TaskProblems.unknownMachine(name);
                }
                authorize.check(machine.team(), () -> TaskProblems.unknownMachine(name));
                targets.add(machine);
            }
            String team = targets.getFirst().team();
            targets.stream().filter(m -> !m.team().equals(team)).findFirst().ifPresent(other -> {
                throw invalid("machines", "a group's machines are of one team: '" + other.name() + "' is of '"
                        + other.team() + "', '" + targets.getFirst().name() + "' of '" + team + "'");
            });
            return targets;
        });
    }

    private Uni<FunctionDefinition> functionOf(TaskGroupRequest request, String team) {
        if (request.function() == null) {
            return Uni.createFrom().nullItem();
        }
        return functions.find(team, request.function(), request.version())
                .map(found -> found.orElseThrow(() -> FunctionResource.unknown(team, request.function())));
    }

    private Uni<String> encrypt(String team, UUID groupId, byte[] plaintext) {
        if (plaintext == null) {
            return Uni.createFrom().nullItem();
        }
        return vault.encrypt(team, TaskGroup.vaultContext(groupId), plaintext).map(CiphertextResponse::ciphertext);
    }

    /** The group's own settings, checked; the task options are checked with the tasks. */
    private record Limits(Integer maxParallel, Integer maxFailures, Integer maxFailurePercent) {
    }

    private static Limits limits(TaskGroupRequest request) {
        if (request == null) {
            throw ProblemException.badRequest("a JSON body with the group is required: "
                    + "{\"command\": ..., \"machines\": [...] | \"selector\": {\"team\": ..., \"tags\": [...]}}");
        }
        List<FieldError> errors = new ArrayList<>();
        boolean named = request.machines() != null;
        if (named == (request.selector() != null)) {
            errors.add(new FieldError("machines", "give machines or a selector (one of them)"));
        } else if (named && (request.machines().isEmpty() || request.machines().size() > MAX_MACHINES
                || request.machines().stream().anyMatch(m -> m == null || m.isBlank()))) {
            errors.add(new FieldError("machines", "1 to " + MAX_MACHINES + " machine names"));
        } else if (!named && (request.selector().team() == null || request.selector().team().isBlank())) {
            errors.add(new FieldError("selector.team", "is required"));
        }
        if (request.maxParallel() != null && (request.maxParallel() < 1 || request.maxParallel() > MAX_MACHINES)) {
            errors.add(new FieldError("maxParallel", "must be between 1 and " + MAX_MACHINES));
        }
        Integer maxFailures = null;
        Integer percent = null;
        MaxFailures failures = new MaxFailures(request.maxFailures());
        if (failures.isInt()) {
            maxFailures = failures.intValue();
            if (maxFailures < 0) {
                errors.add(new FieldError("maxFailures", "must be 0 or more, or a percentage such as \"25%\""));
            }
        } else if (failures.percent() != null) {
            percent = failures.percent();
            if (percent > 100) {
                errors.add(new FieldError("maxFailures", "a percentage is at most 100%"));
            }
        } else if (!failures.absent()) {
            errors.add(new FieldError("maxFailures", "a count (2) or a percentage (\"25%\")"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return new Limits(request.maxParallel(), maxFailures, percent);
    }

    /** maxFailures as given: absent, a count, or "N%". */
    private record MaxFailures(JsonNode node) {
        boolean absent() {
            return node == null || node.isNull();
        }

        boolean isInt() {
            return node != null && node.isInt();
        }

        int intValue() {
            return node.intValue();
        }

        Integer percent() {
            if (node == null || !node.isTextual()) {
                return null;
            }
            Matcher matcher = PERCENT.matcher(node.asText().strip());
            return matcher.matches() ? Integer.valueOf(matcher.group(1)) : null;
        }
    }

    private static ProblemException invalid(String field, String message) {
        return ProblemException.invalid(List.of(new FieldError(field, message)));
    }

    static ProblemException unknown(UUID groupId) {
        return ProblemException.notFound("no task group " + groupId);
    }
}
