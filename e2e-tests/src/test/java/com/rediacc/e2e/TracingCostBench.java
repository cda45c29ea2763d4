package com.rediacc.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cost of tracing on task creates (docs/adr/0019): two queue-services side by side on this
 * machine, each with its vault-service and database, one with tracing off (the default) and one with
 * it on (every create traced and exported over OTLP/HTTP to a receiver in this JVM). Rounds alternate
 * (off, on, on, off, ...) so that the machine's drift hits both alike; each round POSTs {@value #TASKS}
 * tasks from {@value #CLIENTS} clients to a paused machine and records tasks/s, latency percentiles
 * and the service's CPU per task (/proc). Writes bench/results/<UTC>-tracing.json with the load
 * average. A measurement, not part of ./dev/test:
 * {@code ./mvnw -pl e2e-tests -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=TracingCostBench}.
 */
class TracingCostBench {
    private static final int TASKS = 1500;
    private static final int CLIENTS = 8;
    private static final int ROUNDS = 6;
    private static final int WARM_UP = 1500;

    @Test
    void tracedAndUntracedCreatesSideBySide() throws Exception {
        try (OtlpReceiver collector = new OtlpReceiver();
             E2eStack off = new E2eStack("costoff");
             E2eStack on = new E2eStack("coston")) {
            off.startCore(Map.of());
            on.startCore(Map.of("QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", collector.endpoint(),
                    "QUARKUS_OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf"));
            for (E2eStack stack : List.of(off, on)) {
                stack.registerDemoMachine("cost-01", 1);
                assertThat(stack.post("/api/v1/machines/cost-01/pause", Map.of()).statusCode()).isIn(200, 204);
                round(stack, WARM_UP);
            }
            ObjectNode report = E2eStack.JSON.createObjectNode();
            report.put("startedAt", Instant.now().toString());
            report.put("loadAverageBefore", Files.readString(Path.of("/proc/loadavg")).strip());
            report.put("tasksPerRound", TASKS).put("clients", CLIENTS).put("cores", Runtime.getRuntime().availableProcessors());
            List<ObjectNode> rounds = new ArrayList<>();
            for (int i = 0; i < ROUNDS; i++) {
                boolean tracedFirst = i % 2 == 1;
                for (E2eStack stack : tracedFirst ? List.of(on, off) : List.of(off, on)) {
                    ObjectNode result = round(stack, TASKS);
                    result.put("round", i).put("tracing", stack == on ? "on" : "off");
                    result.put("loadAverage", Files.readString(Path.of("/proc/loadavg")).strip());
                    rounds.add(result);
                    System.err.println(result);
                }
            }
            report.set("rounds", E2eStack.JSON.valueToTree(rounds));
            for (String mode : List.of("off", "on")) {
                ObjectNode summary = report.putObject(mode);
                summary.put("medianTasksPerSecond", median(rounds, mode, "tasksPerSecond"));
                summary.put("medianP50Ms", median(rounds, mode, "p50Ms"));
                summary.put("medianP99Ms", median(rounds, mode, "p99Ms"));
                summary.put("medianCpuMsPerTask", median(rounds, mode, "cpuMsPerTask"));
            }
            report.put("spansReceived", collector.spans().size());
            report.put("loadAverageAfter", Files.readString(Path.of("/proc/loadavg")).strip());
            Path results = off.root.resolve("bench/results");
            Files.createDirectories(results);
            Path file = results.resolve(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
                    .format(Instant.now()) + "-tracing.json");
            Files.writeString(file, E2eStack.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
            System.err.println("tracing cost: " + report.get("off") + " (off) vs " + report.get("on") + " (on); " + file);
        }
    }

    /** {@code tasks} creates from CLIENTS clients; tasks/s, latency percentiles and queue-service's CPU per task. */
    private static ObjectNode round(E2eStack stack, int tasks) throws Exception {
        long cpuBefore = cpuMillis(stack.queue().pid());
        long[] latencies = new long[tasks];
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        try (ExecutorService clients = Executors.newFixedThreadPool(CLIENTS)) {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                running.add(clients.submit(() -> {
                    for (int i = next.getAndIncrement(); i < tasks; i = next.getAndIncrement()) {
                        long sent = System.nanoTime();
                        HttpResponse<String> created = stack.post("/api/v1/tasks", Map.of("machine", "cost-01", "command", "true"));
                        latencies[i] = System.nanoTime() - sent;
                        if (created.statusCode() != 201) {
                            throw new IllegalStateException(created.statusCode() + " " + created.body());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> client : running) {
                client.get();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long cpu = cpuMillis(stack.queue().pid()) - cpuBefore;
        Arrays.sort(latencies);
        ObjectNode result = E2eStack.JSON.createObjectNode();
        result.put("tasksPerSecond", Math.round(tasks / seconds));
        result.put("p50Ms", latencies[tasks / 2] / 1e6);
        result.put("p99Ms", latencies[(int) (tasks * 0.99)] / 1e6);
        result.put("cpuMsPerTask", (double) cpu / tasks);
        return result;
    }

    /** User and system CPU time of a process, from /proc/<pid>/stat (clock ticks of 10 ms). */
    private static long cpuMillis(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
    }

    private static double median(List<ObjectNode> rounds, String mode, String field) {
        double[] values = rounds.stream().filter(r -> r.get("tracing").asText().equals(mode))
                .mapToDouble(r -> r.get(field).asDouble()).sorted().toArray();
        return values[values.length / 2];
    }
}
