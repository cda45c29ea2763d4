package com.rediacc.queue.metrics;

import com.rediacc.queue.QueueConfig;
import com.rediacc.queue.machines.resources.MachineResourceStore;
import com.rediacc.queue.machines.resources.Resource;
import com.rediacc.queue.sql.SqlFiles;
import com.rediacc.queue.tasks.store.TaskStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The queue's gauges: tasks per team, machine and status and per team, priority and status, the
 * age of each machine's oldest PENDING task, the outbox's backlog and the age of its oldest row.
 * Read every {@code rediacc.metrics.refresh} from the counts kept as tasks move (V16) and a probe per
 * machine of the PENDING tasks' index (V22), never at a scrape: a scrape reads memory. Ages are as of the scrape (the refresh's age plus the time since).
 * Every replica shows the same values: aggregate them with max, not sum. The machines' resources
 * too: each machine's newest sample (load per CPU, memory and disk used), its age, and the
 * thresholds it is over (rediacc.resources.*, the rule of the alerts on rediacc.alerts), read from
 * machine_resources (V20) at the same refresh.
 */
@ApplicationScoped
public class QueueGauges {
    private static final Logger LOG = Logger.getLogger(QueueGauges.class);

    @Inject
    Pool pool;
    @Inject
    TaskStore tasks;
    @Inject
    MeterRegistry registry;
    @Inject
    QueueConfig config;
    @Inject
    Vertx vertx;
    @Inject
    MachineResourceStore resources;

    private MultiGauge byMachine;
    private MultiGauge byPriority;
    private MultiGauge oldestPending;
    private final Map<Resource, MultiGauge> resourceValues = new EnumMap<>(Resource.class);
    private MultiGauge resourcesOver;
    private MultiGauge resourcesAge;
    private volatile Backlog outbox = new Backlog(0, null, System.nanoTime());
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private long timer = -1;

    /** An age read at {@code readAtNanos}. */
    private record Age(double seconds, long readAtNanos) {
        double now() {
            return seconds + (System.nanoTime() - readAtNanos) / 1e9;
        }
    }

    private record Backlog(long rows, Double oldestSeconds, long readAtNanos) {
    }

    void start(@Observes StartupEvent event) {
        byMachine = MultiGauge.builder("rediacc.tasks").description("Tasks per team, machine and status").register(registry);
        byPriority = MultiGauge.builder("rediacc.tasks.priority").description("Tasks per team, priority and status")
                .register(registry);
        oldestPending = MultiGauge.builder("rediacc.task.oldest.pending").baseUnit("seconds")
                .description("How long the oldest PENDING task of each machine has waited since its creation").register(registry);
        Gauge.builder("rediacc.outbox.rows", this, gauges -> gauges.outbox.rows())
                .description("Outbox rows waiting for the relay (each holds one message or a batch's)").register(registry);
        Gauge.builder("rediacc.outbox.oldest", this, gauges -> {
                    Backlog backlog = gauges.outbox;
                    return backlog.oldestSeconds() == null ? 0
                            : new Age(backlog.oldestSeconds(), backlog.readAtNanos()).now();
                }).baseUnit("seconds").description("Age of the oldest outbox row (0: none)").register(registry);
        resourceValues.put(Resource.LOAD, MultiGauge.builder("rediacc.machine.load.per.cpu")
                .description("The machine's 1-minute load average per CPU, of its newest sample").register(registry));
        resourceValues.put(Resource.MEMORY, MultiGauge.builder("rediacc.machine.memory.used").baseUnit("percent")
                .description("The machine's memory in use (total minus available), of its newest sample").register(registry));
        resourceValues.put(Resource.DISK, MultiGauge.builder("rediacc.machine.disk.used").baseUnit("percent")
                .description("The machine's root file system in use, of its newest sample").register(registry));
        resourcesOver = MultiGauge.builder("rediacc.machine.resource.over")
                .description("1 for each threshold (rediacc.resources.*) the machine's newest sample is over; no series when under")
                .register(registry);
        resourcesAge = MultiGauge.builder("rediacc.machine.resources.age").baseUnit("seconds")
                .description("How old the machine's newest resource sample is").register(registry);
        timer = vertx.setPeriodic(0, config.metrics().refresh().toMillis(), id -> refreshUnlessRunning());
    }

    void stop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(timer);
    }

    private void refreshUnlessRunning() {
        if (refreshing.compareAndSet(false, true)) {
            refresh().subscribe().with(done -> refreshing.set(false), failure -> {
                refreshing.set(false);
                LOG.warnf("the queue's gauges were not refreshed, the next refresh retries: %s", failure.getMessage());
            });
        }
    }

    /** Reads the counts, ages and backlog once and shows them. */
    public Uni<Void> refresh() {
        return pool.query(SqlFiles.load("queue-depth")).execute().invoke(rows -> {
            List<MultiGauge.Row<?>> machines = new ArrayList<>();
            List<MultiGauge.Row<?>> priorities = new ArrayList<>();
            for (Row row : rows) {
                long count = row.getLong("tasks");
                if (row.getValue("priority") == null) {
                    machines.add(MultiGauge.Row.of(Tags.of("team", row.getString("team"), "machine", row.getString("machine"),
                            "status", row.getString("status")), count));
                } else {
                    priorities.add(MultiGauge.Row.of(Tags.of("team", row.getString("team"),
                            "priority", Short.toString(row.getShort("priority")), "status", row.getString("status")), count));
                }
            }
            byMachine.register(machines, true);
            byPriority.register(priorities, true);
        }).chain(() -> tasks.oldestPending(null, null)).invoke(ages -> {
            long readAt = System.nanoTime();
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            for (TaskStore.PendingAge age : ages) {
                rows.add(MultiGauge.Row.of(Tags.of("team", age.team(), "machine", age.machine()),
                        new Age(age.ageSeconds(), readAt), Age::now));
            }
            oldestPending.register(rows, true);
        }).chain(() -> resources.all()).invoke(this::showResources)
                .chain(() -> pool.query(SqlFiles.load("outbox-backlog")).execute()).invoke(rows -> {
            Row row = rows.iterator().next();
            outbox = new Backlog(row.getLong("rows"), row.getDouble("oldest_seconds"), System.nanoTime());
        }).replaceWithVoid();
    }

    private void showResources(List<MachineResourceStore.Stored> stored) {
        long readAt = System.nanoTime();
        Map<Resource, List<MultiGauge.Row<?>>> values = new EnumMap<>(Resource.class);
        List<MultiGauge.Row<?>> over = new ArrayList<>();
        List<MultiGauge.Row<?>> ages = new ArrayList<>();
        for (MachineResourceStore.Stored s : stored) {
            Tags machine = Tags.of("team", s.team(), "machine", s.sample().machine());
            for (Resource resource : Resource.values()) {
                values.computeIfAbsent(resource, r -> new ArrayList<>()).add(MultiGauge.Row.of(machine, resource.value(s.sample())));
            }
            s.over().forEach(resource -> over.add(MultiGauge.Row.of(machine.and("resource", resource.name()), 1)));
            double age = Math.max(0, (System.currentTimeMillis() - s.sample().sampledAt().toEpochMilli()) / 1000.0);
            ages.add(MultiGauge.Row.of(machine, new Age(age, readAt), Age::now));
        }
        resourceValues.forEach((resource, gauge) -> gauge.register(values.getOrDefault(resource, List.of()), true));
        resourcesOver.register(over, true);
        resourcesAge.register(ages, true);
    }
}
