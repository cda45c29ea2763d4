package com.rediacc.queue.crons;

import com.rediacc.web.TraceParents;
import com.rediacc.web.TracingSwitch;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import com.rediacc.contract.events.CloudEvent;
import com.rediacc.contract.events.Topics;
import com.rediacc.queue.outbox.OutboxRepository;
import com.rediacc.queue.outbox.OutboxRepository.OutboxRow;
import com.rediacc.queue.tasks.NewTask;
import com.rediacc.queue.tasks.Task;
import com.rediacc.queue.tasks.TaskIds;
import com.rediacc.queue.tasks.TaskStatus;
import com.rediacc.queue.tasks.TaskTransitions;
import com.rediacc.queue.tasks.lifecycle.Decision;
import com.rediacc.queue.tasks.lifecycle.TaskEvent;
import com.rediacc.queue.tasks.store.TaskStore;
import com.rediacc.queue.tasks.store.TaskStore.NewTaskRow;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Turns the slots of locked crons into runs, in the caller's transaction: each slot that runs
 * becomes a task (created with its event, like any task) unless the cron's overlap rule says
 * otherwise; every slot, run or not, is recorded once (cron, slot); missed slots are alerted; the
 * crons move on to their next slots.
 */
@Singleton
public class CronFiring {
    @Inject
    CronRepository crons;
    @Inject
    TaskStore tasks;
    @Inject
    OutboxRepository outbox;
    @Inject
    OpenTelemetry openTelemetry;
    private Tracer tracer;

    @PostConstruct
    void init() {
        tracer = TracingSwitch.inUse(openTelemetry, ConfigProvider.getConfig()).getTracer("rediacc.crons");
    }

    /** What to do with one locked cron: the slot that runs (null: none), the missed ones, the next slot. */
    public record Intent(Cron cron, Instant run, CronRunView.Kind kind, List<Instant> missed, String missedDetail,
                         Instant nextSlot) {
    }

    /** What was done: the runs recorded (tasks created, slots skipped, missed, failed). */
    public record Fired(List<CronRepository.NewRun> runs) {
        public long count(CronRunView.State state) {
            return runs.stream().filter(run -> state == (run.outcome() == null ? CronRunView.State.SCHEDULED : run.outcome()))
                    .count();
        }
    }

    public Uni<Fired> fire(TaskTransitions.UnitOfWork work, List<Intent> intents) {
        List<UUID> maybeActive = intents.stream()
                .filter(i -> i.run() != null && i.cron().overlap() != Cron.Overlap.ALLOW && i.cron().lastTaskId() != null)
                .map(i -> i.cron().lastTaskId()).toList();
        Uni<Map<UUID, TaskStatus>> statuses = maybeActive.isEmpty() ? Uni.createFrom().item(Map.of())
                : crons.taskStatuses(work.tx(), maybeActive);
        return statuses.flatMap(status -> {
            List<CronRepository.NewRun> runs = new ArrayList<>();
            List<OutboxRow> alerts = new ArrayList<>();
            List<NewTaskRow> newTasks = new ArrayList<>();
            Map<String, NewTaskRow> taskOf = new HashMap<>();
            List<UUID> replaced = new ArrayList<>();
            for (Intent intent : intents) {
                Cron cron = intent.cron();
                for (Instant slot : intent.missed()) {
                    runs.add(new CronRepository.NewRun(cron.name(), slot, CronRunView.Kind.SCHEDULED,
                            CronRunView.State.MISSED, null, intent.missedDetail(), null));
                    alerts.add(alert(CronAlert.MISSED, cron, slot, null, intent.missedDetail()));
                }
                if (intent.run() == null) {
                    continue;
                }
                UUID active = Optional.ofNullable(cron.lastTaskId())
                        .filter(id -> status.containsKey(id) && !status.get(id).terminal()).orElse(null);
                if (active != null && cron.overlap() == Cron.Overlap.SKIP) {
                    runs.add(new CronRepository.NewRun(cron.name(), intent.run(), intent.kind(), CronRunView.State.SKIPPED,
                            null, "the previous run (task " + active + ") is still active", null));
                    continue;
                }
                if (active != null) {
                    replaced.add(active);
                }
                NewTaskRow row = taskRow(cron);
                newTasks.add(row);
                taskOf.put(cron.name() + "@" + intent.run(), row);
            }
            return replace(work, replaced)
                    .chain(() -> work.create(newTasks))
                    .flatMap(stored -> {
                        List<CronRepository.Advance> advances = new ArrayList<>();
                        for (Intent intent : intents) {
                            Cron cron = intent.cron();
                            NewTaskRow row = intent.run() == null ? null : taskOf.get(cron.name() + "@" + intent.run());
                            UUID ran = null;
                            if (row != null && stored.containsKey(row.taskId())) {
                                ran = row.taskId();
                                runs.add(new CronRepository.NewRun(cron.name(), intent.run(), intent.kind(), null, ran,
                                        null, intent.run().plus(cron.checkinMargin())));
                            } else if (row != null) {
                                runs.add(new CronRepository.NewRun(cron.name(), intent.run(), intent.kind(),
                                        CronRunView.State.FAILED, null, "machine '" + cron.machine()
                                        + "' no longer exists in team '" + cron.team() + "'; no task was created", null));
                            }
                            advances.add(new CronRepository.Advance(cron.name(), intent.nextSlot(), ran));
                        }
                        return work.publish(alerts).chain(() -> crons.record(work.tx(), runs, advances))
                                .replaceWith(new Fired(runs));
                    });
        });
    }

