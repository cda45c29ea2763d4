package com.rediacc.bench;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A/B of two queue-service builds under the same machine conditions (bench/ab): the same number of
 * clients (connections on 2 threads, HttpLoad, as the enqueue phase) POST tasks to build A, then to
 * build B, switching every slice, so that both see the same minutes of this machine, whose speed
 * drifts by more than most changes. Reports per build the tasks per second and the CPU per task of
 * its JVM and of the whole machine, summed over all its slices.
 *
 * <p>Arguments: portA pidA portB pidB token machine seconds sliceMillis clients warmupSeconds jsonOut
 */
public final class SideBySide {
    public static void main(String[] args) throws Exception {
        int[] port = {Integer.parseInt(args[0]), Integer.parseInt(args[2])};
        long[] pid = {Long.parseLong(args[1]), Long.parseLong(args[3])};
        String token = args[4];
        String machine = args[5];
        int seconds = Integer.parseInt(args[6]);
        int sliceMillis = Integer.parseInt(args[7]);
        int clients = Integer.parseInt(args[8]);
        int warmupSeconds = Integer.parseInt(args[9]);
        Path jsonOut = Path.of(args[10]);

        String body = QueueApi.taskBody(machine, "true", 3);
        AtomicLongArray created = new AtomicLongArray(2);
        AtomicLongArray failed = new AtomicLongArray(2);
        AtomicReference<String> firstError = new AtomicReference<>();
        HttpLoad[] load = new HttpLoad[2];
        for (int t = 0; t < 2; t++) {
            int build = t;
            byte[] request = HttpLoad.post("127.0.0.1", port[t], "/api/v1/tasks", "Bearer " + token, body);
            load[t] = new HttpLoad(new InetSocketAddress("127.0.0.1", port[t]), request, clients, 2, "ab-" + (t == 0 ? "a" : "b"),
                    new HttpLoad.Listener() {
                        @Override
                        public void reply(int connection, int status, String replyBody, long sentNanos, long receivedNanos) {
                            if (status == 201) {
                                created.incrementAndGet(build);
                            } else {
                                failed.incrementAndGet(build);
                                firstError.compareAndSet(null, "HTTP " + status + ": " + QueueApi.abbreviate(replyBody));
                            }
                        }

                        @Override
                        public void failure(int connection, IOException error) {
                            failed.incrementAndGet(build);
                            firstError.compareAndSet(null, error.toString());
                        }
                    });
        }

        double[] tasks = new double[2], ownTicks = new double[2], machineTicks = new double[2], wall = new double[2];
        List<Map<String, Object>> slices = new ArrayList<>();
        long warmupEnd = System.nanoTime() + warmupSeconds * 1_000_000_000L;
        long end = warmupEnd + seconds * 1_000_000_000L;
        Log.info("A/B: %d clients, warm-up %d s, then %d s in slices of %d ms", clients, warmupSeconds, seconds, sliceMillis);
        for (int slice = 0; System.nanoTime() < end && firstError.get() == null; slice++) {
            int t = slice % 2;
            load[1 - t].sending(false);
            load[1 - t].awaitIdle(30_000); // requests still in flight to the other build finish first
            load[t].sending(true);
            Thread.sleep(100); // every connection of this build has a request in flight before the slice counts
            long n0 = created.get(t), own0 = processTicks(pid[t]), busy0 = machineBusyTicks(), w0 = System.nanoTime();
            Thread.sleep(sliceMillis);
            long n1 = created.get(t), own1 = processTicks(pid[t]), busy1 = machineBusyTicks(), w1 = System.nanoTime();
            if (w0 < warmupEnd) {
                continue;
            }
            double s = (w1 - w0) / 1e9;
            tasks[t] += n1 - n0;
            ownTicks[t] += own1 - own0;
            machineTicks[t] += busy1 - busy0;
            wall[t] += s;
            slices.add(Map.of("build", t == 0 ? "A" : "B", "tasksPerSecond", Stats.round((n1 - n0) / s)));
            Log.info("slice %s: %.0f tasks/s", t == 0 ? "A" : "B", (n1 - n0) / s);
        }
        load[0].close();
        load[1].close();
        if (failed.get(0) + failed.get(1) > 0 || firstError.get() != null) {
            throw new IllegalStateException("requests failed (A " + failed.get(0) + ", B " + failed.get(1) + "), first: " + firstError.get());
        }

        Map<String, Object> report = new LinkedHashMap<>();
        System.out.printf("%-6s %12s %22s %22s %10s%n", "build", "tasks/s", "its JVM, CPU ms/task", "machine, CPU ms/task", "busy");
        for (int t = 0; t < 2; t++) {
            String name = t == 0 ? "A" : "B";
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("tasksPerSecond", Stats.round(tasks[t] / wall[t]));
            r.put("queueServiceCpuMsPerTask", round4(ownTicks[t] * Cpu.TICK_MS / tasks[t]));
            r.put("machineCpuMsPerTask", round4(machineTicks[t] * Cpu.TICK_MS / tasks[t]));
            r.put("machineBusyCores", Stats.round(machineTicks[t] * Cpu.TICK_MS / 1000 / wall[t]));
            r.put("measuredSeconds", Stats.round(wall[t]));
            report.put(name, r);
            System.out.printf("%-6s %12.0f %22.4f %22.4f %9.2f%n", name, tasks[t] / wall[t], ownTicks[t] * Cpu.TICK_MS / tasks[t],
                    machineTicks[t] * Cpu.TICK_MS / tasks[t], machineTicks[t] * Cpu.TICK_MS / 1000 / wall[t]);
        }
        report.put("B/A tasksPerSecond", round4(tasks[1] / wall[1] / (tasks[0] / wall[0])));
        report.put("slices", slices);
        report.put("settings", Map.of("clients", clients, "sliceMillis", sliceMillis, "seconds", seconds, "warmupSeconds", warmupSeconds));
        Files.writeString(jsonOut, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(report));
        System.out.printf("B/A tasks per second: %.3f; report: %s%n", tasks[1] / wall[1] / (tasks[0] / wall[0]), jsonOut);
        System.exit(0);
    }

    private static double round4(double v) {
        return Math.round(v * 10_000.0) / 10_000.0;
    }

    /** CPU ticks of a process itself (Cpu.read: utime + stime). */
    private static long processTicks(long pid) {
        Cpu.ProcStat stat = Cpu.read(Path.of("/proc/" + pid + "/stat"));
        if (stat == null) {
            throw new IllegalStateException("queue-service (pid " + pid + ") is gone");
        }
        return stat.selfTicks();
    }

    private static long machineBusyTicks() {
        return Cpu.machineTicks()[0];
    }
}
