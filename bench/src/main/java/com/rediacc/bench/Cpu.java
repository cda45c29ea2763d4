package com.rediacc.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of the stack's processes from /proc, to show where the time of a phase went. A
 * component's CPU is that of its root process and every live descendant (utime + stime), plus what
 * exited children left in cutime/cstime once reaped (PostgreSQL backends, sshd's per-command shells).
 * Machine-wide busy time comes from /proc/stat, so load from outside the stack shows up as "other".
 * PostgreSQL counts only what serves the queue database (see {@link #postgresTicks}); Kafka is
 * counted whole, including other users of the dev stack's broker. For the Java services the part
 * spent by the JIT compiler threads is shown apart ({@code jitCpuMs}): a JVM compiles for minutes
 * after it starts, and a phase that runs little code at a low rate pays much of it.
 */
final class Cpu {
    /** USER_HZ: 100 on every Linux x86-64/arm64 kernel. */
    static final double TICK_MS = 10.0;

    private final Map<String, Long> roots;

    Cpu(Map<String, Long> roots) {
        this.roots = new LinkedHashMap<>(roots);
    }

    record ProcStat(long pid, long ppid, long selfTicks, long reapedTicks) {
        long ticks() {
            return selfTicks + reapedTicks;
        }
    }

    record Snapshot(long nanoTime, Map<String, Long> ticksByComponent, Map<String, Long> jitTicksByComponent,
                    long machineBusyTicks, long machineTotalTicks) {
    }

    Snapshot snapshot() {
        Map<Long, ProcStat> procs = readAll();
        Map<Long, List<Long>> children = new HashMap<>();
        for (ProcStat p : procs.values()) {
            children.computeIfAbsent(p.ppid(), k -> new ArrayList<>()).add(p.pid());
        }
        Map<String, Long> byComponent = new LinkedHashMap<>();
        Map<String, Long> jitByComponent = new LinkedHashMap<>();
        for (Map.Entry<String, Long> root : roots.entrySet()) {
            byComponent.put(root.getKey(), root.getKey().equals("postgres")
                    ? postgresTicks(root.getValue(), procs, children)
                    : subtreeTicks(root.getValue(), procs, children));
            if (root.getKey().endsWith("-service")) {
                jitByComponent.put(root.getKey(), jitTicks(root.getValue()));
            }
        }
        long[] machine = machineTicks();
        return new Snapshot(System.nanoTime(), byComponent, jitByComponent, machine[0], machine[1]);
    }

    /**
     * CPU used between two snapshots: per component in CPU-milliseconds and as cores busy on
     * average; plus the whole machine and what was not the stack ("other").
     */
    static Map<String, Object> between(Snapshot a, Snapshot b, int tasks) {
        double wallMs = (b.nanoTime() - a.nanoTime()) / 1e6;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("wallMs", Stats.round(wallMs));
        Map<String, Object> components = new LinkedHashMap<>();
        double stackMs = 0;
        for (String name : b.ticksByComponent().keySet()) {
            long before = a.ticksByComponent().getOrDefault(name, 0L);
            double ms = Math.max(0, b.ticksByComponent().get(name) - before) * TICK_MS;
            stackMs += ms;
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("cpuMs", Stats.round(ms));
            c.put("cores", Stats.round(ms / wallMs));
            if (tasks > 0) {
                c.put("cpuMsPerTask", Stats.round(ms / tasks));
            }
            Long jitAfter = b.jitTicksByComponent().get(name);
            if (jitAfter != null) {
                double jitMs = Math.max(0, jitAfter - a.jitTicksByComponent().getOrDefault(name, 0L)) * TICK_MS;
                c.put("jitCpuMs", Stats.round(jitMs));
                if (tasks > 0) {
                    c.put("jitCpuMsPerTask", Stats.round(jitMs / tasks));
                }
            }
            components.put(name, c);
        }
        out.put("components", components);
        double machineMs = (b.machineBusyTicks() - a.machineBusyTicks()) * TICK_MS;
        double totalMs = (b.machineTotalTicks() - a.machineTotalTicks()) * TICK_MS;
        out.put("machineBusyCores", Stats.round(machineMs / wallMs));
        out.put("machineCores", Runtime.getRuntime().availableProcessors());
        out.put("machineBusyPercent", totalMs > 0 ? Stats.round(100.0 * machineMs / totalMs) : Double.NaN);
        out.put("otherCores", Stats.round(Math.max(0, machineMs - stackMs) / wallMs));
        if (tasks > 0) {
            out.put("stackCpuMsPerTask", Stats.round(stackMs / tasks));
        }
        return out;
    }

    /** One line for the log: each component's CPU-ms per task, the JIT's part in brackets. */
    @SuppressWarnings("unchecked")
    static String perTask(Map<String, Object> between) {
        StringBuilder line = new StringBuilder();
        ((Map<String, Map<String, Object>>) between.get("components")).forEach((name, c) -> {
            if (c.get("cpuMsPerTask") instanceof Double ms && ms >= 0.05) {
                line.append(line.isEmpty() ? "" : ", ").append(name).append(' ').append(ms);
                if (c.get("jitCpuMsPerTask") instanceof Double jit && jit > 0) {
                    line.append(" (JIT ").append(jit).append(')');
                }
            }
        });
        return line.toString();
    }

    /** Cores used by the given components between two snapshots. */
    static double cores(Snapshot a, Snapshot b, List<String> components) {
        double wallMs = (b.nanoTime() - a.nanoTime()) / 1e6;
        double ms = 0;
        for (String name : components) {
            Long after = b.ticksByComponent().get(name);
            if (after != null) {
                ms += Math.max(0, after - a.ticksByComponent().getOrDefault(name, 0L)) * TICK_MS;
            }
        }
        return wallMs <= 0 ? 0 : ms / wallMs;
    }

    /** CPU of a JVM's JIT compiler threads ("C1 CompilerThre", "C2 CompilerThre" in /proc). */
    private static long jitTicks(long jvm) {
        long total = 0;
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(Path.of("/proc/" + jvm + "/task"))) {
            for (Path thread : threads) {
                String name;
                try {
                    name = Files.readString(thread.resolve("comm")).trim();
                } catch (IOException gone) {
                    continue;
                }
                if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                    ProcStat t = read(thread.resolve("stat"));
                    if (t != null) {
                        total += t.selfTicks();
                    }
                }
            }
        } catch (IOException e) {
            // the process is gone: no JIT time
        }
        return total;
    }

    private static long subtreeTicks(long root, Map<Long, ProcStat> procs, Map<Long, List<Long>> children) {
        if (!procs.containsKey(root)) {
            return 0;
        }
        long total = 0;
        List<Long> stack = new ArrayList<>(List.of(root));
        while (!stack.isEmpty()) {
            long pid = stack.removeLast();
            ProcStat p = procs.get(pid);
            if (p != null) {
                total += p.ticks();
            }
            stack.addAll(children.getOrDefault(pid, List.of()));
        }
        return total;
    }

    /**
     * PostgreSQL is shared with other users of the dev stack (E2E tests create their own databases):
     * count the postmaster itself, its auxiliary processes (checkpointer, WAL writer, autovacuum)
     * and the client backends of the queue database only. Backends that exited are left out (their
     * CPU lands in the postmaster's cutime, whatever their database); the services' pooled
     * connections live through a phase.
     */
    private static long postgresTicks(long root, Map<Long, ProcStat> procs, Map<Long, List<Long>> children) {
        ProcStat master = procs.get(root);
        if (master == null) {
            return 0;
        }
        long total = master.selfTicks();
        for (long child : children.getOrDefault(root, List.of())) {
            ProcStat p = procs.get(child);
            if (p == null) {
                continue;
            }
            String cmd = cmdline(child);
            boolean clientBackend = cmd.contains("(") || cmd.contains("[local]");
            if (!clientBackend || cmd.contains(" " + QUEUE_DB + " ")) {
                total += p.ticks();
            }
        }
        return total;
    }

    /** The queue database: PGDATABASE (bench/lib.sh's bench_pg_connect sets it), else the dev stack's. */
    static final String QUEUE_DB = System.getenv().getOrDefault("PGDATABASE", "rediacc_queue");

    private static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"))).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    private static Map<Long, ProcStat> readAll() {
        Map<Long, ProcStat> out = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path dir : dirs) {
                ProcStat p = read(dir.resolve("stat"));
                if (p != null) {
                    out.put(p.pid(), p);
                }
            }
        } catch (IOException e) {
            // an empty map: CPU figures become 0, the benchmark goes on
        }
        return out;
    }

    static ProcStat read(Path statFile) {
        try {
            String s = Files.readString(statFile);
            int close = s.lastIndexOf(')');
            long pid = Long.parseLong(s.substring(0, s.indexOf(' ')).trim());
            String[] f = s.substring(close + 2).split(" ");
            // f[0] = state (field 3); ppid = field 4; utime..cstime = fields 14..17
            long ppid = Long.parseLong(f[1]);
            long self = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            long reaped = Long.parseLong(f[13]) + Long.parseLong(f[14]);
            return new ProcStat(pid, ppid, self, reaped);
        } catch (IOException | RuntimeException e) {
            return null; // the process ended meanwhile
        }
    }

    /** [busy, total] ticks of all CPUs since boot. */
    static long[] machineTicks() {
        try {
            String line = Files.readAllLines(Path.of("/proc/stat")).getFirst();
            String[] f = line.trim().split("\\s+");
            long total = 0;
            long idle = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                long v = Long.parseLong(f[i]);
                total += v;
                if (i == 4 || i == 5) {
                    idle += v; // idle, iowait
                }
            }
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }
}
