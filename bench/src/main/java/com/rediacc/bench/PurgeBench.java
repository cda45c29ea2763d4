package com.rediacc.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Issue 22's purge benchmark (bench/purge, bench/README.md "Purge"), on a dedicated database of the
 * stack's durable PostgreSQL: side by side, {@code --small} PENDING tasks cancelled by the old
 * per-id bulk cancel (POST /tasks/cancel, {@value #PER_ID_CALL} ids a call) and by the purge, alternately
 * {@code --rounds} times; then {@code --tasks} PENDING tasks (set-based SQL) on a paused machine
 * purged through the API, with the longest transaction seen (the longest any purged row stayed
 * locked, sampled every 50 ms) and the latency of claims on another machine before and during the
 * purge. Progress on stderr, the table on stdout, the JSON in --out.
 */
public final class PurgeBench {
    private static final String TEAM = "bench-purge";
    /**
     * Ids per bulk cancel call. Not the API's 1,000: a call of 1,000 starts 1,000 transactions at once,
     * and on the loaded shared machine some waited longer than the pool's 3 s acquire timeout (HTTP 500).
     */
    private static final int PER_ID_CALL = 100;

    private final Map<String, String> opts;
    private final Map<String, Object> results = new LinkedHashMap<>();
    private final List<Map<String, Object>> table = new ArrayList<>();
    private final ObjectMapper json = new ObjectMapper();
    private QueueApi api;
    private QueueApi bridge;
    private Connection db;

    private PurgeBench(Map<String, String> opts) {
        this.opts = opts;
    }

    public static void main(String[] args) {
        Bench.exit(() -> new PurgeBench(Bench.parse(args)).run());
    }

    private int run() throws Exception {
        int tasks = Bench.intOpt(opts, "tasks", 1_000_000);
        int small = Bench.intOpt(opts, "small", 20_000);
        int rounds = Bench.intOpt(opts, "rounds", 2);
        Path out = Path.of(opts.getOrDefault("out", "bench-purge.json"));
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("tasks", tasks);
        settings.put("small", small);
        settings.put("rounds", rounds);
        settings.put("gitRev", opts.getOrDefault("git-rev", "unknown"));
        results.put("settings", settings);
        results.put("startedAt", Instant.now().toString());
        results.put("loadAverageBefore", loadAverage());
        api = new QueueApi(Bench.env("QUEUE_URL"), Bench.env("BENCH_TOKEN"));
        bridge = new QueueApi(Bench.env("QUEUE_URL"), Bench.env("BENCH_BRIDGE_TOKEN"));
        db = DriverManager.getConnection("jdbc:postgresql://" + Bench.env("PGHOST") + ":" + Bench.env("PGPORT") + "/"
                + Bench.env("BENCH_DB") + "?prepareThreshold=0", Bench.env("PGUSER"), Bench.env("PGPASSWORD"));
        db.setAutoCommit(true);
        settings.put("postgres", postgresSettings());
        try (Statement s = db.createStatement()) {
            s.execute("INSERT INTO teams (name) VALUES ('" + TEAM + "') ON CONFLICT DO NOTHING");
        }
        results.put("smallSideBySide", sideBySide(small, rounds));
        results.put("million", million(tasks));
        results.put("loadAverageAfter", loadAverage());

        System.out.print(Table.format(table));
        results.put("table", table);
        results.put("endedAt", Instant.now().toString());
        Files.writeString(out, json.enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(results) + "\n");
        return 0;
    }

    /** The old per-id cancel and the purge on the same number of PENDING tasks, alternately. */
    private Map<String, Object> sideBySide(int n, int rounds) throws Exception {
        List<Double> perId = new ArrayList<>();
        List<Double> purge = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            String machine = machine("bench-purge-ids-" + round, true);
            List<String> ids = seed(machine, n);
            long t0 = System.nanoTime();
            long cancelled = 0;
            for (int i = 0; i < ids.size(); i += PER_ID_CALL) {
                cancelled += api.cancel(ids.subList(i, Math.min(ids.size(), i + PER_ID_CALL)));
            }
            perId.add(rate(cancelled, n, t0));
            machine = machine("bench-purge-filter-" + round, true);
            seed(machine, n);
            t0 = System.nanoTime();
            QueueApi.Purged purged = api.purge(Map.of("machine", machine, "status", List.of("PENDING")),
                    t0 + Duration.ofSeconds(600).toNanos());
            purge.add(rate(purged.cancelled(), n, t0));
            log("round " + round + ": per-id " + perId.getLast() + " tasks/s, purge " + purge.getLast() + " tasks/s");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tasks", n);
        out.put("perIdCallIds", PER_ID_CALL);
        out.put("perIdCancelTasksPerSecond", perId);
        out.put("purgeTasksPerSecond", purge);
        table.add(Table.row("old per-id cancel, " + n + " PENDING (median of " + rounds + ")", median(perId), "tasks/s", null, null));
        table.add(Table.row("purge, " + n + " PENDING (median of " + rounds + ")", median(purge), "tasks/s", null, null));
        return out;
    }

    /** {@code tasks} PENDING on a paused machine, purged through the API while another machine is claimed from. */
    private Map<String, Object> million(int tasks) throws Exception {
        String machine = machine("bench-purge-big", true);
        String other = machine("bench-purge-claims", false);
        Instant seedStart = Instant.now();
        seed(machine, tasks);
        seed(other, 20_000);
        try (Statement s = db.createStatement()) {
            s.execute("VACUUM (ANALYZE) tasks");
            s.execute("CHECKPOINT");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("seededSeconds", Duration.between(seedStart, Instant.now()).toMillis() / 1000.0);
        out.put("claimLatencyBeforeMs", Stats.summary(claims(other, Duration.ofSeconds(10), new AtomicBoolean(true))));

        AtomicBoolean purging = new AtomicBoolean(true);
        LongestTransaction longest = new LongestTransaction();
        Thread sampler = Thread.ofPlatform().daemon().start(() -> longest.sample(purging));
        List<Double> claimLatency = new ArrayList<>();
        Thread claimer = Thread.ofPlatform().daemon().start(() -> {
            try {
                claimLatency.addAll(claims(other, Duration.ofMinutes(10), purging));
            } catch (Exception e) {
                log("claims during the purge failed: " + e);
            }
        });
        long[] cpuBefore = machineTicks();
        long t0 = System.nanoTime();
        QueueApi.Purged purged = api.purge(Map.of("machine", machine, "status", List.of("PENDING")),
                t0 + Duration.ofSeconds(600).toNanos());
        double seconds = (System.nanoTime() - t0) / 1e9;
        long[] cpuAfter = machineTicks();
        purging.set(false);
        claimer.join();
        sampler.join();
        long left = scalar("SELECT count(*) FROM tasks WHERE machine = '" + machine + "' AND status <> 'CANCELLED'");
        out.put("cancelled", purged.cancelled());
        out.put("calls", purged.calls());
        out.put("done", purged.done());
        out.put("seconds", Stats.round(seconds));
        out.put("tasksPerSecond", Stats.round(purged.cancelled() / seconds));
        out.put("notCancelledAfter", left);
        double idleShare = (double) (cpuAfter[1] - cpuBefore[1]) / (cpuAfter[0] - cpuBefore[0]);
        out.put("machineCoresBusy", Stats.round(Runtime.getRuntime().availableProcessors() * (1 - idleShare)));
        out.put("longestTransactionSeconds", Stats.round(longest.seconds));
        out.put("claimLatencyDuringMs", Stats.summary(claimLatency));
        out.put("outboxMessages", scalar("SELECT coalesce(sum(cardinality(topics)), 0) FROM outbox"));
        out.put("outboxRows", scalar("SELECT count(*) FROM outbox"));
        out.put("historyRowsToCancelled", scalar("SELECT count(*) FROM task_history WHERE to_status = 'CANCELLED'"));
        table.add(Table.row("purge of " + tasks + " PENDING", Stats.round(seconds), "s", "< 60", seconds < 60 && left == 0));
        table.add(Table.row("purge rate", Stats.round(purged.cancelled() / seconds), "tasks/s", null, null));
        table.add(Table.row("longest task-writing transaction during the purge", Stats.round(longest.seconds * 1000), "ms", null, null));
        Map<String, Object> during = Stats.summary(claimLatency);
        table.add(Table.row("claim p99 on another machine during the purge",
                during.get("p99") instanceof Double d ? d : null, "ms", null, null));
        return out;
    }

    /** Claims one task at a time on {@code machine} and gives it back, until {@code length} passed or {@code go} is false. */
    private List<Double> claims(String machine, Duration length, AtomicBoolean go) throws Exception {
        List<Double> latencies = new ArrayList<>();
        long end = System.nanoTime() + length.toNanos();
        while (go.get() && System.nanoTime() < end) {
            long t0 = System.nanoTime();
            QueueApi.Reply reply = bridge.post("/api/v1/bridge/claims",
                    Map.of("machine", machine, "bridgeId", "bench-purge", "tags", List.of(), "max", 1));
            latencies.add((System.nanoTime() - t0) / 1e6);
            JsonNode claimed = reply.json(json);
            if (reply.status() != 200 || claimed.isEmpty()) {
                throw new IllegalStateException("claim on " + machine + ": HTTP " + reply.status() + " " + reply.body());
            }
            JsonNode task = claimed.get(0);
            QueueApi.Reply released = bridge.post("/api/v1/bridge/tasks/" + task.path("taskId").asText() + "/release",
                    Map.of("leaseToken", task.path("leaseToken").asLong()));
            if (released.status() / 100 != 2) {
                throw new IllegalStateException("release: HTTP " + released.status() + " " + released.body());
            }
        }
        return latencies;
    }

    /**
     * The longest open transaction that changes tasks (holds RowExclusiveLock on the table: the
     * purge's slices, claims; not the outbox relay, whose transaction waits for the closed Kafka
     * port): how long a purged task's row lock is held at most, sampled every 50 ms.
     */
    private final class LongestTransaction {
        double seconds;

        void sample(AtomicBoolean go) {
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + Bench.env("PGHOST") + ":"
                    + Bench.env("PGPORT") + "/" + Bench.env("BENCH_DB"), Bench.env("PGUSER"), Bench.env("PGPASSWORD"));
                 Statement s = c.createStatement()) {
                while (go.get()) {
                    try (ResultSet r = s.executeQuery("SELECT coalesce(max(extract(epoch FROM clock_timestamp() - a.xact_start)), 0) "
                            + "FROM pg_stat_activity a WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() "
                            + "AND a.xact_start IS NOT NULL AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid "
                            + "AND l.relation = 'tasks'::regclass AND l.mode = 'RowExclusiveLock')")) {
                        r.next();
                        seconds = Math.max(seconds, r.getDouble(1));
                    }
                    Thread.sleep(50); // a sampling period, not a wait for a condition
                }
            } catch (Exception e) {
                log("transaction sampler failed: " + e);
            }
        }
    }

    private String machine(String name, boolean paused) throws Exception {
        try (Statement s = db.createStatement()) {
            s.execute("INSERT INTO machines (name, team, host, port, ssh_user, host_key, credential, paused, max_concurrency) "
                    + "VALUES ('" + name + "', '" + TEAM + "', '127.0.0.1', 22, 'bench', 'ssh-ed25519 AAAA', 'none', "
                    + paused + ", 256) ON CONFLICT DO NOTHING");
        }
        return name;
    }

    /** {@code n} PENDING tasks on {@code machine}, set-based, as queued one after the other; their ids. */
    private List<String> seed(String machine, int n) throws Exception {
        List<String> ids = new ArrayList<>(n);
        try (Statement s = db.createStatement()) {
            int chunk = 100_000;
            for (int from = 0; from < n; from += chunk) {
                try (ResultSet r = s.executeQuery("INSERT INTO tasks (task_id, team, machine, command, status, priority, created_by) "
                        + "SELECT gen_random_uuid(), '" + TEAM + "', '" + machine + "', 'true', 'PENDING', 1 + i % 5, 'bench' "
                        + "FROM generate_series(1, " + Math.min(chunk, n - from) + ") i RETURNING task_id")) {
                    while (r.next()) {
                        ids.add(r.getString(1));
                    }
                }
            }
        }
        log("seeded " + n + " PENDING tasks on " + machine);
        return ids;
    }

    private Map<String, String> postgresSettings() throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        try (Statement s = db.createStatement();
             ResultSet r = s.executeQuery("SELECT name, setting FROM pg_settings WHERE name IN "
                     + "('fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers', 'max_wal_size')")) {
            while (r.next()) {
                settings.put(r.getString(1), r.getString(2));
            }
        }
        return settings;
    }

    private long scalar(String sql) throws Exception {
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    private static double rate(long cancelled, int expected, long t0) {
        if (cancelled != expected) {
            throw new IllegalStateException("cancelled " + cancelled + " of " + expected);
        }
        return Stats.round(cancelled / ((System.nanoTime() - t0) / 1e9));
    }

    private static Double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.isEmpty() ? null : sorted.get(sorted.size() / 2);
    }

    /** The machine's CPU ticks since boot, all and idle (with iowait), from /proc/stat. */
    private static long[] machineTicks() throws Exception {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
        long all = 0;
        for (int i = 1; i < f.length; i++) {
            all += Long.parseLong(f[i]);
        }
        return new long[]{all, Long.parseLong(f[4]) + Long.parseLong(f[5])};
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static void log(String message) {
        System.err.println("bench: purge: " + message);
    }
}
