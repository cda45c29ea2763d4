package com.rediacc.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.rediacc.contract.events.Topics;
import com.rediacc.testsupport.Await;
import com.rediacc.testsupport.RepoRoot;
import com.rediacc.testsupport.TempDirs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What KEDA does to the bridges (k8s/overlays/production): one is added, later one is stopped with
 * SIGTERM while it still runs long tasks, while every machine (one on each dispatch partition) always
 * has a short task queued. The group's rebalances move machines between bridges: every task
 * completes, none starts or runs twice. The longest wait from creation to start in each phase is
 * measured, not bounded, for each consumer setting of {@link #VARIANTS}, in rounds that take them in
 * turn (the machine's load moves; docs/operations.md, "Bridges under scaling", ADR 22); printed and
 * written to bench/results/&lt;UTC&gt;-bridge-scaling.json with the load average. A measurement, not part of
 * ./dev/test (not an *IT: 3 to 5 minutes a variant here):
 * {@code ./mvnw -pl e2e-tests -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=BridgeScalingBench
 * [-Dbench.rounds=2] [-Dbench.variants=eager,cooperative]}.
 */
class BridgeScalingBench {
    /** Tasks that end in each phase (two bridges, three, two again). */
    private static final int PER_PHASE = 12;
    private static final List<String> PHASES = List.of("two bridges", "a third joins", "one leaves");

    /** A consumer setting to measure: the environment of a bridge, given its id. */
    record Variant(String name, Function<String, Map<String, String>> settings) {
    }

    static final List<Variant> VARIANTS = List.of(
            new Variant("eager", id -> Map.of()),
            new Variant("cooperative", id -> Map.of(
                    "KAFKA_PARTITION_ASSIGNMENT_STRATEGY", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor")),
            new Variant("consumer-protocol", id -> Map.of("KAFKA_GROUP_PROTOCOL", "consumer")),
            new Variant("static", id -> Map.of("KAFKA_GROUP_INSTANCE_ID", id)));

    private static E2eStack stack;
    private static Path remote;

    @BeforeAll
    static void startServices() throws Exception {
        remote = TempDirs.forMachineCommands("rediacc-e2e-scaling-");
        stack = new E2eStack("scaling").startCore(Map.of());
    }

    @AfterAll
    static void stopServices() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void addingAndRemovingABridgeRunsEveryTaskOnce() throws Exception {
        int[] all = IntStream.range(0, Topics.DISPATCH_PARTITIONS).toArray();
        List<String> machines = CrashSupport.machinesOnPartitions("scale", all);
        List<String> holders = CrashSupport.machinesOnPartitions("hold", all);
        for (String machine : machines) {
            stack.registerDemoMachine(machine, 1);
        }
        for (String machine : holders) {
            stack.registerDemoMachine(machine, 1);
        }
        Set<String> chosen = new HashSet<>(Arrays.asList(System.getProperty("bench.variants",
                String.join(",", VARIANTS.stream().map(Variant::name).toList())).split(",")));
        int rounds = Integer.getInteger("bench.rounds", 1);

        Path file = RepoRoot.path().resolve("bench/results/"
                + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now())
                + "-bridge-scaling.json");
        List<Map<String, Object>> runs = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            for (Variant variant : VARIANTS) {
                if (chosen.contains(variant.name())) {
                    double[] loadBefore = loadAverage();
                    Map<String, Long> worst = run(variant, round, machines, holders);
                    Map<String, Object> result = new LinkedHashMap<>();
                    result.put("variant", variant.name());
                    result.put("round", round);
                    result.put("longestWaitMillis", worst);
                    result.put("loadAverageBefore", loadBefore);
                    result.put("loadAverageAfter", loadAverage());
                    runs.add(result);
                    System.out.printf("bridge scaling: %s, round %d: longest wait from creation to start %s%n",
                            variant.name(), round, worst);
                    write(file, runs);
                }
            }
        }
    }

    /** Two bridges, a third joins, the first leaves while it runs a long task: the longest wait per phase, in ms. */
    private static Map<String, Long> run(Variant variant, int round, List<String> machines, List<String> holders) throws Exception {
        String group = "rediacc-bridges-bench-" + UUID.randomUUID();
        String prefix = variant.name() + "-r" + round + "-";
        Function<String, Map<String, String>> env = id -> {
            Map<String, String> settings = new LinkedHashMap<>(variant.settings().apply(id));
            settings.put("KAFKA_GROUP_ID", group);
            // the long tasks the first bridge drains run until the last phase has ended, however long that takes
            settings.put("REDIACC_BRIDGE_SHUTDOWN_GRACE", "600s");
            return settings;
        };
        ServiceProcess first = stack.startBridge(prefix + "1", env.apply(prefix + "1"));
        ServiceProcess second = stack.startBridge(prefix + "2", env.apply(prefix + "2"));

        Map<String, String> tokens = new ConcurrentHashMap<>();
        Map<String, String> phases = new ConcurrentHashMap<>();
        AtomicReference<String> phase = new AtomicReference<>(PHASES.get(0));
        Map<String, String> current = new ConcurrentHashMap<>();
        ScheduledExecutorService driver = Executors.newSingleThreadScheduledExecutor();
        // Keeps one task queued or running on every machine: a new one once the previous has ended
        // (looked at every 50 ms: the pace of the load, nothing waits on it).
        ScheduledFuture<?> driving = driver.scheduleWithFixedDelay(() -> {
            try {
                for (String machine : machines) {
                    String id = current.get(machine);
                    if (id == null || E2eStack.TERMINAL.contains(stack.task(id).path("status").asText())) {
                        String token = UUID.randomUUID().toString();
                        String next = stack.createTask(Map.of("machine", machine, "priority", 1,
                                "command", "echo " + token + " >> " + remote.resolve(machine) + "; sleep 0.2"))
                                .path("taskId").asText();
                        tokens.put(next, token);
                        phases.put(next, phase.get());
                        current.put(machine, next);
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, 0, 50, TimeUnit.MILLISECONDS);

        awaitEnded(phases, PHASES.get(0));
        phase.set(PHASES.get(1));
        ServiceProcess third = stack.startBridge(prefix + "3", env.apply(prefix + "3"));
        Await.until("the third bridge runs tasks", Duration.ofSeconds(60),
                () -> CrashSupport.leasesByBridge(stack).containsKey(prefix + "3"), stack::logs);
        awaitEnded(phases, PHASES.get(1));

        // A long task on every machine of its own: those of the first bridge's partitions run on it when it
        // is stopped, and end only once the others have served its machines through the whole phase.
        Gate held = new Gate(remote, prefix + "held");
        List<String> longTasks = new ArrayList<>();
        for (String machine : holders) {
            String token = UUID.randomUUID().toString();
            String id = stack.createTask(Map.of("machine", machine,
                    "command", held.shellWait() + "; echo " + token + " >> " + remote.resolve(machine))).path("taskId").asText();
            tokens.put(id, token);
            longTasks.add(id);
        }
        Await.until("the long tasks running", Duration.ofSeconds(120),
                () -> CrashSupport.statusCounts(stack, longTasks).getOrDefault("PROCESSING", 0) == longTasks.size(), stack::logs);
        assertThat(CrashSupport.leasedBy(stack, prefix + "1")).as("the first bridge runs long tasks when it is stopped").isNotEmpty();
        phase.set(PHASES.get(2));
        first.terminate();
        awaitEnded(phases, PHASES.get(2));
        assertThat(first.alive()).as("the first bridge still drains its long tasks").isTrue();
        held.open();
        first.awaitExit(Duration.ofSeconds(120));
        if (driving.isDone()) {
            driving.get(); // it failed: say why
        }
        driver.shutdownNow();
        driver.awaitTermination(30, TimeUnit.SECONDS);
        CrashSupport.awaitAllTerminal(stack, tokens.keySet());
        for (ServiceProcess bridge : List.of(second, third)) {
            bridge.terminate();
            bridge.awaitExit(Duration.ofSeconds(120));
        }

        Map<String, Long> worst = new LinkedHashMap<>();
        PHASES.forEach(p -> worst.put(p, 0L));
        for (String id : phases.keySet()) {
            JsonNode task = stack.task(id);
            assertThat(task.path("status").asText()).as(task.toString()).isEqualTo("COMPLETED");
            long wait = Duration.between(Instant.parse(task.path("createdAt").asText()),
                    Instant.parse(task.path("startedAt").asText())).toMillis();
            worst.merge(phases.get(id), wait, Math::max);
        }
        Map<String, Integer> ran = CrashSupport.remoteLines(remote);
        CrashSupport.audit(stack, tokens.keySet()).values().forEach(audit -> {
            assertThat(audit.status()).as(audit.id() + " completed").isEqualTo("COMPLETED");
            assertThat(audit.starts()).as(audit.id() + " started once").isEqualTo(1);
            assertThat(audit.terminalTransitions()).as(audit.id() + " ended once").isEqualTo(1);
            assertThat(ran.get(tokens.get(audit.id()))).as(audit.id() + " ran once on " + audit.machine()).isEqualTo(1);
        });
        return worst;
    }

    private static void awaitEnded(Map<String, String> phases, String phase) {
        Await.until(PER_PHASE + " tasks of phase '" + phase + "' ended", Duration.ofMinutes(3), () -> {
            List<String> ids = phases.entrySet().stream().filter(e -> e.getValue().equals(phase)).map(Map.Entry::getKey).toList();
            return CrashSupport.terminal(CrashSupport.statusCounts(stack, ids)) >= PER_PHASE;
        }, stack::logs);
    }

    /** The 1, 5 and 15 minute load averages: how busy the machine was. */
    private static double[] loadAverage() throws Exception {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
        return new double[] {Double.parseDouble(fields[0]), Double.parseDouble(fields[1]), Double.parseDouble(fields[2])};
    }

    /** The runs so far (a run that fails leaves those before it written). */
    private static void write(Path file, List<Map<String, Object>> runs) throws Exception {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("bench", "BridgeScalingBench");
        report.put("writtenAt", Instant.now().toString());
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("phases", PHASES);
        report.put("tasksPerPhase", PER_PHASE);
        report.put("runs", runs);
        Files.writeString(file, E2eStack.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report) + "\n");
        System.out.println("bridge scaling: written to " + file);
    }
}