    /** Overlap REPLACE: the active runs are cancelled (a running one is killed by its bridge). */
    private Uni<Void> replace(TaskTransitions.UnitOfWork work, List<UUID> active) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (UUID taskId : active) {
            chain = chain.chain(() -> tasks.lock(work.tx(), taskId).flatMap(found -> {
                if (found.isEmpty() || !(work.decide(found.get(), new TaskEvent.Cancel()) instanceof Decision.Move move)) {
                    return Uni.createFrom().voidItem();
                }
                return work.write(List.of(move), "cron: replaced by the next run", null).replaceWithVoid();
            }));
        }
        return chain;
    }

    /** A run's task: the cron's command on its machine, its secrets bound to the cron. */
    private NewTaskRow taskRow(Cron cron) {
        UUID taskId = TaskIds.next();
        NewTask task = new NewTask(cron.machine(), cron.command(), cron.priority(), cron.maxRetries(), cron.retryDelay(),
                Task.RetryBackoff.FIXED, Task.FailureAction.NONE, cron.tag(), cron.resumable(), cron.runTimeoutSeconds(),
                null, null, null, null, cron.vaultDataShape(), cron.onExitCommand(), null, null, cron.function(), null, false);
        return new NewTaskRow(taskId, cron.team(), task, cron.vaultCiphertext(),
                cron.vaultCiphertext() == null ? null : cron.vaultContext(), "cron:" + cron.name(), null,
                firingTrace(cron, taskId));
    }

    /** A run's trace is rooted at its firing: a span of its own (ended at once), whose context the task carries. */
    private String firingTrace(Cron cron, UUID taskId) {
        Span firing = tracer.spanBuilder("cron fire").setNoParent()
                .setAttribute("rediacc.cron", cron.name())
                .setAttribute("rediacc.team", cron.team())
                .setAttribute("rediacc.machine", cron.machine())
                .setAttribute("rediacc.task.id", taskId.toString())
                .startSpan();
        firing.end();
        return TraceParents.of(firing);
    }

    OutboxRow alert(String type, Cron cron, Instant slot, UUID taskId, String detail) {
        return outbox.row(Topics.ALERTS, cron.name(), CloudEvent.of(UUID.randomUUID().toString(), OutboxRepository.SOURCE,
                type, cron.name(), Instant.now(), CronAlert.SCHEMA,
                new CronAlert(cron.name(), cron.team(), cron.machine(), slot, taskId, detail)));
    }
}
