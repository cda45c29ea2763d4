package com.rediacc.queue.machines.resources;

import com.rediacc.contract.bridge.ResourceSample;
import com.rediacc.contract.events.CloudEvent;
import com.rediacc.contract.events.Topics;
import com.rediacc.queue.QueueConfig;
import com.rediacc.queue.outbox.OutboxRepository;
import com.rediacc.queue.outbox.OutboxRepository.OutboxRow;
import com.rediacc.queue.sql.SqlFiles;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** The newest resource sample of each machine, and the alerts of the thresholds it crosses. */
@Singleton
public class MachineResourceStore {
    @Inject
    Pool pool;
    @Inject
    OutboxRepository outbox;
    @Inject
    QueueConfig config;

    /**
     * Keeps each sample that is newer than the stored one of its machine, and returns the alerts to
     * publish with it: one per threshold crossed or cleared since the stored sample.
     */
    public Uni<List<OutboxRow>> record(SqlClient tx, String bridgeId, List<ResourceSample> samples) {
        if (samples.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        Tuple names = Tuple.of(samples.stream().map(ResourceSample::machine).distinct().toArray(String[]::new));
        return tx.preparedQuery("SELECT name, team FROM machines WHERE name = ANY($1)").execute(names)
                .flatMap(teamRows -> {
                    Map<String, String> teams = new HashMap<>();
                    teamRows.forEach(row -> teams.put(row.getString("name"), row.getString("team")));
                    return tx.preparedQuery(SqlFiles.load("lock-machine-resources")).execute(names)
                            .flatMap(rows -> store(tx, bridgeId, samples, teams, rows));
                });
    }

    private Uni<List<OutboxRow>> store(SqlClient tx, String bridgeId, List<ResourceSample> samples,
                                       Map<String, String> teams, RowSet<Row> rows) {
        List<ResourceSample> known = samples.stream().filter(s -> teams.containsKey(s.machine())).toList();
        Map<String, Locked> stored = new HashMap<>();
        rows.forEach(row -> stored.put(row.getString("machine"), stored(row)));
        List<Tuple> writes = new ArrayList<>();
        List<OutboxRow> alerts = new ArrayList<>();
        for (ResourceSample sample : newestOfEach(known)) {
            Locked before = stored.get(sample.machine());
            if (before != null && !sample.sampledAt().isAfter(before.sampledAt())) {
                continue;
            }
            Set<Resource> over = over(sample);
            Set<Resource> was = before == null ? EnumSet.noneOf(Resource.class) : before.over();
            for (Resource resource : Resource.values()) {
                if (over.contains(resource) != was.contains(resource)) {
                    alerts.add(alert(sample, teams.get(sample.machine()), bridgeId, resource,
                            over.contains(resource)));
                }
            }
            writes.add(Tuple.from(List.of(sample.machine(), bridgeId, sample.sampledAt().atOffset(ZoneOffset.UTC),
                    sample.load1(), sample.load5(), sample.load15(), sample.cpus(), sample.memoryTotalBytes(),
                    sample.memoryAvailableBytes(), sample.diskTotalBytes(), sample.diskUsedBytes(),
                    over.stream().map(Resource::name).toArray(String[]::new))));
        }
        if (writes.isEmpty()) {
            return Uni.createFrom().item(List.<OutboxRow>of());
        }
        return tx.preparedQuery(SqlFiles.load("upsert-machine-resources")).executeBatch(writes)
                .replaceWith(alerts);
    }

    /** The stored resources of the named machines, by name (machines never sampled are absent). */
    public Uni<Map<String, MachineResources>> find(Collection<String> machines) {
        return pool.preparedQuery("SELECT * FROM machine_resources WHERE machine = ANY($1)")
                .execute(Tuple.of(machines.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, MachineResources> found = new HashMap<>();
                    rows.forEach(row -> found.put(row.getString("machine"), MachineResources.of(sample(row),
                            row.getString("bridge_id"), List.copyOf(stored(row).over()))));
                    return found;
                });
    }

    /** A machine's stored sample with its team, and the thresholds it is over. */
    public record Stored(String team, ResourceSample sample, Set<Resource> over) {
    }

    /** Every machine's stored sample, in one read (the metrics', every rediacc.metrics.refresh). */
    public Uni<List<Stored>> all() {
        return pool.query("SELECT r.*, m.team FROM machine_resources r JOIN machines m ON m.name = r.machine").execute()
                .map(rows -> {
                    List<Stored> all = new ArrayList<>();
                    rows.forEach(row -> all.add(new Stored(row.getString("team"), sample(row), over(row))));
                    return all;
                });
    }

    Set<Resource> over(ResourceSample sample) {
        Set<Resource> over = EnumSet.noneOf(Resource.class);
        for (Resource resource : Resource.values()) {
            if (resource.over(sample, config.resources())) {
                over.add(resource);
            }
        }
        return over;
    }

    private OutboxRow alert(ResourceSample sample, String team, String bridgeId, Resource resource, boolean high) {
        String type = high ? ResourceAlert.HIGH : ResourceAlert.CLEARED;
        return outbox.row(Topics.ALERTS, sample.machine(), CloudEvent.of(UUID.randomUUID().toString(),
                OutboxRepository.SOURCE, type, sample.machine(), Instant.now(), ResourceAlert.SCHEMA,
                new ResourceAlert(sample.machine(), team, resource, resource.value(sample),
                        resource.threshold(config.resources()), bridgeId, sample.sampledAt())));
    }

    /** A presence may carry several samples of one machine: only its newest counts. */
    private static Collection<ResourceSample> newestOfEach(List<ResourceSample> samples) {
        Map<String, ResourceSample> newest = new HashMap<>();
        for (ResourceSample s : samples) {
            newest.merge(s.machine(), s, (a, b) -> b.sampledAt().isAfter(a.sampledAt()) ? b : a);
        }
        return newest.values();
    }

    private record Locked(Instant sampledAt, Set<Resource> over) {
    }

    private static Locked stored(Row row) {
        return new Locked(row.getOffsetDateTime("sampled_at").toInstant(), over(row));
    }

    private static Set<Resource> over(Row row) {
        Set<Resource> over = EnumSet.noneOf(Resource.class);
        Arrays.stream(row.getArrayOfStrings("over")).map(Resource::valueOf).forEach(over::add);
        return over;
    }

    private static ResourceSample sample(Row row) {
        return new ResourceSample(row.getString("machine"), row.getOffsetDateTime("sampled_at").toInstant(),
                row.getDouble("load1"), row.getDouble("load5"), row.getDouble("load15"), row.getInteger("cpus"),
                row.getLong("memory_total_bytes"), row.getLong("memory_available_bytes"),
                row.getLong("disk_total_bytes"), row.getLong("disk_used_bytes"));
    }
}
