package com.rediacc.e2e;

import com.rediacc.contract.events.Topics;
import com.rediacc.testsupport.Await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** Shared pieces of the crash and chaos tests: fast settings, partition-aware names, audits. */
final class CrashSupport {
    /** Short leases and a fast sweeper, so a lost bridge is noticed within seconds. */
    static final Map<String, String> FAST_QUEUE = Map.of(
            "REDIACC_LEASE_DURATION", "5s",
            "REDIACC_SWEEPER_INTERVAL", "500ms",
            "REDIACC_SWEEPER_READY_FOR", "1s");
    static final Map<String, String> FAST_BRIDGE = Map.of(
            "REDIACC_BRIDGE_BATCH_SIZE", "8",
            "REDIACC_BRIDGE_HEARTBEAT_EVERY", "1s");

    private CrashSupport() {
    }

    /** The partition of the dispatch topic a key goes to (Kafka's default partitioner: murmur2). */
    static int partition(String key, int partitions) {
        return (murmur2(key.getBytes(StandardCharsets.UTF_8)) & 0x7fffffff) % partitions;
    }

    /** One machine name {@code prefix-N} per requested partition, in the order asked. */
    static List<String> machinesOnPartitions(String prefix, int... partitions) {
        List<String> names = new ArrayList<>();
        for (int wanted : partitions) {
            for (int n = 0; ; n++) {
                String name = prefix + "-" + n;
                if (!names.contains(name) && partition(name, Topics.DISPATCH_PARTITIONS) == wanted) {
                    names.add(name);
                    break;
                }
            }
        }
        return names;
    }

    /** org.apache.kafka.common.utils.Utils#murmur2. */
    static int murmur2(byte[] data) {
        int length = data.length;
        int m = 0x5bd1e995;
        int r = 24;
        int h = 0x9747b28c ^ length;
        int length4 = length / 4;
        for (int i = 0; i < length4; i++) {
            int i4 = i * 4;
            int k = (data[i4] & 0xff) + ((data[i4 + 1] & 0xff) << 8) + ((data[i4 + 2] & 0xff) << 16)
                    + ((data[i4 + 3] & 0xff) << 24);
            k *= m;
            k ^= k >>> r;
            k *= m;
            h *= m;
            h ^= k;
        }
        switch (length % 4) {
            case 3:
                h ^= (data[(length & ~3) + 2] & 0xff) << 16;
            case 2:
                h ^= (data[(length & ~3) + 1] & 0xff) << 8;
            case 1:
                h ^= data[length & ~3] & 0xff;
                h *= m;
            default:
        }
        h ^= h >>> 13;
        h *= m;
        h ^= h >>> 15;
        return h;
    }

