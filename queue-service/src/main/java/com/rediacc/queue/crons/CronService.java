package com.rediacc.queue.crons;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rediacc.contract.vault.CiphertextResponse;
import com.rediacc.queue.QueueConfig;
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
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

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

    /** Checks the caller's right in {@code team}: throws {@code invisible} (404) or 403 to refuse. */
    @FunctionalInterface
    public interface Authorization {
        void check(String team, Supplier<ProblemException> invisible);
    }

    public Uni<Cron> create(CronRequest request, String actor, Authorization authorizeMachine) {
        CronValidation.Checked checked = CronValidation.forCreate(request, config.tasks().maxCommandBytes(), json);
        UUID cronId = UUID.randomUUID();
        return teamOf(checked, authorizeMachine)
                .flatMap(team -> encrypt(team, cronId, checked.vaultData()).map(ciphertext -> new Cron(checked.name(),
                        cronId, team, checked.machine(), checked.command(), checked.schedule().expression(),
                        checked.schedule().zone().getId(), checked.priority(), checked.tag(), checked.resumable(),
                        checked.maxRetries(), checked.retryDelay(), checked.timeoutSeconds(), ciphertext,
                        checked.vaultDataShape(), checked.checkinMargin(), checked.maxRuntimeMinutes(), checked.overlap(),
                        checked.onExitCommand(), checked.enabled(), firstSlot(checked.schedule()), null, null, actor, null)))
                .flatMap(cron -> crons.insert(pool, cron))
                .map(stored -> stored.orElseThrow(() -> ProblemException.conflict("cron '" + checked.name()
                        + "' already exists; change it with PATCH /api/v1/crons/" + checked.name())));
    }

    /** Changes the given fields. A new schedule or time zone starts from now; the next run uses the rest. */
    public Uni<Cron> update(String name, CronRequest patch, Authorization authorize) {
        return crons.find(name).map(found -> found.orElseThrow(() -> unknown(name))).flatMap(existing -> {
            authorize.check(existing.team(), () -> unknown(name));
            CronValidation.Checked checked = CronValidation.forUpdate(existing, patch, config.tasks().maxCommandBytes(), json);
            return teamOf(checked, authorize).flatMap(team -> (checked.vaultData() == null
                    ? Uni.createFrom().item(existing.vaultCiphertext())
                    : encrypt(team, existing.cronId(), checked.vaultData()))
                    .flatMap(ciphertext -> transitions.inTransaction(work -> crons.lock(work.tx(), name).flatMap(locked -> {
                        Cron current = locked.orElseThrow(() -> unknown(name));
                        boolean rescheduled = !current.cronString().equals(checked.schedule().expression())
                                || !current.timezone().equals(checked.schedule().zone().getId());
                        Cron changed = new Cron(current.name(), current.cronId(), team, checked.machine(), checked.command(),
                                checked.schedule().expression(), checked.schedule().zone().getId(), checked.priority(),
                                checked.tag(), checked.resumable(), checked.maxRetries(), checked.retryDelay(),
                                checked.timeoutSeconds(), ciphertext,
                                checked.vaultData() == null ? current.vaultDataShape() : checked.vaultDataShape(),
                                checked.checkinMargin(), checked.maxRuntimeMinutes(), checked.overlap(), checked.onExitCommand(),
                                checked.enabled(), rescheduled ? firstSlot(checked.schedule()) : current.nextSlot(),
                                current.lastTaskId(), current.createdAt(), current.createdBy(), current.updatedAt());
                        return crons.update(work.tx(), changed);
                    }))));
        });
    }

    /**
     * Pauses or resumes. A resumed cron goes on from its stored slot: the slots it passed while
     * paused are missed (and alerted), the latest runs if it is within the checkin margin.
     */
    public Uni<Cron> setEnabled(String name, boolean enabled, Authorization authorize) {
        return update(name, new CronRequest(null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, enabled), authorize);
    }

    public Uni<Boolean> delete(String name, Authorization authorize) {
        return get(name, authorize).flatMap(cron -> transitions.inTransaction(work -> crons.lock(work.tx(), name)
                .flatMap(locked -> crons.delete(work.tx(), name))));
    }

    public Uni<Cron> get(String name, Authorization authorize) {
        return crons.find(name).map(found -> {
            Cron cron = found.orElseThrow(() -> unknown(name));
            authorize.check(cron.team(), () -> unknown(name));
            return cron;
        });
    }

    /** One run now, as a slot of its own (kind MANUAL); the overlap rule applies. */
    public Uni<CronRunView> trigger(String name, Authorization authorize) {
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
    private Uni<String> teamOf(CronValidation.Checked checked, Authorization authorize) {
        return machineTeams.load(checked.machine()).map(found -> {
            String team = found.orElseThrow(() -> TaskProblems.unknownMachine(checked.machine()));
            authorize.check(team, () -> TaskProblems.unknownMachine(checked.machine()));
            if (checked.team() != null && !checked.team().equals(team)) {
                throw ProblemException.invalid(List.of(new FieldError("team",
                        "machine '" + checked.machine() + "' is of team '" + team + "', not '" + checked.team() + "'")));
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
