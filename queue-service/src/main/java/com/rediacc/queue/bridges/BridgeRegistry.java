package com.rediacc.queue.bridges;

import com.rediacc.contract.bridge.BridgePresence;
import com.rediacc.queue.sql.SqlFiles;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** SQL adapter for the bridges' presences (table bridges) and what they hold. */
@Singleton
public class BridgeRegistry {
    @Inject
    Pool pool;

    /** Records a presence, and forgets the bridges not heard from for {@code forgetAfter}. */
    public Uni<Void> record(SqlClient tx, BridgePresence p, Duration forgetAfter) {
        return tx.preparedQuery(SqlFiles.load("upsert-bridge"))
                .execute(Tuple.tuple().addString(p.bridgeId()).addString(p.version()).addArrayOfString(strings(p.tags()))
                        .addString(p.url())
                        .addArrayOfInteger(p.partitions() == null ? new Integer[0] : p.partitions().toArray(Integer[]::new))
                        .addInteger(p.partitionCount()).addInteger(p.batchSize()).addLong(p.everyMillis()))
                .chain(() -> tx.preparedQuery("DELETE FROM bridges WHERE last_seen_at < now() - make_interval(secs => $1)")
                        .execute(Tuple.of((double) forgetAfter.toSeconds())))
                .replaceWithVoid();
    }

    /** Every bridge, by id, with the database's time of the read (their states are judged at it). */
    public Uni<Listing> list() {
        return pool.query("SELECT *, now() AS now FROM bridges ORDER BY bridge_id").execute().map(rows -> {
            List<Bridge> bridges = new ArrayList<>();
            Instant now = Instant.now();
            for (Row row : rows) {
                bridges.add(map(row));
                now = row.getOffsetDateTime("now").toInstant();
            }
            return new Listing(bridges, now);
        });
    }

    public record Listing(List<Bridge> bridges, Instant now) {
    }

    /** The tasks each named bridge holds a lease on, by bridge id. */
    public Uni<Map<String, List<HeldTask>>> running(List<String> bridgeIds) {
        return pool.preparedQuery(SqlFiles.load("running-by-bridge"))
                .execute(Tuple.of(bridgeIds.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, List<HeldTask>> byBridge = new TreeMap<>();
                    rows.forEach(row -> byBridge.computeIfAbsent(row.getString("lease_owner"), b -> new ArrayList<>())
                            .add(new HeldTask(row.getUUID("task_id"), row.getString("machine"), row.getString("team"),
                                    row.getString("status"))));
                    return byBridge;
                });
    }

    /** A task whose lease a bridge holds. */
    public record HeldTask(UUID taskId, String machine, String team, String status) {
    }

    /** The names of the machines of {@code teams}, or of every machine when it is null. */
    public Uni<List<String>> machines(List<String> teams) {
        return pool.preparedQuery("SELECT name FROM machines WHERE $1::text[] IS NULL OR team = ANY($1) ORDER BY name")
                .execute(Tuple.of(teams == null ? null : teams.toArray(String[]::new)))
                .map(rows -> {
                    List<String> names = new ArrayList<>();
                    rows.forEach(row -> names.add(row.getString("name")));
                    return names;
                });
    }

    private static Bridge map(Row row) {
        Integer[] partitions = row.getArrayOfIntegers("partitions");
        return new Bridge(row.getString("bridge_id"), row.getString("version"),
                Arrays.asList(row.getArrayOfStrings("tags")), row.getString("url"),
                partitions == null ? List.of() : Arrays.asList(partitions), row.getInteger("partition_count"),
                row.getInteger("batch_size"), Duration.ofMillis(row.getLong("every_millis")),
                row.getOffsetDateTime("last_seen_at").toInstant());
    }

    private static String[] strings(List<String> values) {
        return values == null ? new String[0] : values.toArray(String[]::new);
    }
}