    /** How often each line occurs in the files of {@code dir}: the remote side's record of what ran. */
    static Map<String, Integer> remoteLines(Path dir) throws IOException {
        Map<String, Integer> counts = new HashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                for (String line : Files.readAllLines(file)) {
                    if (!line.isBlank()) {
                        counts.merge(line.trim(), 1, Integer::sum);
                    }
                }
            }
        }
        return counts;
    }

    /** One task as its row and history tell it. */
    record Audit(String id, String machine, String status, boolean resumable, String error, int attempts,
                 int terminalTransitions, int starts, int interrupted, int restoredBeforeStart,
                 List<String> claimers, Instant reapedAt, Instant endedAt) {
    }

    private static final String AUDIT = """
            SELECT t.task_id::text AS id, t.machine, t.status, t.resumable, t.error, t.attempts,
                   count(*) FILTER (WHERE h.to_status IN ('COMPLETED', 'FAILED', 'CANCELLED')) AS terminal,
                   count(*) FILTER (WHERE h.to_status = 'PROCESSING') AS starts,
                   count(*) FILTER (WHERE h.from_status = 'PROCESSING' AND h.actor = 'lease-reaper') AS interrupted,
                   count(*) FILTER (WHERE h.from_status = 'ASSIGNED' AND h.actor = 'lease-reaper') AS restored,
                   coalesce(string_agg(h.actor, ',' ORDER BY h.id) FILTER (WHERE h.to_status = 'ASSIGNED'), '') AS claimers,
                   max(h.at) FILTER (WHERE h.actor = 'lease-reaper') AS reaped_at,
                   max(h.at) FILTER (WHERE h.to_status IN ('COMPLETED', 'FAILED', 'CANCELLED')) AS ended_at
            FROM tasks t
            JOIN task_transitions h ON h.task_id = t.task_id
            WHERE t.task_id = ANY (?::uuid[])
            GROUP BY t.task_id
            """;

    /** Audits the tasks {@code ids} in one query on the queue's database. */
    static Map<String, Audit> audit(E2eStack stack, Collection<String> ids) throws Exception {
        Map<String, Audit> audits = new LinkedHashMap<>();
        try (Connection db = stack.queueDb(); PreparedStatement query = db.prepareStatement(AUDIT)) {
            Array array = db.createArrayOf("text", ids.toArray());
            query.setArray(1, array);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    String claimers = rows.getString("claimers");
                    audits.put(rows.getString("id"), new Audit(rows.getString("id"), rows.getString("machine"),
                            rows.getString("status"), rows.getBoolean("resumable"), rows.getString("error"),
                            rows.getInt("attempts"), rows.getInt("terminal"), rows.getInt("starts"),
                            rows.getInt("interrupted"), rows.getInt("restored"),
                            claimers.isEmpty() ? List.of() : List.of(claimers.split(",")),
                            instant(rows.getTimestamp("reaped_at")), instant(rows.getTimestamp("ended_at"))));
                }
            }
        }
        return audits;
    }

    /** Number of tasks per status among {@code ids}. */
    static Map<String, Integer> statusCounts(E2eStack stack, Collection<String> ids) throws Exception {
        Map<String, Integer> counts = new TreeMap<>();
        try (Connection db = stack.queueDb(); PreparedStatement query = db.prepareStatement(
                "SELECT status, count(*) FROM tasks WHERE task_id = ANY (?::uuid[]) GROUP BY status")) {
            query.setArray(1, db.createArrayOf("text", ids.toArray()));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    counts.put(rows.getString(1), rows.getInt(2));
                }
            }
        }
        return counts;
    }

    static int terminal(Map<String, Integer> counts) {
        return E2eStack.TERMINAL.stream().mapToInt(status -> counts.getOrDefault(status, 0)).sum();
    }

    /** Running tasks (ASSIGNED or PROCESSING) per lease owner (bridge id). */
    static Map<String, Integer> leasesByBridge(E2eStack stack) throws Exception {
        Map<String, Integer> leases = new TreeMap<>();
        try (Connection db = stack.queueDb(); PreparedStatement query = db.prepareStatement(
                "SELECT lease_owner, count(*) FROM tasks WHERE status IN ('ASSIGNED', 'PROCESSING') GROUP BY lease_owner");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                leases.put(rows.getString(1), rows.getInt(2));
            }
        }
        return leases;
    }

    /** Ids of the tasks bridge {@code bridgeId} holds right now, with their status. */
    static Map<String, String> leasedBy(E2eStack stack, String bridgeId) throws Exception {
        Map<String, String> leased = new HashMap<>();
        try (Connection db = stack.queueDb(); PreparedStatement query = db.prepareStatement(
                "SELECT task_id::text, status FROM tasks WHERE lease_owner = ? AND status IN ('ASSIGNED', 'PROCESSING')")) {
            query.setString(1, bridgeId);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    leased.put(rows.getString(1), rows.getString(2));
                }
            }
        }
        return leased;
    }

    /** Waits until the queue has stored the remote process group of each of {@code ids} (sent with a heartbeat). */
    static void awaitRemotePids(E2eStack stack, Collection<String> ids, Duration within) {
        Await.until("a remote pid stored for each of " + ids, within, () -> {
            try (Connection db = stack.queueDb(); PreparedStatement query = db.prepareStatement(
                    "SELECT count(*) FROM tasks WHERE task_id::text = ANY(?) AND remote_pid IS NOT NULL")) {
                query.setArray(1, db.createArrayOf("text", ids.toArray()));
                try (ResultSet rows = query.executeQuery()) {
                    rows.next();
                    return rows.getInt(1) == ids.size();
                }
            }
        }, stack::logs);
    }

    /** One lease the reaper ended: which bridge had claimed the task, when, and in which state it was lost. */
    record Reap(String taskId, String from, String claimer, Instant claimedAt, Instant reapedAt) {
    }

    private static final String REAPS = """
            SELECT r.task_id::text AS id, r.from_status, r.at AS reaped_at, c.actor AS claimer, c.at AS claimed_at
            FROM task_transitions r
            LEFT JOIN LATERAL (SELECT h.actor, h.at FROM task_transitions h
                               WHERE h.task_id = r.task_id AND h.to_status = 'ASSIGNED' AND h.id < r.id
                               ORDER BY h.id DESC LIMIT 1) c ON true
            WHERE r.actor = 'lease-reaper' AND r.task_id = ANY (?::uuid[])
            ORDER BY r.id
            """;

    /** Every lease expiry among the tasks {@code ids}. */
    static List<Reap> reaps(E2eStack stack, Collection<String> ids) throws Exception {
        List<Reap> reaps = new ArrayList<>();
        try (Connection db = stack.queueDb(); PreparedStatement query = db.prepareStatement(REAPS)) {
            query.setArray(1, db.createArrayOf("text", ids.toArray()));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    reaps.add(new Reap(rows.getString("id"), rows.getString("from_status"), rows.getString("claimer"),
                            instant(rows.getTimestamp("claimed_at")), instant(rows.getTimestamp("reaped_at"))));
                }
            }
        }
        return reaps;
    }

    /** Tasks bridge {@code bridgeId} holds now in one of {@code statuses} that it claimed after {@code since}. */
    static int heldSince(E2eStack stack, String bridgeId, Instant since, String... statuses) throws Exception {
        try (Connection db = stack.queueDb(); PreparedStatement query = db.prepareStatement(
                "SELECT count(*) FROM tasks WHERE lease_owner = ? AND status = ANY (?) AND assigned_at > ?")) {
            query.setString(1, bridgeId);
            query.setArray(2, db.createArrayOf("text", statuses));
            query.setTimestamp(3, Timestamp.from(since));
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    /**
     * Waits until every task of {@code ids} is terminal, for as long as tasks keep ending: how long the
     * whole takes is the machine's business. Fails, with the counts and the service logs, once none
     * has ended for {@link Progress#STALL}.
     */
    static Duration awaitAllTerminal(E2eStack stack, Collection<String> ids) {
        long start = System.nanoTime();
        Progress ending = new Progress("tasks ending");
        Await.until("all of " + ids.size() + " tasks terminal", Progress.OVERALL, () -> statusCounts(stack, ids), counts -> {
            ending.observe(terminal(counts), () -> "not all of " + ids.size() + " tasks terminal: " + counts + "\n" + stack.logs());
            return terminal(counts) == ids.size();
        }, stack::logs);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** A count that must keep growing: a wait on it fails only once it has not grown for {@link #STALL}. */
    static final class Progress {
        /** No growth for this long on a busy machine means the system is stuck. */
        static final Duration STALL = Duration.ofMinutes(2);
        /** Only a limit for waits that make progress forever. */
        static final Duration OVERALL = Duration.ofMinutes(30);

        private final String what;
        private int highest = Integer.MIN_VALUE;
        private long grewAt = System.nanoTime();

        Progress(String what) {
            this.what = what;
        }

        /** Notes {@code count}; fails with {@code state} once it has not grown for {@link #STALL}. */
        void observe(int count, Supplier<String> state) {
            long now = System.nanoTime();
            if (count > highest) {
                highest = count;
                grewAt = now;
            } else if (now - grewAt > STALL.toNanos()) {
                throw new AssertionError("no progress (" + what + ") for " + STALL + ": " + state.get());
            }
        }
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
