package com.rediacc.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The queue's own cost per task (issue 22), with a machine that costs next to nothing per command
 * ({@link BenchSshServer}, in this process): {@code --queue-cost-machines} (200) machines on it with
 * maxConcurrency 4, served by the stack's bridge and a second bridge-service started here with the
 * first one's command line and environment (dev/lib/services.sh's config) on a free port.
 * <ol>
 *   <li>ceiling: exec channels per second from this process over pooled sessions to the same server
 *       (8 sessions, 4 channels each, the bridge's wrapper around {@code true}), measured right before
 *       and right after the saturated window;</li>
 *   <li>saturated: the machines kept busy (tasks created in batches of one per machine while fewer
 *       than two per machine are outstanding); tasks per second that ran, and the CPU of every stack
 *       process but the SSH server (queue-service, both bridges, vault-service, Kafka, PostgreSQL)
 *       per task, with PostgreSQL's commits, rows and WAL per task;</li>
 *   <li>half rate: tasks created at half the saturated rate; created -> PROCESSING ({@code startedAt -
 *       createdAt}, both the server's clock) p50 and p99.</li>
 * </ol>
 * At the end every task of the run must have COMPLETED; the machines are deleted, the second bridge
 * and the server are stopped.
 */
final class QueueCost {
    static final String PHASE = "queueCost";
    private static final int SLOTS_PER_MACHINE = 4;
    private static final int CEILING_SESSIONS = 8;
    /** The most a backlog of the saturated window may take to run once the creating stops. */
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(180);
    private static final String SECOND_BRIDGE = "bridge-service-2";
    private static final List<String> STACK = List.of("queue-service", "bridge-service", SECOND_BRIDGE, "vault-service",
            "kafka", "postgres");

    private final QueueApi api;
    private final Map<String, Long> stackPids;
    private final PgStats pg;
    private final Profiler profiler;
    private final String runId;
    private final int machineCount;
    private final int warmupSeconds;
    private final int seconds;
    private final int sessionMachines;
    private final int loadedFinished;
    private final int loadedPending;
    private final int loadedMachines;
    private final Path workDir;
    private final List<String> machines = new ArrayList<>();
    private final AtomicLong created = new AtomicLong();
    private TaskCalls counters;

    QueueCost(QueueApi api, Map<String, Long> stackPids, PgStats pg, Profiler profiler, String runId,
              Map<String, String> opts) {
        this.api = api;
        this.stackPids = stackPids;
        this.pg = pg;
        this.profiler = profiler;
        this.runId = runId;
        this.machineCount = Bench.intOpt(opts, "queue-cost-machines", 200);
        this.warmupSeconds = Bench.intOpt(opts, "queue-cost-warmup-seconds", 30);
        this.seconds = Bench.intOpt(opts, "queue-cost-seconds", 30);
        this.sessionMachines = Bench.intOpt(opts, "queue-cost-session-machines", 1000);
        this.loadedFinished = Bench.intOpt(opts, "queue-cost-loaded-finished", 1_000_000);
        this.loadedPending = Bench.intOpt(opts, "queue-cost-loaded-pending", 100_000);
        this.loadedMachines = Bench.intOpt(opts, "queue-cost-loaded-machines", 1000);
        this.workDir = Path.of(opts.getOrDefault("work-dir", System.getProperty("java.io.tmpdir")));
    }

    Map<String, Object> settings() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("machines", machineCount);
        s.put("maxConcurrency", SLOTS_PER_MACHINE);
        s.put("warmupSeconds", warmupSeconds);
        s.put("seconds", seconds);
        s.put("ceilingSessions", CEILING_SESSIONS);
        s.put("sessionMachines", sessionMachines);
        s.put("loadedTables", Map.of("finishedTasks", loadedFinished, "pendingTasks", loadedPending, "pausedMachines", loadedMachines));
        return s;
    }

    /** The table's rows of this phase: the goals (2 ms, 1,000/s, 50% of the ceiling, p99 < 50 ms). */
    static List<Map<String, Object>> rows(Object phase) {
        if (!(phase instanceof Map<?, ?> q) || !(q.get("saturated") instanceof Map<?, ?> sat)) {
            return List.of(Table.row("queue cost: not measured", null, "", "<= 2 ms, >= 1,000/s", null));
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        String setup = q.get("machines") + " machines x " + q.get("maxConcurrency") + ", 2 bridges";
        double cpuMs = (Double) sat.get("stackCpuMsPerTask");
        rows.add(Table.row("queue cost: stack CPU per task but the SSH server (" + setup + ")", cpuMs, " ms", "<= 2 ms", cpuMs <= 2));
        double rate = (Double) sat.get("tasksPerSecond");
        rows.add(Table.row("queue cost: sustained tasks/s (" + setup + ")", rate, "/s", ">= 1000/s", rate >= 1000));
        double ceiling = (Double) q.get("ceilingCommandsPerSecond");
        rows.add(Table.row("queue cost: ceiling, exec channels/s (" + CEILING_SESSIONS + " pooled sessions x "
                + SLOTS_PER_MACHINE + ")", ceiling, "/s", null, null));
        double ratio = (Double) q.get("ratioToCeiling");
        rows.add(Table.row("queue cost: tasks/s / ceiling", 100 * ratio, "%", ">= 50%", ratio >= 0.5));
        if (q.get("halfRate") instanceof Map<?, ?> half && half.get("createdToProcessingMs") instanceof Map<?, ?> lat
                && lat.get("p99") instanceof Double p99) {
            rows.add(Table.row("queue cost: created -> PROCESSING p50 at " + half.get("targetTasksPerSecond") + " tasks/s",
                    (Double) lat.get("p50"), " ms", null, null));
            rows.add(Table.row("queue cost: created -> PROCESSING p99 at " + half.get("targetTasksPerSecond") + " tasks/s",
                    p99, " ms", "< 50 ms", p99 < 50));
            for (String leg : List.of("createdToAssignedMs", "assignedToProcessingMs")) {
                if (half.get(leg) instanceof Map<?, ?> part && part.get("p99") instanceof Double legP99) {
                    rows.add(Table.row("queue cost: of which " + (leg.startsWith("created") ? "created -> ASSIGNED" : "ASSIGNED -> PROCESSING")
                            + " p99 (p50 " + part.get("p50") + " ms)", legP99, " ms", null, null));
                }
            }
        } else {
            rows.add(Table.row("queue cost: created -> PROCESSING at half rate: not measured", null, "", "< 50 ms", null));
        }
        rows.addAll(loadedRows(q.get("loaded")));
        if (q.get("sessions") instanceof Map<?, ?> sessions && sessions.get("bridgeRssMiB") instanceof Double rss) {
            rows.add(Table.row("queue cost: bridge-service RSS, one bridge, " + sessions.get("sessionsOpen") + " sessions open ("
                    + sessions.get("machines") + " machines)", rss, " MiB", "< 512 MiB", rss < 512));
        } else {
            rows.add(Table.row("queue cost: bridge-service RSS with 1,000 sessions: not measured", null, "", "< 512 MiB", null));
        }
        return rows;
    }

    /** Figure 4's rows: each figure on the loaded tables, and against the empty ones (within 20%). */
    private static List<Map<String, Object>> loadedRows(Object loaded) {
        if (!(loaded instanceof Map<?, ?> l) || !(l.get("vsEmpty") instanceof Map<?, ?> vs) || !(l.get("tables") instanceof Map<?, ?> t)) {
            return List.of(Table.row("queue cost, loaded tables: not measured", null, "", "within 20% of empty", null));
        }
        String tables = String.format("%,d finished + %,d PENDING on %s machines", t.get("finishedTasks"), t.get("pendingTasks"),
                String.valueOf(t.get("machines")).split(" ")[0]);
        List<Map<String, Object>> rows = new ArrayList<>();
        double cpu = (Double) vs.get("stackCpuMsPerTask");
        double rate = (Double) vs.get("tasksPerSecond");
        double p99 = (Double) vs.get("createdToProcessingP99");
        rows.add(Table.row("queue cost, loaded tables (" + tables + "): stack CPU per task, loaded / empty (after)", 100 * cpu, "%",
                "<= 120%", cpu <= 1.2));
        rows.add(Table.row("queue cost, loaded tables: tasks/s, loaded / empty (after)", 100 * rate, "%", ">= 80%", rate >= 0.8));
        rows.add(Table.row("queue cost, loaded tables: created -> PROCESSING p99, loaded / empty (after)", 100 * p99, "%", "<= 120%",
                p99 <= 1.2));
        return rows;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> run() throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        Path keyFile = Path.of(Bench.env("DEMO_SSH_KEY_FILE"));
        String user = Bench.env("DEMO_SSH_USER");
        KeyPair identity = RawSsh.identity(keyFile);
        try (TaskCalls calls = new TaskCalls(Bench.env("REDIACC_URL"), Bench.env("KAFKA_BOOTSTRAP_SERVERS"));
             BenchSshServer server = new BenchSshServer(user, identity.getPublic(), Math.max(machineCount, sessionMachines));
             SecondBridge bridge2 = SecondBridge.start(stackPids.get("bridge-service"), workDir.resolve("bridge-service-2.log"))) {
            Map<String, Long> pids = new LinkedHashMap<>();
            for (String name : STACK) {
                Long pid = name.equals(SECOND_BRIDGE) ? Long.valueOf(bridge2.pid()) : stackPids.get(name);
                if (pid != null) {
                    pids.put(name, pid);
                }
            }
            Cpu cpu = new Cpu(pids);
            counters = calls;
            try {
                out.put("server", "127.0.0.1:" + server.port() + " (in the benchmark's JVM, " + server.hostKeyLine().split(" ")[0] + ")");
                out.put("secondBridge", Map.of("pid", bridge2.pid(), "port", bridge2.port()));
                out.put("machines", machineCount);
                out.put("maxConcurrency", SLOTS_PER_MACHINE);
                register(server, user, machineCount);
                out.put("machineNames", machines.getFirst() + " .. " + machines.getLast());

                Log.info("queue cost: warm-up, %d s saturated", warmupSeconds);
                out.put("warmup", saturated(server, cpu, warmupSeconds, null));
                waitDrained(server, DRAIN_LIMIT);
                out.put("ceilingBefore", ceiling(server, user, keyFile));
                Map<String, Object> saturated = saturated(server, cpu, seconds, PHASE);
                out.put("saturated", saturated);
                waitDrained(server, DRAIN_LIMIT);
                out.put("ceilingAfter", ceiling(server, user, keyFile));
                double ceiling = ((Double) ((Map<?, ?>) out.get("ceilingBefore")).get("commandsPerSecond")
                        + (Double) ((Map<?, ?>) out.get("ceilingAfter")).get("commandsPerSecond")) / 2;
                out.put("ceilingCommandsPerSecond", Stats.round(ceiling));
                double rate = (Double) saturated.get("tasksPerSecond");
                out.put("ratioToCeiling", Stats.round(rate / ceiling));
                out.put("halfRate", halfRate(server, cpu, rate / 2, seconds));
                if (loadedFinished + loadedPending > 0) {
                    out.put("loaded", loaded(server, cpu, saturated, (Map<String, Object>) out.get("halfRate"), rate / 2));
                }
                out.put("rssMiB", Map.of("bridge-service", rssMiB(stackPids.get("bridge-service")), SECOND_BRIDGE, rssMiB(bridge2.pid())));
                out.put("sessions", sessions(server, user, bridge2));
                out.put("endStates", endStates());
            } finally {
                out.put("machinesDeleted", deleteMachines(server));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------ machines

    /** Registers machines on the server until there are {@code count}. */
    private void register(BenchSshServer server, String user, int count) throws Exception {
        String prefix = "bench-qc-" + runId + "-";
        List<String> added = new ArrayList<>();
        for (int i = machines.size(); i < count; i++) {
            added.add(prefix + String.format("%03d", i));
        }
        Log.info("queue cost: registering %d machines %s... on 127.1.x.y:%d (maxConcurrency %d)", added.size(), prefix,
                server.port(), SLOTS_PER_MACHINE);
        machines.addAll(added);
        Parallel.Outcome registered = Parallel.forEach(added, 8, Duration.ofSeconds(300), name ->
                api.registerMachine(name, "default", BenchSshServer.address(machines.indexOf(name)), server.port(), user,
                        server.hostKeyLine(), "demo-01", SLOTS_PER_MACHINE));
        if (!registered.complete()) {
            throw new IllegalStateException("registering the machines: " + registered.describe());
        }
    }

    /** Deletes the machines once their tasks ran (pauses those it cannot delete). */
    private int deleteMachines(BenchSshServer server) {
        try {
            waitDrained(server, DRAIN_LIMIT);
        } catch (Exception e) {
            Log.info("queue cost: %s; their machines are paused", e.getMessage());
        }
        AtomicInteger deleted = new AtomicInteger();
        try {
            Parallel.forEach(machines, 8, Duration.ofSeconds(600), name -> {
                if (api.delete("/api/v1/machines/" + name).status() == 204) {
                    deleted.incrementAndGet();
                } else {
                    api.pause(name);
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Log.info("queue cost: %d of %d machines deleted (the others paused)", deleted.get(), machines.size());
        return deleted.get();
    }

    // ------------------------------------------------------------------------------ the figures

    /**
     * The stack's bridge alone (the second one stopped: its partitions move to the first) runs one
     * task on each of {@code --queue-cost-session-machines} (1,000) machines; its RSS with their
     * sessions open (pooled sessions close after 5 idle minutes, rediacc.bridge.ssh.idle-timeout).
     */
    private Map<String, Object> sessions(BenchSshServer server, String user, SecondBridge bridge2) throws Exception {
        bridge2.close();
        register(server, user, sessionMachines);
        Log.info("queue cost: one task on each of %d machines, the stack's bridge alone", machines.size());
        for (int from = 0; from < machines.size(); from += 1000) {
            int n = Math.min(1000, machines.size() - from);
            createBatch(batchBody(n, from), n);
        }
        waitDrained(server, DRAIN_LIMIT);
        Long pid = stackPids.get("bridge-service");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("machines", machines.size());
        out.put("sessionsOpen", server.sessionsOpen());
        out.put("bridgeRssMiB", rssMiB(pid));
        out.put("bridgePeakRssMiB", Stats.round(status(pid, "VmHWM:") / 1024.0));
        out.put("bridgeThreads", status(pid, "Threads:"));
        Log.info("queue cost: %d sessions open, the stack's bridge at %s MiB RSS", server.sessionsOpen(), out.get("bridgeRssMiB"));
        return out;
    }

    /** Exec channels per second over pooled sessions to the server, 4 at once on each (the bridge's wrapper around true). */
    private Map<String, Object> ceiling(BenchSshServer server, String user, Path keyFile) throws Exception {
        int perSession = 2000 / CEILING_SESSIONS;
        List<RawSsh> sessions = new ArrayList<>();
        try {
            for (int i = 0; i < CEILING_SESSIONS; i++) {
                sessions.add(new RawSsh(user, server.port(), server.hostKeyLine(), keyFile));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            for (RawSsh s : sessions) {
                s.run(BenchSshServer.bridgeWrapped("true"), 50, SLOTS_PER_MACHINE, deadline); // warm-up
            }
            List<Map<String, Object>> runs = new ArrayList<>();
            long t0 = System.nanoTime();
            Parallel.forEach(sessions, CEILING_SESSIONS, Duration.ofSeconds(90), s -> {
                Map<String, Object> r = s.run(BenchSshServer.bridgeWrapped("true"), perSession, SLOTS_PER_MACHINE,
                        System.nanoTime() + Duration.ofSeconds(60).toNanos());
                synchronized (runs) {
                    runs.add(r);
                }
            });
            double secs = (System.nanoTime() - t0) / 1e9;
            int completed = runs.stream().mapToInt(r -> (Integer) r.get("completed")).sum();
            int failed = runs.stream().mapToInt(r -> (Integer) r.get("failed")).sum();
            if (failed > 0 || completed < perSession * CEILING_SESSIONS) {
                throw new IllegalStateException("ceiling: " + completed + " commands succeeded, " + failed + " failed");
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("sessions", CEILING_SESSIONS);
            out.put("channelsPerSession", SLOTS_PER_MACHINE);
            out.put("commands", completed);
            out.put("commandsPerSecond", Stats.round(completed / secs));
            Log.info("queue cost: ceiling %.0f exec channels/s (%d sessions x %d channels)", completed / secs,
                    CEILING_SESSIONS, SLOTS_PER_MACHINE);
            return out;
        } finally {
            sessions.forEach(RawSsh::close);
        }
    }

    /**
     * The machines kept busy for {@code secs}: a batch of one task per machine is created whenever
     * fewer than two per machine are outstanding (created, not yet run by the server): every machine
     * has work ready, and the backlog runs in well under a second at the goal's 1,000 tasks/s.
     */
    @SuppressWarnings("unchecked")
    private Map<String, Object> saturated(BenchSshServer server, Cpu cpu, int secs, String profileLabel) throws Exception {
        long limit = 2L * machineCount;
        String body = batchBody();
        Map<String, Long> pgA = pg.snapshot();
        Map<String, Double> countersA = counters.snapshot();
        Cpu.Snapshot a = cpu.snapshot();
        long benchCpuA = benchCpuNanos();
        long ranA = server.tasksRun();
        long createdA = created.get();
        if (profileLabel != null && profiler != null) {
            profiler.start(profileLabel);
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(secs);
        while (System.nanoTime() < end) {
            if (created.get() - server.tasksRun() < limit) {
                createBatch(body, machineCount);
            } else {
                Thread.sleep(2);
            }
        }
        long ran = server.tasksRun() - ranA;
        Cpu.Snapshot b = cpu.snapshot();
        long benchCpuB = benchCpuNanos();
        Map<String, Long> pgB = pg.snapshot();
        Map<String, Double> countersB = counters.snapshot();
        if (profileLabel != null && profiler != null) {
            profiler.stop(profileLabel);
        }
        Map<String, Object> out = figures(a, b, pgA, pgB, countersA, countersB, (int) ran, benchCpuB - benchCpuA);
        out.put("created", created.get() - createdA);
        out.put("outstandingLimit", limit);
        Log.info("queue cost: %d tasks ran in %d s: %s tasks/s, %s ms of stack CPU per task (%s)", ran, secs,
                out.get("tasksPerSecond"), out.get("stackCpuMsPerTask"), Cpu.perTask((Map<String, Object>) out.get("cpu")));
        return out;
    }

    /**
     * Figure 4: the saturated and half-rate runs again with {@link LoadedTables} in the tables (a
     * short saturated warm-up first: the seed's ANALYZE made every plan again), then once more
     * after the rows were removed and the tables vacuumed. Loaded is compared with that last run
     * (the goal: within 20%): the first, before the seed, is the JIT's least settled, and
     * a comparison with it alone favoured whatever ran after it (a loaded run 22% faster, seen).
     */
    private Map<String, Object> loaded(BenchSshServer server, Cpu cpu, Map<String, Object> emptyBefore,
                                       Map<String, Object> emptyBeforeHalfRate, double halfRateTarget) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        LoadedTables tables = LoadedTables.seed(runId, machines.getFirst(), loadedMachines, loadedFinished, loadedPending);
        try (tables) {
            Log.info("queue cost on the loaded tables: warm-up, 10 s saturated");
            saturated(server, cpu, 10, null);
            waitDrained(server, DRAIN_LIMIT);
            out.put("saturated", saturated(server, cpu, seconds, null));
            waitDrained(server, DRAIN_LIMIT);
            out.put("halfRate", halfRate(server, cpu, halfRateTarget, seconds));
        } finally {
            out.put("tables", tables.describe());
        }
        Log.info("queue cost on the tables without the loaded rows (removed, vacuumed)");
        Map<String, Object> emptyAfter = new LinkedHashMap<>();
        emptyAfter.put("saturated", saturated(server, cpu, seconds, null));
        waitDrained(server, DRAIN_LIMIT);
        emptyAfter.put("halfRate", halfRate(server, cpu, halfRateTarget, seconds));
        out.put("emptyAfter", emptyAfter);
        out.put("vsEmpty", against(out, emptyAfter));
        out.put("vsEmptyBefore", against(out, Map.of("saturated", emptyBefore, "halfRate", emptyBeforeHalfRate)));
        Log.info("queue cost, loaded tables against empty (after): %s; against empty (before): %s", out.get("vsEmpty"),
                out.get("vsEmptyBefore"));
        return out;
    }

    /** Each figure of {@code loaded} / the same of {@code empty}. */
    private static Map<String, Object> against(Map<String, Object> loaded, Map<String, Object> empty) {
        Map<String, Object> vs = new LinkedHashMap<>();
        vs.put("stackCpuMsPerTask", ratio(loaded.get("saturated"), empty.get("saturated"), "stackCpuMsPerTask"));
        vs.put("tasksPerSecond", ratio(loaded.get("saturated"), empty.get("saturated"), "tasksPerSecond"));
        vs.put("createdToProcessingP99", ratio(p99(loaded.get("halfRate")), p99(empty.get("halfRate")), "p99"));
        return vs;
    }

    private static Object p99(Object halfRate) {
        return ((Map<?, ?>) halfRate).get("createdToProcessingMs");
    }

    /** loaded / empty of one figure, or NaN when either was not measured. */
    private static double ratio(Object loaded, Object empty, String figure) {
        if (((Map<?, ?>) loaded).get(figure) instanceof Double l && ((Map<?, ?>) empty).get(figure) instanceof Double e && e > 0) {
            return Stats.round(l / e);
        }
        return Double.NaN;
    }

    /** Tasks created at {@code rate} per second for {@code secs} (a batch every 20 ms); created -> PROCESSING. */
    private Map<String, Object> halfRate(BenchSshServer server, Cpu cpu, double rate, int secs) throws Exception {
        Log.info("queue cost: %.0f tasks/s (half the saturated rate) for %d s", rate, secs);
        Instant from = Instant.now();
        Map<String, Long> pgA = pg.snapshot();
        Map<String, Double> countersA = counters.snapshot();
        Cpu.Snapshot a = cpu.snapshot();
        long benchCpuA = benchCpuNanos();
        long ranA = server.tasksRun();
        long t0 = System.nanoTime();
        long tick = TimeUnit.MILLISECONDS.toNanos(20);
        long sent = 0;
        for (long next = t0; next < t0 + TimeUnit.SECONDS.toNanos(secs); next += tick) {
            long due = (long) ((next - t0 + tick) / 1e9 * rate) - sent;
            if (due > 0) {
                createBatch(batchBody((int) Math.min(due, machineCount), sent), (int) Math.min(due, machineCount));
                sent += Math.min(due, machineCount);
            }
            long wait = next + tick - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
        }
        Instant to = Instant.now();
        waitDrained(server, DRAIN_LIMIT);
        Cpu.Snapshot b = cpu.snapshot();
        Map<String, Long> pgB = pg.snapshot();
        Map<String, Object> out = figures(a, b, pgA, pgB, countersA, counters.snapshot(), (int) (server.tasksRun() - ranA),
                benchCpuNanos() - benchCpuA);
        out.put("targetTasksPerSecond", Stats.round(rate));
        out.put("created", sent);
        out.putAll(createdToProcessing(from, to));
        Log.info("queue cost: created -> PROCESSING at %.0f tasks/s: %s (created -> ASSIGNED %s, ASSIGNED -> PROCESSING %s)",
                rate, out.get("createdToProcessingMs"), out.get("createdToAssignedMs"), out.get("assignedToProcessingMs"));
        return out;
    }

    private Map<String, Object> figures(Cpu.Snapshot a, Cpu.Snapshot b, Map<String, Long> pgA, Map<String, Long> pgB,
                                        Map<String, Double> countersA, Map<String, Double> countersB, int ran, long benchCpuNanos) {
        Map<String, Object> out = new LinkedHashMap<>();
        double secs = (b.nanoTime() - a.nanoTime()) / 1e9;
        out.put("seconds", Stats.round(secs));
        out.put("tasksRun", ran);
        out.put("tasksPerSecond", Stats.round(ran / secs));
        Map<String, Object> between = Cpu.between(a, b, ran);
        out.put("stackCpuMsPerTask", between.get("stackCpuMsPerTask"));
        out.put("cpu", between);
        out.put("benchProcessCpuMsPerTask", ran > 0 ? Stats.round(benchCpuNanos / 1e6 / ran) : Double.NaN);
        out.put("postgres", PgStats.between(pgA, pgB, ran));
        out.put("counters", TaskCalls.between(countersA, countersB, ran));
        return out;
    }

    // ------------------------------------------------------------------------------ helpers

    private String batchBody() {
        return batchBody(machineCount, 0);
    }

    /** {@code n} tasks of {@code true}, one per machine from machine {@code offset} on (round robin). */
    private String batchBody(int n, long offset) {
        StringBuilder sb = new StringBuilder("{\"tasks\":[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append(QueueApi.taskBody(machines.get((int) ((offset + i) % machines.size())), "true", 3));
        }
        return sb.append("]}").toString();
    }

    private void createBatch(String body, int n) throws IOException, InterruptedException {
        QueueApi.Reply reply = api.post("/api/v1/tasks/batch", body);
        if (reply.status() != 200) {
            throw new IllegalStateException("POST /api/v1/tasks/batch: HTTP " + reply.status() + ": " + QueueApi.abbreviate(reply.body()));
        }
        int ok = 0;
        for (JsonNode r : reply.json(api.json).path("results")) {
            if (r.path("status").asInt() == 201) {
                ok++;
            }
        }
        if (ok != n) {
            throw new IllegalStateException("POST /api/v1/tasks/batch: " + ok + " of " + n + " created: "
                    + QueueApi.abbreviate(reply.body()));
        }
        created.addAndGet(n);
    }

    /** Waits until the server has run every task created (or {@code max} passed). */
    private void waitDrained(BenchSshServer server, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (server.tasksRun() < created.get() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        if (server.tasksRun() < created.get()) {
            throw new IllegalStateException(created.get() - server.tasksRun() + " tasks not run within " + max);
        }
    }

    /** Created -> PROCESSING, and its two legs: to the claim (relay, wake-up, claimer) and from it (start report). */
    private Map<String, Object> createdToProcessing(Instant from, Instant to) throws IOException, InterruptedException {
        String sql = "SELECT extract(epoch FROM started_at - created_at) * 1000, extract(epoch FROM assigned_at - created_at) * 1000, "
                + "extract(epoch FROM started_at - assigned_at) * 1000 FROM tasks WHERE machine LIKE '"
                + "bench-qc-" + runId + "-%' AND created_at BETWEEN '" + from + "' AND '" + to + "' AND started_at IS NOT NULL";
        List<Double> total = new ArrayList<>(), toClaim = new ArrayList<>(), toStart = new ArrayList<>();
        for (String line : psql(sql)) {
            String[] f = line.split("\\|");
            total.add(Double.parseDouble(f[0]));
            toClaim.add(Double.parseDouble(f[1]));
            toStart.add(Double.parseDouble(f[2]));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("createdToProcessingMs", Stats.summary(total));
        out.put("createdToAssignedMs", Stats.summary(toClaim));
        out.put("assignedToProcessingMs", Stats.summary(toStart));
        return out;
    }

    /** How the run's tasks ended (every one should be COMPLETED). */
    private Map<String, Object> endStates() throws IOException, InterruptedException {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String line : psql("SELECT status, count(*) FROM tasks WHERE machine LIKE 'bench-qc-" + runId + "-%' GROUP BY status")) {
            String[] f = line.split("\\|");
            out.put(f[0], Long.parseLong(f[1]));
        }
        if (out.size() != 1 || !out.containsKey("COMPLETED")) {
            throw new IllegalStateException("not every task COMPLETED: " + out);
        }
        if ((Long) out.get("COMPLETED") != created.get()) {
            throw new IllegalStateException(out.get("COMPLETED") + " COMPLETED of " + created.get() + " created");
        }
        return out;
    }

    static List<String> psql(String sql) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Bench.env("BENCH_PSQL"), "-X", "-A", "-t", "-c", sql).redirectErrorStream(true).start();
        List<String> lines = new String(p.getInputStream().readAllBytes()).lines().filter(l -> !l.isBlank()).toList();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("psql failed: " + String.join("\n", lines));
        }
        return lines;
    }

    private static long benchCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static double rssMiB(Long pid) {
        return Stats.round(status(pid, "VmRSS:") / 1024.0);
    }

    /** A number of /proc/PID/status (kB for the Vm* lines); NaN when the process is gone. */
    private static double status(Long pid, String field) {
        if (pid == null) {
            return Double.NaN;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field)) {
                    return Double.parseDouble(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    // ------------------------------------------------------------------------------ the second bridge

    /**
     * A second bridge-service: the stack bridge's command line and environment (as dev/lib/services.sh
     * started it) with another HTTP port; stopped by its PID (SIGTERM, then SIGKILL after 30 s).
     */
    record SecondBridge(Process process, int port) implements AutoCloseable {
        static SecondBridge start(Long firstPid, Path log) throws Exception {
            if (firstPid == null) {
                throw new IllegalStateException("the stack's bridge-service is not running");
            }
            List<String> command = new ArrayList<>();
            for (String arg : Files.readString(Path.of("/proc/" + firstPid + "/cmdline")).split("\0")) {
                if (!arg.startsWith("-Dstack.dir=")) { // that marks the stack's own processes (dev/lib/common.sh)
                    command.add(arg);
                }
            }
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(Path.of("/proc/" + firstPid + "/cwd").toRealPath().toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().clear();
            for (String e : Files.readString(Path.of("/proc/" + firstPid + "/environ")).split("\0")) {
                int eq = e.indexOf('=');
                if (eq > 0) {
                    builder.environment().put(e.substring(0, eq), e.substring(eq + 1));
                }
            }
            builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
            Process process = builder.start();
            SecondBridge bridge = new SecondBridge(process, port);
            Log.info("queue cost: second bridge-service started (pid %d, port %d, log %s)", process.pid(), port, log);
            try {
                QueueApi probe = new QueueApi("http://127.0.0.1:" + port, "none");
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (probe.probe("http://127.0.0.1:" + port + "/q/health/ready") != 200) {
                    if (!process.isAlive() || System.nanoTime() > deadline) {
                        throw new IllegalStateException("the second bridge-service was not ready within 90 s (see " + log + ")");
                    }
                    Thread.sleep(250);
                }
            } catch (Exception e) {
                bridge.close();
                throw e;
            }
            return bridge;
        }

        long pid() {
            return process.pid();
        }

        @Override
        public void close() throws InterruptedException {
            if (!process.isAlive()) {
                return;
            }
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            Log.info("queue cost: second bridge-service (pid %d) stopped", process.pid());
        }
    }
}
