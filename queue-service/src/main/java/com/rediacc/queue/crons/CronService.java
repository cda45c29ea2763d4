package com.rediacc.queue.crons;

import com.rediacc.queue.auth.TeamAuthorization;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rediacc.contract.vault.CiphertextResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.rediacc.queue.QueueConfig;
import com.rediacc.queue.functions.FunctionRepository;
import com.rediacc.queue.functions.FunctionResource;
import com.rediacc.queue.functions.ParamValues;
import com.rediacc.queue.tasks.FunctionCall;
import com.rediacc.queue.tasks.TaskValidation;
import com.rediacc.queue.vault.Redaction;
import com.rediacc.queue.machines.MachineTeams;
import com.rediacc.queue.tasks.TaskProblems;
import com.rediacc.queue.tasks.TaskTransitions;
import com.rediacc.queue.vault.Vault;
import com.rediacc.web.FieldError;
import com.rediacc.web.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Creating, changing, pausing and triggering crons. Who may is checked by the caller
 * ({@code authorize} sees the cron's team first and throws to refuse). A cron's first slot, and its
 * next after a change of schedule, is the first one after now; otherwise slots follow each other.
 */
@Singleton
public class CronService {
    @Inject
    CronRepository crons;
    @Inject
    CronFiring firing;
    @Inject
    TaskTransitions transitions;
    @Inject
    MachineTeams machineTeams;
    @Inject
    Vault vault;
    @Inject
    QueueConfig config;
    @Inject
    ObjectMapper json;
    @Inject
    Clock clock;
    @Inject
    Pool pool;
    @Inject
    FunctionRepository functions;

    public Uni<Cron> create(CronRequest request, String actor, TeamAuthorization authorize) {
        precheck(request, null);
        UUID cronId = UUID.randomUUID();
        return resolve(request, null, authorize).flatMap(resolved -> {
            CronValidation.Checked checked = resolved.checked();
            return encrypt(resolved.team(), cronId, resolved.secrets()).map(ciphertext -> new Cron(checked.name(), cronId,
                    resolved.team(), checked.machine(), checked.command(), checked.schedule().expression(),
                    checked.schedule().zone().getId(), checked.priority(), checked.tag(), checked.resumable(),
                    checked.maxRetries(), checked.retryDelay(), checked.timeoutSeconds(), ciphertext, resolved.secretsShape(),
                    checked.checkinMargin(), checked.maxRuntimeMinutes(), checked.overlap(), checked.onExitCommand(),
                    checked.enabled(), firstSlot(checked.schedule()), null, null, actor, null, resolved.function()));
        }).flatMap(cron -> crons.insert(pool, cron)).map(stored -> stored.orElseThrow(() -> ProblemException.conflict(
                "cron '" + request.name() + "' already exists; change it with PATCH /api/v1/crons/" + request.name())));
    }

    /** Changes the given fields. A new schedule or time zone starts from now; the next run uses the rest. */
    public Uni<Cron> update(String name, CronRequest patch, TeamAuthorization authorize) {
        return crons.find(name).map(found -> found.orElseThrow(() -> unknown(name))).flatMap(existing -> {
            authorize.check(existing.team(), () -> unknown(name));
            precheck(patch, existing);
            return resolve(patch, existing, authorize).flatMap(resolved -> (resolved.secrets() == null
                    ? Uni.createFrom().item(resolved.secretsChanged() ? null : existing.vaultCiphertext())
                    : encrypt(resolved.team(), existing.cronId(), resolved.secrets()))
                    .flatMap(ciphertext -> transitions.inTransaction(work -> crons.lock(work.tx(), name).flatMap(locked -> {
                        Cron current = locked.orElseThrow(() -> unknown(name));
                        CronValidation.Checked checked = resolved.checked();
                        boolean rescheduled = !current.cronString().equals(checked.schedule().expression())
                                || !current.timezone().equals(checked.schedule().zone().getId());
                        Cron changed = new Cron(current.name(), current.cronId(), resolved.team(), checked.machine(),
                                checked.command(), checked.schedule().expression(), checked.schedule().zone().getId(),
                                checked.priority(), checked.tag(), checked.resumable(), checked.maxRetries(),
                                checked.retryDelay(), checked.timeoutSeconds(), ciphertext,
                                resolved.secretsChanged() ? resolved.secretsShape() : current.vaultDataShape(),
                                checked.checkinMargin(), checked.maxRuntimeMinutes(), checked.overlap(), checked.onExitCommand(),
                                checked.enabled(), rescheduled ? firstSlot(checked.schedule()) : current.nextSlot(),
                                current.lastTaskId(), current.createdAt(), current.createdBy(), current.updatedAt(),
                                resolved.function());
                        return crons.update(work.tx(), changed);
                    }))));
        });
    }

    /**
     * A cron's fields checked, with its team and, for a function, the version it runs (the one given,
     * else the newest now), its script, its params checked and its secret params (to encrypt).
     * {@code secretsChanged}: the cron's vaultData is replaced (by {@code secrets}, or dropped).
     */
    private record Resolved(String team, CronValidation.Checked checked, FunctionCall function, byte[] secrets,
                            JsonNode secretsShape, boolean secretsChanged) {
    }

    private Uni<Resolved> resolve(CronRequest request, Cron existing, TeamAuthorization authorize) {
        String machine = request.machine() != null ? request.machine() : existing.machine();
        String functionName = functionOf(request, existing);
        boolean functionChanges = functionName != null
                && (existing == null || request.function() != null || request.version() != null || request.params() != null);
        return teamOf(machine, request.team() != null ? request.team() : existing == null ? null : existing.team(), authorize)
                .flatMap(team -> {
                    if (!functionChanges) {
                        byte[] vaultData = TaskValidation.vaultData(new ArrayList<>(), request.vaultData(), json);
                        CronValidation.Checked checked = validate(request, existing);
                        FunctionCall kept = functionName == null ? null : existing.function();
                        return Uni.createFrom().item(new Resolved(team, checked, kept, vaultData, checked.vaultDataShape(),
                                vaultData != null || existing != null && request.command() != null && existing.function() != null));
                    }
                    return functions.find(team, functionName, request.version())
                            .map(found -> found.orElseThrow(() -> FunctionResource.unknown(team, functionName)))
                            .map(function -> {
                                CronRequest merged = (existing == null ? request.withDefaults(function.defaults()) : request)
                                        .withCommand(function.script());
                                CronValidation.Checked checked = validate(merged, existing);
                                List<FieldError> errors = new ArrayList<>();
                                ParamValues.Resolved params = ParamValues.resolve(function, request.params(), errors);
                                if (!errors.isEmpty()) {
                                    throw ProblemException.invalid(errors);
                                }
                                byte[] secrets = TaskValidation.vaultData(errors, params.secrets(), json);
                                return new Resolved(team, checked, new FunctionCall(function.name(), function.version(),
                                        params.shown()), secrets, params.secrets() == null ? null
                                        : Redaction.shape(params.secrets()), true);
                            });
                });
    }

    /** The function the cron runs after {@code request}: named there, or kept, or none (a command given). */
    private static String functionOf(CronRequest request, Cron existing) {
        if (request.function() != null) {
            return request.function();
        }
        if (existing == null || request.command() != null || existing.function() == null) {
            return null;
        }
        return existing.function().name();
    }

    private CronValidation.Checked validate(CronRequest request, Cron existing) {
        int max = config.tasks().maxCommandBytes();
        return existing == null ? CronValidation.forCreate(request, max, json) : CronValidation.forUpdate(existing, request, max, json);
    }

    /** What cannot be said together: a command and a function, a function and vaultData, version or params without function. */
    private static void precheck(CronRequest request, Cron existing) {
        if (request == null) {
            return; // the validation says what is missing
        }
        List<FieldError> errors = new ArrayList<>();
        if (request.command() != null && request.function() != null) {
            errors.add(new FieldError("command", "give command or function, not both"));
        }
        boolean function = request.function() != null || request.command() == null && existing != null && existing.function() != null;
        if (function && request.vaultData() != null && !request.vaultData().isNull()) {
            errors.add(new FieldError("vaultData", "a function takes its secrets as secret params"));
        }
        if (!function && (request.version() != null || request.params() != null)) {
            errors.add(new FieldError(request.version() != null ? "version" : "params", "only with function"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
    }

    /**
     * Pauses or resumes. A resumed cron goes on from its stored slot: the slots it passed while
     * paused are missed (and alerted), the latest runs if it is within the checkin margin.
     */
    public Uni<Cron> setEnabled(String name, boolean enabled, TeamAuthorization authorize) {
        return update(name, new CronRequest(null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, enabled, null, null, null), authorize);
    }

    public Uni<Boolean> delete(String name, TeamAuthorization authorize) {
        return get(name, authorize).flatMap(cron -> transitions.inTransaction(work -> crons.lock(work.tx(), name)
                .flatMap(locked -> crons.delete(work.tx(), name))));
    }

    public Uni<Cron> get(String name, TeamAuthorization authorize) {
        return crons.find(name).map(found -> {
            Cron cron = found.orElseThrow(() -> unknown(name));
            authorize.check(cron.team(), () -> unknown(name));
            return cron;
        });
    }

    /** One run now, as a slot of its own (kind MANUAL); the overlap rule applies. */
    public Uni<CronRunView> trigger(String name, TeamAuthorization authorize) {
        Instant slot = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return get(name, authorize)
                .flatMap(visible -> transitions.inTransaction(work -> crons.lock(work.tx(), name).flatMap(locked -> {
                    Cron cron = locked.orElseThrow(() -> unknown(name));
                    return firing.fire(work, List.of(new CronFiring.Intent(cron, slot, CronRunView.Kind.MANUAL,
                            List.of(), null, cron.nextSlot()))).replaceWith(cron);
                })))
                .flatMap(cron -> crons.runs(cron, slot.plus(1, ChronoUnit.MICROS), 1))
                .map(List::getFirst);
    }

    public Uni<List<CronRunView>> runs(Cron cron, Instant beforeSlot, int limit) {
        return crons.runs(cron, beforeSlot, limit);
    }

    public Uni<List<Cron>> list(String team, List<String> teams, String afterName, int limit) {
        return crons.list(team, teams, afterName, limit);
    }

    public Uni<CronView> view(Cron cron) {
        return crons.runs(cron, null, 1).map(last -> CronView.of(cron, last.isEmpty() ? null : last.getFirst()));
    }

    /** The team of the cron's machine; a team given must be it. */
    private Uni<String> teamOf(String machine, String givenTeam, TeamAuthorization authorize) {
        if (machine == null) {
            return Uni.createFrom().item(givenTeam); // the validation says machine is required
        }
        return machineTeams.load(machine).map(found -> {
            String team = found.orElseThrow(() -> TaskProblems.unknownMachine(machine));
            authorize.check(team, () -> TaskProblems.unknownMachine(machine));
            if (givenTeam != null && !givenTeam.equals(team)) {
                throw ProblemException.invalid(List.of(new FieldError("team",
                        "machine '" + machine + "' is of team '" + team + "', not '" + givenTeam + "'")));
            }
            return team;
        });
    }

    private Uni<String> encrypt(String team, UUID cronId, byte[] plaintext) {
        if (plaintext == null) {
            return Uni.createFrom().nullItem();
        }
        return vault.encrypt(team, Cron.vaultContext(cronId), plaintext).map(CiphertextResponse::ciphertext);
    }

    private Instant firstSlot(CronSchedule schedule) {
        return schedule.next(clock.instant()).orElseThrow(() -> ProblemException.invalid(List.of(
                new FieldError("cronString", "never fires again"))));
    }

    static ProblemException unknown(String name) {
        return ProblemException.notFound("no cron named '" + name + "'");
    }
}
