package com.rediacc.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * The rediacc benchmark: every figure in one run, against the local dev stack (.dev/stack.env).
 *
 * <ol>
 *   <li>raw SSH: exec channels of {@code true} on one sshd-core session, 8 at once (the e2e ceiling)</li>
 *   <li>enqueue: durable POST /api/v1/tasks per second with N concurrent clients, machine paused
 *       (compared with pgbench's 1-row INSERT TPS, each window paired with a pgbench round run just before it)</li>
 *   <li>end to end: N tasks of {@code true} on one machine (maxConcurrency 8), first POST to last COMPLETED</li>
 *   <li>latency: sequential tasks on an idle system, 201 to PROCESSING (server and client clocks)</li>
 *   <li>queue cost: the stack's CPU per task, tasks/s and created -> PROCESSING with 200 machines on an
 *       in-process SSH server that costs next to nothing per command ({@link QueueCost})</li>
 *   <li>RSS of the three services after the run</li>
 * </ol>
 * Progress goes to stderr; the table to stdout; everything to the JSON file given by --out.
 */
public final class Bench {
    static final String TERMINAL = "COMPLETED FAILED CANCELLED";
    /** The stack's processes whose CPU the phases account (PID files in .dev/run). */
    static final List<String> STACK = List.of("queue-service", "bridge-service", "vault-service", "kafka", "postgres", "sshd");
    /** The bridge's wrapper around every command (RemoteCommand.wrap): reports the shell's PID on stderr. */
    static final String BRIDGE_WRAPPER = "printf 'rediacc-pid:%s\\n' \"$$\" >&2\n";

    private final Map<String, String> opts;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Map<String, Object> results = new LinkedHashMap<>();
    private final List<String> errors = new ArrayList<>();
    private final Map<String, Long> pids = new LinkedHashMap<>();

    private QueueApi api;
    private Cpu cpu;
    private String runId;
    private String enqueueMachine;
    private String e2eMachine;
    private String latencyMachine;
    private final List<String> enqueued = Collections.synchronizedList(new ArrayList<>());
    private Profiler profiler;
    private final PgStats pg = new PgStats();
    private Pgbench pgbench;

    private Bench(Map<String, String> opts) {
        this.opts = opts;
    }

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        Map<String, String> opts;
        try {
            opts = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        long limitSeconds = Long.parseLong(opts.getOrDefault("time-limit-seconds", "1500"));
        Thread watchdog = Thread.ofPlatform().daemon().name("watchdog").start(() -> {
            try {
                Thread.sleep(limitSeconds * 1000);
                System.err.println("bench: ERROR: time limit of " + limitSeconds + " s reached; giving up");
                Runtime.getRuntime().halt(3);
            } catch (InterruptedException ignored) {
                // finished in time
            }
        });
        int code;
        try {
            code = new Bench(opts).run();
        } catch (Exception e) {
            System.err.println("bench: ERROR: " + e);
            e.printStackTrace(System.err);
            code = 2;
        }
        watchdog.interrupt();
        System.exit(code);
    }

    /** A benchmark's main: its exit code, or 2 with the stack trace when it failed to run. */
    static void exit(java.util.concurrent.Callable<Integer> bench) {
        int code;
        try {
            code = bench.call();
        } catch (Exception e) {
            System.err.println("bench: ERROR: " + e);
            e.printStackTrace(System.err);
            code = 2;
        }
        System.exit(code);
    }

    static int intOpt(Map<String, String> opts, String name, int fallback) {
        return Integer.parseInt(opts.getOrDefault(name, Integer.toString(fallback)));
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: --name value ... (bad argument '" + args[i] + "')");
            }
            opts.put(args[i].substring(2), args[++i]);
        }
        return opts;
    }

    private int intOpt(String name, int fallback) {
        return Integer.parseInt(opts.getOrDefault(name, Integer.toString(fallback)));
    }

    static String env(String name) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set (source .dev/stack.env)");
        }
        return v;
    }

    // ------------------------------------------------------------------------------ the run

    private int run() throws Exception {
        Instant started = Instant.now();
        runId = opts.getOrDefault("run-id", Long.toString(started.getEpochSecond()));
        if (!runId.matches("[a-z0-9][a-z0-9-]{0,40}")) {
            throw new IllegalArgumentException("--run-id must be lowercase letters, digits and '-': " + runId);
        }
        Path out = Path.of(opts.getOrDefault("out", "bench-result.json"));
        List<Integer> clientCounts = new ArrayList<>();
        for (String c : opts.getOrDefault("clients", "16,32").split(",")) {
            clientCounts.add(Integer.parseInt(c.trim()));
        }

        api = new QueueApi(env("REDIACC_URL"), env("REDIACC_TOKEN"));
        pids.putAll(stackPids());
        pids.put("bench-client", ProcessHandle.current().pid());
        cpu = new Cpu(pids);
        if (opts.containsKey("profile-dir")) {
            profiler = new Profiler(Path.of(opts.get("profile-dir")), pids);
            results.put("profiles", profiler.results());
        }

        if (opts.containsKey("pgbench-bin")) {
            Path script = Path.of(opts.get("pgbench-script-file"));
            pgbench = new Pgbench(opts.get("pgbench-bin"), System.getenv("BENCH_PSQL"), script,
                    Path.of(opts.getOrDefault("work-dir", System.getProperty("java.io.tmpdir"))));
            Map<String, Object> pgInfo = new LinkedHashMap<>();
            pgInfo.put("script", Files.readAllLines(script).stream().filter(l -> !l.startsWith("--")).collect(Collectors.joining(" ")).trim());
            pgInfo.put("threads", 2);
            pgInfo.put("seconds", intOpt("enqueue-seconds", 15));
            pgInfo.put("pairedWith", "each enqueue window, run just before it (enqueue[].pgbenchTpsOfRounds, ratioOfRounds)");
            results.put("pgbench", pgInfo);
        }
        results.put("runId", runId);
        results.put("startedAt", started.toString());
        results.put("host", hostInfo());
        results.put("settings", settings(clientCounts));
        preflight();
        Cpu.Snapshot before = cpu.snapshot();
        Thread.sleep(2000);
        Map<String, Object> busy = Cpu.between(before, cpu.snapshot(), 0);
        results.put("machineBeforeRun", busy);
        Log.info("machine before the run: %s of %s cores busy, %s of them outside the stack",
                busy.get("machineBusyCores"), busy.get("machineCores"), busy.get("otherCores"));

        enqueueMachine = "bench-enq-" + runId;
        e2eMachine = "bench-e2e-" + runId;
        latencyMachine = "bench-lat-" + runId;
        registerMachines();

        int rawCount = intOpt("raw-ssh-commands", 1000);
        int channels = intOpt("raw-ssh-channels", 8);
        Set<String> only = only();
        List<Object> enqueueRuns = new ArrayList<>();
        results.put("enqueue", enqueueRuns);
        if (only.contains("enqueue") && pgbench == null) {
            throw new IllegalArgumentException("the enqueue phase needs --pgbench-bin and --pgbench-script-file (bench/run passes them)");
        }
        if (only.contains("enqueue")) {
            phase("idleBeforeEnqueue", () -> waitIdle(Duration.ofSeconds(90)));
        }
        for (int i = 0; i < clientCounts.size() && only.contains("enqueue"); i++) {
            int clients = clientCounts.get(i);
            String key = "enqueue-c" + clients;
            if (i > 0) {
                phase("idleBeforeEnqueue-c" + clients, () -> waitIdle(Duration.ofSeconds(90)));
            }
            // the first count warms both JVMs (queue-service's create path, this client's HttpLoad) longer
            int warmup = i == 0 ? intOpt("enqueue-first-warmup-seconds", 30) : intOpt("enqueue-warmup-seconds", 3);
            Object r = phase(key, () -> enqueue(clients, warmup, intOpt("enqueue-seconds", 15), intOpt("enqueue-rounds", 1)));
            enqueueRuns.add(r);
            results.remove(key);
        }
        // Raw SSH right before end to end, the figure it is the ceiling of: the machine's speed drifts
        // over minutes (sshd's CPU per command moved by 17% within one run), and adjacent phases see
        // the same machine.
        if (only.contains("rawSsh")) {
            phase("idleBeforeRawSsh", () -> waitIdle(Duration.ofSeconds(120)));
            phase("rawSsh", () -> rawSsh(rawCount, channels));
        }
        if (only.contains("endToEnd")) {
            phase("idleBeforeEndToEnd", () -> waitIdle(Duration.ofSeconds(120)));
            phase("endToEnd", () -> endToEnd(intOpt("e2e-warmup", 80), intOpt("e2e-tasks", 1000), intOpt("e2e-post-clients", 16)));
        }
        if (only.contains("latency")) {
            phase("idleBeforeLatency", () -> waitIdle(Duration.ofSeconds(90)));
            phase("latency", () -> latency(intOpt("latency-tasks", 200), intOpt("latency-pause-ms", 100)));
        }
        if (only.contains(QueueCost.PHASE)) {
            phase("idleBeforeQueueCost", () -> waitIdle(Duration.ofSeconds(90)));
            phase(QueueCost.PHASE, () -> new QueueCost(api, pids, pg, profiler, runId, opts).run());
        }
        phase("rss", this::rss);
        if (!"false".equals(opts.getOrDefault("cleanup", "true"))) {
            phase("cleanup", this::cleanup);
        }

        Instant finished = Instant.now();
        results.put("finishedAt", finished.toString());
        results.put("benchSeconds", Stats.round(Duration.between(started, finished).toMillis() / 1000.0));
        Map<String, Object> harness = new LinkedHashMap<>();
        harness.put("stackUpSeconds", intOpt("stack-up-seconds", -1));
        harness.put("benchBuildSeconds", intOpt("build-seconds", -1));
        long harnessStart = Long.parseLong(opts.getOrDefault("harness-started-epoch", Long.toString(started.getEpochSecond())));
        harness.put("runSeconds", finished.getEpochSecond() - harnessStart);
        results.put("harness", harness);
        results.put("loadAverageAfter", loadAverage());
        List<Map<String, Object>> table = goals();
        results.put("table", table);
        results.put("errors", errors);
        Files.createDirectories(out.toAbsolutePath().getParent());
        json.writeValue(out.toFile(), results);
        printTable(table);
        Log.info("results written to %s", out);
        return errors.isEmpty() ? 0 : 4;
    }

    /** The measured phases to run: all, or those named by {@code --only} (bench/run --only enqueue,latency). */
    private Set<String> only() {
        Set<String> all = new LinkedHashSet<>(List.of("rawSsh", "enqueue", "endToEnd", "latency", QueueCost.PHASE));
        String wanted = opts.getOrDefault("only", "");
        if (wanted.isBlank()) {
            return all;
        }
        Set<String> chosen = new LinkedHashSet<>(List.of(wanted.split(",")));
        if (!all.containsAll(chosen)) {
            throw new IllegalArgumentException("--only takes a list of " + all + ", not '" + wanted + "'");
        }
        return chosen;
    }

    /** Runs one phase; a failure is recorded (and makes the exit code non-zero) but the run goes on. */
    private Object phase(String name, Callable<Object> body) {
        Log.info("---- %s", name);
        long t0 = System.nanoTime();
        Object value;
        try {
            value = body.call();
        } catch (Exception e) {
            String message = e.getClass().getSimpleName() + ": " + e.getMessage();
            Log.info("%s FAILED: %s", name, message);
            errors.add(name + ": " + message);
            value = Map.of("error", message);
        }
        Log.info("%s took %.1f s", name, (System.nanoTime() - t0) / 1e9);
        results.put(name, value);
        return value;
    }

    private void preflight() throws Exception {
        QueueApi.Reply ping = api.get("/api/v1/machines?limit=1");
        if (ping.status() != 200) {
            throw new IllegalStateException("queue-service at " + env("REDIACC_URL") + " answered HTTP " + ping.status()
                    + " to GET /api/v1/machines: " + QueueApi.abbreviate(ping.body()));
        }
        for (String svc : List.of("queue-service", "bridge-service")) {
            if (!pids.containsKey(svc)) {
                throw new IllegalStateException(svc + " is not running (no live PID in .dev/run); run ./dev/stack up");
            }
        }
        Log.info("stack: %s", pids);
    }

    private void registerMachines() throws Exception {
        int port = Integer.parseInt(env("SSH_PORT"));
        String user = env("DEMO_SSH_USER");
        String hostKey = env("DEMO_SSH_HOST_KEY");
        String credential = opts.getOrDefault("credential", "demo-01");
        // team "default": dev/stack stores the demo-01 credential in that team's vault
        String team = opts.getOrDefault("team", "default");
        for (String name : List.of(enqueueMachine, e2eMachine, latencyMachine)) {
            api.registerMachine(name, team, port, user, hostKey, credential, 8);
        }
        api.pause(enqueueMachine);
        Log.info("registered %s (paused), %s, %s: 127.0.0.1:%d as %s, credential %s, maxConcurrency 8",
                enqueueMachine, e2eMachine, latencyMachine, port, user, credential);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enqueue", enqueueMachine);
        m.put("endToEnd", e2eMachine);
        m.put("latency", latencyMachine);
        m.put("maxConcurrency", 8);
        m.put("team", team);
        m.put("credential", credential);
        m.put("sshd", "127.0.0.1:" + port);
        results.put("machines", m);
    }

    // ------------------------------------------------------------------------------ raw SSH

    private Object rawSsh(int count, int channels) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        try (RawSsh ssh = new RawSsh(env("DEMO_SSH_USER"), Integer.parseInt(env("SSH_PORT")), env("DEMO_SSH_HOST_KEY"),
                Path.of(env("DEMO_SSH_KEY_FILE")))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            Log.info("raw SSH warm-up: 100 x true");
            ssh.run("true", 100, channels, deadline);
            Log.info("raw SSH: %d x true, %d channels on one session", count, channels);
            Cpu.Snapshot a = cpu.snapshot();
            Map<String, Object> plain = ssh.run("true", count, channels, System.nanoTime() + Duration.ofSeconds(120).toNanos());
            plain.put("cpu", Cpu.between(a, cpu.snapshot(), (Integer) plain.get("completed")));
            check(plain, count);
            out.put("plain", plain);
            Log.info("raw SSH: %s commands/s", plain.get("commandsPerSecond"));
            Log.info("raw SSH: %d x true wrapped as the bridge wraps it (PID line on stderr)", count);
            Map<String, Object> wrapped = ssh.run(BRIDGE_WRAPPER + "true", count, channels,
                    System.nanoTime() + Duration.ofSeconds(120).toNanos());
            check(wrapped, count);
            out.put("bridgeWrapped", wrapped);
            Log.info("raw SSH (wrapped): %s commands/s", wrapped.get("commandsPerSecond"));
        }
        return out;
    }

    private static void check(Map<String, Object> run, int count) {
        if ((Integer) run.get("failed") > 0 || (Integer) run.get("completed") < count) {
            throw new IllegalStateException("raw SSH: " + run.get("completed") + "/" + count + " commands succeeded; "
                    + run.getOrDefault("firstError", "time limit"));
        }
    }

    // ------------------------------------------------------------------------------ enqueue

    record Load(int ok, int errors, String firstError, List<Double> latencies, double seconds, int okAfterDeadline) {
    }

    /**
     * Warm-up, then {@code rounds} pairs of a pgbench round and an enqueue window of {@code seconds}
     * each, back to back: this machine's speed drifts by a third within minutes, and a pair sees one
     * machine. The pair with the median ratio is the figure (its CPU, PostgreSQL counters and lock
     * samples are reported); every pair is in {@code rounds}.
     */
    private Object enqueue(int clients, int warmupSeconds, int seconds, int rounds) throws Exception {
        String body = QueueApi.taskBody(enqueueMachine, "true", 3);
        Log.info("enqueue c=%d: warm-up %d s", clients, warmupSeconds);
        Load warm = load(clients, warmupSeconds, body);
        if (warm.ok() == 0) {
            throw new IllegalStateException("no task was created during the warm-up: " + warm.firstError());
        }
        String label = "enqueue-c" + clients;
        List<Map<String, Object>> windows = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            waitIdle(Duration.ofSeconds(30)); // the relay's backlog of the warm-up or the window before
            Map<String, Object> beforePgbench = pgbench.quiet();
            Log.info("pgbench c=%d: %d s, round %d of %d", clients, seconds, round, rounds);
            Pgbench.Round baseline = pgbench.run(clients, seconds, round);
            Log.info("pgbench c=%d round %d: %.1f TPS, latency average %.2f ms", clients, round, baseline.tps(),
                    baseline.latencyMs());
            Map<String, Object> beforeEnqueue = pgbench.quiet();
            Log.info("enqueue c=%d: measuring %d s, round %d of %d", clients, seconds, round, rounds);
            // one profile, of the first window: JFR's own cost stays out of the others
            Map<String, Object> window = enqueueWindow(clients, seconds, body, round == 1 ? label : null);
            double ratio = (Double) window.get("tasksPerSecond") / baseline.tps();
            window.put("pgbenchTps", Stats.round(baseline.tps()));
            window.put("pgbenchLatencyAvgMs", Stats.round(baseline.latencyMs()));
            window.put("ratioToPgbench", Stats.round(ratio));
            window.put("beforePgbench", beforePgbench);
            window.put("beforeEnqueue", beforeEnqueue);
            windows.add(window);
            Log.info("enqueue c=%d round %d: %s tasks/s, %.1f%% of pgbench's %.1f TPS", clients, round,
                    window.get("tasksPerSecond"), 100 * ratio, baseline.tps());
        }
        List<Map<String, Object>> byRatio = new ArrayList<>(windows);
        byRatio.sort(Comparator.comparingDouble(w -> (Double) w.get("ratioToPgbench")));
        Map<String, Object> median = byRatio.get((byRatio.size() - 1) / 2);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("clients", clients);
        out.put("seconds", seconds);
        out.put("rounds", rounds);
        out.putAll(median);
        out.put("medianOfRound", windows.indexOf(median) + 1);
        out.put("tasksPerSecondOfRounds", windows.stream().map(w -> w.get("tasksPerSecond")).toList());
        out.put("pgbenchTpsOfRounds", windows.stream().map(w -> w.get("pgbenchTps")).toList());
        out.put("ratioOfRounds", windows.stream().map(w -> w.get("ratioToPgbench")).toList());
        // a round whose queue-service still compiles much was measured before the JIT settled
        out.put("queueServiceJitCpuMsOfRounds", windows.stream().map(Bench::queueServiceJitMs).toList());
        out.put("warmupCreated", warm.ok());
        return out;
    }

    private Map<String, Object> enqueueWindow(int clients, int seconds, String body, String profileLabel) throws Exception {
        if (profileLabel != null) {
            startProfile(profileLabel);
        }
        Map<String, Long> pgA = pg.snapshot();
        LockSampler locks = LockSampler.start();
        Cpu.Snapshot a = cpu.snapshot();
        Load r = load(clients, seconds, body);
        Cpu.Snapshot b = cpu.snapshot();
        Map<String, Object> activity = activity(locks);
        Map<String, Long> pgB = pg.snapshot();
        if (profileLabel != null) {
            stopProfile(profileLabel);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("created", r.ok());
        out.put("errors", r.errors());
        if (r.firstError() != null) {
            out.put("firstError", r.firstError());
        }
        double rate = r.ok() / (double) seconds;
        out.put("tasksPerSecond", Stats.round(rate));
        out.put("latencyMs", Stats.summary(r.latencies()));
        out.put("cpu", Cpu.between(a, b, r.ok()));
        out.put("postgres", PgStats.between(pgA, pgB, r.ok()));
        out.put("pgActivity", activity);
        Log.info("enqueue c=%d: %.1f tasks/s (%d created, %d errors), p50 %s ms", clients, rate, r.ok(), r.errors(),
                Stats.summary(r.latencies()).get("p50"));
        if (r.errors() > 0) {
            throw new IllegalStateException(r.errors() + " POSTs failed, first: " + r.firstError());
        }
        return out;
    }

    /**
     * {@code clients} keep-alive connections POST the same body back to back for {@code seconds}, driven
     * by {@code --enqueue-client-threads} threads (default 2, as pgbench's {@code -j 2}; HttpLoad).
     */
    private Load load(int clients, int seconds, String body) throws IOException, InterruptedException {
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger late = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        List<List<Double>> perConnection = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            perConnection.add(new ArrayList<>(4096));
        }
        long[] deadline = new long[1];
        HttpLoad.Listener listener = new HttpLoad.Listener() {
            @Override
            public void reply(int connection, int status, String replyBody, long sentNanos, long receivedNanos) {
                if (status != 201) {
                    failed.incrementAndGet();
                    firstError.compareAndSet(null, "HTTP " + status + ": " + QueueApi.abbreviate(replyBody));
                    return;
                }
                String id = taskId(replyBody);
                if (id != null) {
                    enqueued.add(id);
                }
                if (receivedNanos <= deadline[0]) {
                    ok.incrementAndGet();
                    perConnection.get(connection).add((receivedNanos - sentNanos) / 1e6);
                } else {
                    late.incrementAndGet();
                }
            }

            @Override
            public void failure(int connection, IOException error) {
                failed.incrementAndGet();
                firstError.compareAndSet(null, error.toString());
            }
        };
        try (HttpLoad http = api.createTaskLoad(body, clients, intOpt("enqueue-client-threads", 2), listener)) {
            deadline[0] = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            http.sending(true);
            Thread.sleep(Duration.ofSeconds(seconds));
            http.sending(false);
            if (!http.awaitIdle(QueueApi.TIMEOUT.toMillis())) {
                failed.incrementAndGet();
                firstError.compareAndSet(null, "requests still unanswered " + QueueApi.TIMEOUT + " after the window");
            }
        }
        List<Double> all = new ArrayList<>();
        perConnection.forEach(all::addAll);
        return new Load(ok.get(), failed.get(), firstError.get(), all, seconds, late.get());
    }

    private static Object queueServiceJitMs(Map<String, Object> window) {
        if (window.get("cpu") instanceof Map<?, ?> cpu && cpu.get("components") instanceof Map<?, ?> components
                && components.get("queue-service") instanceof Map<?, ?> qs) {
            return qs.get("jitCpuMs");
        }
        return null;
    }

    private static String taskId(String body) {
        int i = body.indexOf("\"taskId\":\"");
        return i < 0 || body.length() < i + 46 ? null : body.substring(i + 10, i + 46);
    }

    // ------------------------------------------------------------------------------ end to end

    private Object endToEnd(int warmup, int n, int postClients) throws Exception {
        String body = QueueApi.taskBody(e2eMachine, "true", 3);
        Log.info("end to end: warm-up %d tasks", warmup);
        List<String> warmIds = postMany(body, warmup, postClients);
        awaitTerminal(e2eMachine, warmIds.getLast(), Duration.ofSeconds(120));
        Object quiet = waitIdle(Duration.ofSeconds(90));

        Log.info("end to end: %d tasks of `true` on %s (%d POSTing clients)", n, e2eMachine, postClients);
        startProfile("endToEnd");
        Map<String, Long> pgA = pg.snapshot();
        LockSampler locks = LockSampler.start();
        Cpu.Snapshot a = cpu.snapshot();
        Instant t0 = Instant.now();
        long n0 = System.nanoTime();
        List<String> ids = postMany(body, n, postClients);
        double postSeconds = (System.nanoTime() - n0) / 1e9;
        Log.info("end to end: %d POSTs took %.2f s; waiting for the last COMPLETED", n, postSeconds);
        awaitTerminal(e2eMachine, ids.getLast(), Duration.ofSeconds(Math.max(180, n / 2)));
        Cpu.Snapshot b = cpu.snapshot();
        Map<String, Object> activity = activity(locks);
        Map<String, Long> pgB = pg.snapshot();
        stopProfile("endToEnd");
        List<JsonNode> tasks = fetch(e2eMachine, ids, warmup + n);

        Map<String, Integer> byStatus = new LinkedHashMap<>();
        String firstError = null;
        Instant firstCreated = null;
        Instant lastCompleted = null;
        List<Double> queueWait = new ArrayList<>();
        List<Double> assignToStart = new ArrayList<>();
        List<Double> startToComplete = new ArrayList<>();
        List<Double> createdToComplete = new ArrayList<>();
        List<long[]> slots = new ArrayList<>();
        List<long[]> running = new ArrayList<>();
        for (JsonNode t : tasks) {
            String status = t.path("status").asText();
            byStatus.merge(status, 1, Integer::sum);
            if (!"COMPLETED".equals(status) && firstError == null) {
                firstError = status + ": " + t.path("error").asText();
            }
            Instant created = QueueApi.instant(t, "createdAt");
            Instant assigned = QueueApi.instant(t, "assignedAt");
            Instant startedAt = QueueApi.instant(t, "startedAt");
            Instant completed = QueueApi.instant(t, "completedAt");
            if (created != null && (firstCreated == null || created.isBefore(firstCreated))) {
                firstCreated = created;
            }
            if (completed != null && (lastCompleted == null || completed.isAfter(lastCompleted))) {
                lastCompleted = completed;
            }
            if (created != null && assigned != null && startedAt != null && completed != null) {
                queueWait.add(ms(created, assigned));
                assignToStart.add(ms(assigned, startedAt));
                startToComplete.add(ms(startedAt, completed));
                createdToComplete.add(ms(created, completed));
                slots.add(new long[] {micros(assigned), micros(completed)});
                running.add(new long[] {micros(startedAt), micros(completed)});
            }
        }
        if (lastCompleted == null) {
            throw new IllegalStateException("no task completed");
        }
        double spanSeconds = ms(t0, lastCompleted) / 1000.0;
        double rate = n / spanSeconds;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tasks", n);
        out.put("machine", e2eMachine);
        out.put("idleBefore", quiet);
        out.put("postClients", postClients);
        out.put("byStatus", byStatus);
        if (firstError != null) {
            out.put("firstError", firstError);
        }
        out.put("postSeconds", Stats.round(postSeconds));
        out.put("firstPostToLastCompletedSeconds", Stats.round(spanSeconds));
        out.put("tasksPerSecond", Stats.round(rate));
        double serverSpan = ms(firstCreated, lastCompleted) / 1000.0;
        out.put("firstCreatedToLastCompletedSeconds", Stats.round(serverSpan));
        Map<String, Object> phases = new LinkedHashMap<>();
        phases.put("createdToAssigned", Stats.summary(queueWait));
        phases.put("assignedToStarted", Stats.summary(assignToStart));
        phases.put("startedToCompleted", Stats.summary(startToComplete));
        phases.put("createdToCompleted", Stats.summary(createdToComplete));
        out.put("perTaskMs", phases);
        double slotMs = mean(assignToStart) + mean(startToComplete);
        out.put("slotMsPerTask", Stats.round(slotMs));
        out.put("concurrencyAssignedToCompleted", concurrency(slots));
        out.put("concurrencyStartedToCompleted", concurrency(running));
        Map<String, Object> cpuUsed = Cpu.between(a, b, n);
        out.put("cpu", cpuUsed);
        out.put("postgres", PgStats.between(pgA, pgB, n));
        out.put("pgActivity", activity);
        Log.info("end to end: %.1f tasks/s (%s); slot time %.1f ms per task", rate, byStatus, slotMs);
        Log.info("end to end: CPU-ms per task: %s", Cpu.perTask(cpuUsed));
        if (!byStatus.getOrDefault("COMPLETED", 0).equals(n)) {
            throw new IllegalStateException("not every task COMPLETED: " + byStatus + "; " + firstError);
        }
        return out;
    }

    /** POSTs {@code n} copies of {@code body} from {@code clients} threads; ids in order of their 201s. */
    private List<String> postMany(String body, int n, int clients) throws InterruptedException {
        List<String> ids = Collections.synchronizedList(new ArrayList<>(n));
        AtomicInteger next = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            threads.add(Thread.ofVirtual().name("post-" + i).start(() -> {
                while (next.getAndIncrement() < n && firstError.get() == null) {
                    try {
                        QueueApi.Reply reply = api.createTask(body);
                        String id = reply.status() == 201 ? taskId(reply.body()) : null;
                        if (id == null) {
                            firstError.compareAndSet(null, "HTTP " + reply.status() + ": " + QueueApi.abbreviate(reply.body()));
                        } else {
                            ids.add(id);
                        }
                    } catch (Exception e) {
                        firstError.compareAndSet(null, e.toString());
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(120));
        }
        if (firstError.get() != null || ids.size() != n) {
            throw new IllegalStateException("POSTing tasks failed (" + ids.size() + "/" + n + "): " + firstError.get());
        }
        return new ArrayList<>(ids);
    }

    /**
     * Waits until every task of {@code machine} has ended: polls one task (the last POSTed) every
     * 200 ms, then asks for the machine's PENDING, ASSIGNED and PROCESSING tasks (limit 1 each, an
     * index walk) until there are none. The figures come from the tasks' server timestamps, so
     * the polling interval does not bias them; the full listing (a scan of the tasks table) is
     * left to {@link #fetch}, after the measured window.
     */
    private void awaitTerminal(String machine, String last, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextLog = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!TERMINAL.contains(api.task(last).path("status").asText())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("task " + last + " not finished within " + timeout);
            }
            if (System.nanoTime() > nextLog) {
                Log.info("  ... waiting for task %s", last);
                nextLog = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            }
            Thread.sleep(200);
        }
        while (true) {
            String open = null;
            for (String status : List.of("PENDING", "ASSIGNED", "PROCESSING")) {
                QueueApi.Reply reply = api.get("/api/v1/tasks?limit=1&status=" + status + "&machine=" + machine);
                if (reply.status() != 200) {
                    throw new IllegalStateException("listing " + status + " tasks: HTTP " + reply.status() + ": "
                            + QueueApi.abbreviate(reply.body()));
                }
                if (reply.json(api.json).path("items").size() > 0) {
                    open = status;
                    break;
                }
            }
            if (open == null) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("tasks of " + machine + " still " + open + " after " + timeout);
            }
            Thread.sleep(200);
        }
    }

    /** The tasks of {@code ids} as the server has them (one listing of the machine's tasks). */
    private List<JsonNode> fetch(String machine, List<String> ids, int expectedOnMachine) throws Exception {
        Set<String> wanted = new HashSet<>(ids);
        List<JsonNode> mine = new ArrayList<>();
        for (JsonNode t : api.tasksOf(machine, expectedOnMachine + 1000)) {
            if (wanted.contains(t.path("taskId").asText())) {
                mine.add(t);
            }
        }
        if (mine.size() != ids.size()) {
            throw new IllegalStateException("listed " + mine.size() + " of the " + ids.size() + " tasks of " + machine);
        }
        return mine;
    }

    /** Max and mean number of overlapping [from, to] intervals (micros). */
    private static Map<String, Object> concurrency(List<long[]> intervals) {
        List<long[]> events = new ArrayList<>();
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        double busy = 0;
        for (long[] i : intervals) {
            events.add(new long[] {i[0], 1});
            events.add(new long[] {i[1], -1});
            min = Math.min(min, i[0]);
            max = Math.max(max, i[1]);
            busy += i[1] - i[0];
        }
        events.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
        int level = 0;
        int peak = 0;
        for (long[] e : events) {
            level += (int) e[1];
            peak = Math.max(peak, level);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("max", peak);
        out.put("mean", max > min ? Stats.round(busy / (max - min)) : Double.NaN);
        return out;
    }

    // ------------------------------------------------------------------------------ latency

    private Object latency(int n, int pauseMs) throws Exception {
        String body = QueueApi.taskBody(latencyMachine, "date +%s%N", 3);
        Log.info("latency: %d sequential tasks on %s, %d ms apart", n, latencyMachine, pauseMs);
        List<Double> server = new ArrayList<>();
        List<Double> client = new ArrayList<>();
        List<Double> toExec = new ArrayList<>();
        List<Double> createdToAssigned = new ArrayList<>();
        List<Double> assignedToStarted = new ArrayList<>();
        List<Double> postMs = new ArrayList<>();
        List<Double> createdTo201 = new ArrayList<>();
        int failed = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(Math.max(120, n)).toNanos();
        Map<String, Long> pgA = null;
        // two untimed tasks first, so the first measured one does not pay for a fresh SSH session
        for (int i = -2; i < n && System.nanoTime() < deadline; i++) {
            long p0 = System.nanoTime();
            QueueApi.Reply reply = api.createTask(body);
            Instant t201 = Instant.now();
            double post = (System.nanoTime() - p0) / 1e6;
            String id = reply.status() == 201 ? taskId(reply.body()) : null;
            if (id == null) {
                throw new IllegalStateException("POST failed: HTTP " + reply.status() + ": " + QueueApi.abbreviate(reply.body()));
            }
            JsonNode t = null;
            long taskDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            Thread.sleep(30);
            while (System.nanoTime() < taskDeadline) {
                t = api.task(id);
                if (TERMINAL.contains(t.path("status").asText())) {
                    break;
                }
                Thread.sleep(20);
            }
            if (t == null || !"COMPLETED".equals(t.path("status").asText())) {
                failed++;
                if (failed > 5) {
                    throw new IllegalStateException("latency task " + id + " did not complete: "
                            + (t == null ? "?" : t.path("status").asText() + " " + t.path("error").asText()));
                }
                continue;
            }
            if (i < 0) {
                Thread.sleep(pauseMs);
                if (i == -1) {
                    pgA = pg.snapshot();
                }
                continue;
            }
            Instant created = QueueApi.instant(t, "createdAt");
            Instant assigned = QueueApi.instant(t, "assignedAt");
            Instant startedAt = QueueApi.instant(t, "startedAt");
            server.add(ms(created, startedAt));
            client.add(ms(t201, startedAt));
            createdToAssigned.add(ms(created, assigned));
            assignedToStarted.add(ms(assigned, startedAt));
            createdTo201.add(ms(created, t201));
            postMs.add(post);
            try {
                long nanos = Long.parseLong(t.path("output").asText().trim());
                toExec.add((nanos - (t201.getEpochSecond() * 1_000_000_000L + t201.getNano())) / 1e6);
            } catch (NumberFormatException e) {
                // output not a timestamp: leave this sample out of the exec figure
            }
            if ((i + 1) % 50 == 0) {
                Log.info("  latency: %d/%d, p50 so far %s ms", i + 1, n, Stats.summary(server).get("p50"));
            }
            Thread.sleep(pauseMs);
        }
        Map<String, Long> pgB = pg.snapshot();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tasks", server.size());
        out.put("failed", failed);
        out.put("postgres", PgStats.between(pgA, pgB, server.size()));
        out.put("pauseMs", pauseMs);
        out.put("command", "date +%s%N");
        out.put("serverCreatedToStartedMs", Stats.summary(server));
        out.put("client201ToStartedMs", Stats.summary(client));
        out.put("client201ToCommandRunningMs", Stats.summary(toExec));
        out.put("createdToAssignedMs", Stats.summary(createdToAssigned));
        out.put("assignedToStartedMs", Stats.summary(assignedToStarted));
        out.put("postRoundTripMs", Stats.summary(postMs));
        out.put("createdTo201Ms", Stats.summary(createdTo201));
        Log.info("latency: server p50 %s / p99 %s ms; client p50 %s / p99 %s ms",
                Stats.summary(server).get("p50"), Stats.summary(server).get("p99"),
                Stats.summary(client).get("p50"), Stats.summary(client).get("p99"));
        if (server.size() < n) {
            throw new IllegalStateException("only " + server.size() + "/" + n + " latency samples within the time limit");
        }
        return out;
    }

    // ------------------------------------------------------------------------------ idle, RSS, cleanup

    /**
     * Waits (at most {@code max}) until the stack uses less than 0.15 cores for a second (outbox and
     * dispatch backlogs drained) and processes outside the stack less than 0.25 cores (other tests
     * on the machine), so that a measured phase starts on a quiet machine when it can.
     */
    private Object waitIdle(Duration max) throws InterruptedException {
        return waitIdle(cpu, max);
    }

    /** {@link #waitIdle(Duration)} with the given stack's CPU (BatchBench uses it too). */
    static Map<String, Object> waitIdle(Cpu cpu, Duration max) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + max.toNanos();
        double stack;
        double other;
        long nextLog = t0 + Duration.ofSeconds(10).toNanos();
        while (true) {
            Cpu.Snapshot a = cpu.snapshot();
            Thread.sleep(1000);
            Cpu.Snapshot b = cpu.snapshot();
            stack = Cpu.cores(a, b, STACK);
            other = (Double) Cpu.between(a, b, 0).get("otherCores");
            if ((stack < 0.15 && other < 0.25) || System.nanoTime() > deadline) {
                break;
            }
            if (System.nanoTime() > nextLog) {
                Log.info("  ... waiting for a quiet machine: stack %.2f cores, other processes %.2f cores", stack, other);
                nextLog = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            }
        }
        boolean quiet = stack < 0.15 && other < 0.25;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("seconds", Stats.round((System.nanoTime() - t0) / 1e9));
        out.put("stackCores", Stats.round(stack));
        out.put("otherCores", Stats.round(other));
        out.put("quiet", quiet);
        Log.info("stack at %.2f cores, other processes at %.2f cores after %.1f s%s", stack, other,
                (System.nanoTime() - t0) / 1e9, quiet ? "" : " (NOT quiet: the next figures ran on a busy machine)");
        return out;
    }

    private Object rss() throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String svc : List.of("queue-service", "bridge-service", "vault-service")) {
            Long pid = pids.get(svc);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pid", pid);
            out.put(svc, m);
            if (pid == null) {
                m.put("error", "not running");
                errors.add("rss: " + svc + " is not running");
                continue;
            }
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:") || line.startsWith("VmHWM:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    m.put(line.startsWith("VmRSS:") ? "rssMiB" : "peakRssMiB", Stats.round(kb / 1024.0));
                }
            }
        }
        return out;
    }

    /** Cancels the tasks the enqueue phase left PENDING on its paused machine; pauses the bench machines. */
    private Object cleanup() throws Exception {
        List<String> ids;
        synchronized (enqueued) {
            ids = new ArrayList<>(enqueued);
        }
        Log.info("cleanup: purging the %d enqueued task(s) of %s", ids.size(), enqueueMachine);
        long t0 = System.nanoTime();
        QueueApi.Purged purged = api.purge(Map.of("machine", enqueueMachine, "status", List.of("PENDING")),
                t0 + Duration.ofSeconds(180).toNanos());
        long cancelled = purged.cancelled();
        for (String m : List.of(e2eMachine, latencyMachine)) {
            api.pause(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("enqueued", ids.size());
        out.put("cancelled", cancelled);
        out.put("purgeCalls", purged.calls());
        out.put("purgeDone", purged.done());
        out.put("seconds", Stats.round((System.nanoTime() - t0) / 1e9));
        out.put("machinesPaused", List.of(enqueueMachine, e2eMachine, latencyMachine));
        Log.info("cleanup: cancelled %d in %.1f s", cancelled, (System.nanoTime() - t0) / 1e9);
        return out;
    }

    // ------------------------------------------------------------------------------ goals and table

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> goals() {
        List<Map<String, Object>> rows = new ArrayList<>();
        Object enqueue = results.get("enqueue");
        if (enqueue instanceof List<?> runs) {
            for (Object o : runs) {
                Map<String, Object> r = (Map<String, Object>) o;
                if (!r.containsKey("clients")) {
                    rows.add(Table.row("enqueue: " + r.get("error"), null, "", null, null));
                    continue;
                }
                int c = (Integer) r.get("clients");
                double rate = (Double) r.get("tasksPerSecond");
                Map<String, Object> lat = (Map<String, Object>) r.get("latencyMs");
                int rounds = (Integer) r.getOrDefault("rounds", 1);
                rows.add(Table.row("enqueue c=" + c + ": POST /api/v1/tasks 201/s (" + (rounds > 1 ? "median pair, " : "")
                        + "p50 " + lat.get("p50") + " ms)", rate, "/s", null, null));
                if (r.get("pgbenchTps") instanceof Double tps) {
                    rows.add(Table.row("pgbench c=" + c + ": 1-row INSERT TPS (the same round, avg " + r.get("pgbenchLatencyAvgMs")
                            + " ms)", tps, "/s", null, null));
                    double ratio = (Double) r.get("ratioToPgbench");
                    rows.add(Table.row("enqueue / pgbench, c=" + c + (rounds > 1 ? " (median of " + rounds + " pairs)" : ""),
                            100 * ratio, "%", ">= 50%", ratio >= 0.5));
                } else {
                    rows.add(Table.row("pgbench c=" + c + ": not measured", null, "", ">= 50%", null));
                }
            }
        }
        Double raw = null;
        if (results.get("rawSsh") instanceof Map<?, ?> m && m.get("plain") instanceof Map<?, ?> plain) {
            raw = (Double) plain.get("commandsPerSecond");
            rows.add(Table.row("raw SSH: `true`, 1 session, " + plain.get("channels") + " channels, cmd/s", raw, "/s", null, null));
            if (m.get("bridgeWrapped") instanceof Map<?, ?> w) {
                rows.add(Table.row("raw SSH: `true` wrapped like the bridge (PID line), cmd/s", (Double) w.get("commandsPerSecond"),
                        "/s", null, null));
            }
        }
        if (results.get("endToEnd") instanceof Map<?, ?> e && e.containsKey("tasksPerSecond")) {
            double rate = (Double) e.get("tasksPerSecond");
            rows.add(Table.row("end to end: " + e.get("tasks") + " x `true`, 1 machine (max 8), tasks/s", rate, "/s", null, null));
            if (raw != null) {
                double ratio = rate / raw;
                rows.add(Table.row("end to end / raw SSH", 100 * ratio, "%", ">= 70%", ratio >= 0.7));
                ((Map<String, Object>) e).put("ratioToRawSsh", Stats.round(ratio));
            }
        } else {
            rows.add(Table.row("end to end: not measured", null, "", ">= 70%", null));
        }
        if (results.get("latency") instanceof Map<?, ?> l && l.containsKey("serverCreatedToStartedMs")) {
            Map<String, Object> s = (Map<String, Object>) l.get("serverCreatedToStartedMs");
            Map<String, Object> c = (Map<String, Object>) l.get("client201ToStartedMs");
            Map<String, Object> x = (Map<String, Object>) l.get("client201ToCommandRunningMs");
            double p50 = (Double) s.get("p50");
            double p99 = (Double) s.get("p99");
            rows.add(Table.row("latency p50, server: startedAt - createdAt", p50, " ms", "< 50 ms", p50 < 50));
            rows.add(Table.row("latency p99, server: startedAt - createdAt", p99, " ms", "< 250 ms", p99 < 250));
            double c50 = (Double) c.get("p50");
            double c99 = (Double) c.get("p99");
            rows.add(Table.row("latency p50, client: 201 received -> startedAt", c50, " ms", "< 50 ms", c50 < 50));
            rows.add(Table.row("latency p99, client: 201 received -> startedAt", c99, " ms", "< 250 ms", c99 < 250));
            if (x.get("p50") instanceof Double x50) {
                rows.add(Table.row("latency p50 / p99, 201 -> command running (info; p99 " + x.get("p99") + " ms)", x50, " ms", null, null));
            }
        } else {
            rows.add(Table.row("latency: not measured", null, "", "< 50 / < 250 ms", null));
        }
        rows.addAll(QueueCost.rows(results.get(QueueCost.PHASE)));
        if (results.get("rss") instanceof Map<?, ?> rss) {
            for (Map.Entry<?, ?> en : rss.entrySet()) {
                if (en.getValue() instanceof Map<?, ?> v && v.get("rssMiB") instanceof Double mib) {
                    rows.add(Table.row("RSS " + en.getKey() + " (VmRSS; peak " + v.get("peakRssMiB") + " MiB)", mib, " MiB", null, null));
                }
            }
        }
        return rows;
    }

    private void printTable(List<Map<String, Object>> rows) {
        StringBuilder sb = new StringBuilder(Table.format(rows));
        sb.append("\nPostgreSQL (pgbench and the services alike): ").append(opts.getOrDefault("pg-durability", "unknown")).append('\n');
        List<String> busy = busyPhases();
        if (!busy.isEmpty()) {
            sb.append("\nprocesses outside the stack used CPU during measured phases (shared machine): ")
                    .append(String.join(", ", busy)).append('\n');
        }
        if (!errors.isEmpty()) {
            sb.append("\nphases that could not be measured:\n");
            errors.forEach(e -> sb.append("  ").append(e).append('\n'));
        }
        System.out.print(sb);
        System.out.flush();
    }

    /** Measured phases during which processes outside the stack used more than 0.25 cores. */
    @SuppressWarnings("unchecked")
    private List<String> busyPhases() {
        Map<String, Object> phases = new LinkedHashMap<>();
        if (results.get("rawSsh") instanceof Map<?, ?> raw && raw.get("plain") instanceof Map<?, ?> plain) {
            phases.put("raw SSH", plain.get("cpu"));
        }
        if (results.get("enqueue") instanceof List<?> runs) {
            for (Object o : runs) {
                if (o instanceof Map<?, ?> r && r.containsKey("clients")) {
                    phases.put("enqueue c=" + r.get("clients"), r.get("cpu"));
                }
            }
        }
        if (results.get("endToEnd") instanceof Map<?, ?> e) {
            phases.put("end to end", e.get("cpu"));
        }
        if (results.get(QueueCost.PHASE) instanceof Map<?, ?> q && q.get("saturated") instanceof Map<?, ?> sat) {
            phases.put("queue cost", sat.get("cpu"));
        }
        List<String> busy = new ArrayList<>();
        phases.forEach((name, c) -> {
            if (c instanceof Map<?, ?> m && m.get("otherCores") instanceof Double other && other > 0.25) {
                busy.add(String.format(Locale.ROOT, "%s %.2f cores", name, other));
            }
        });
        return busy;
    }

    // ------------------------------------------------------------------------------ helpers

    static Map<String, Object> activity(LockSampler locks) {
        if (locks == null) {
            return Map.of("error", "psql not available");
        }
        try (locks) {
            return locks.results();
        }
    }

    private void startProfile(String label) {
        if (profiler != null) {
            profiler.start(label);
        }
    }

    private void stopProfile(String label) {
        if (profiler != null) {
            profiler.stop(label);
        }
    }

    private Map<String, Object> settings(List<Integer> clients) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("postgres", opts.getOrDefault("pg-durability", "unknown"));
        s.put("enqueueClients", clients);
        s.put("enqueueSeconds", intOpt("enqueue-seconds", 15));
        s.put("enqueueWarmupSeconds", intOpt("enqueue-warmup-seconds", 3));
        s.put("enqueueFirstWarmupSeconds", intOpt("enqueue-first-warmup-seconds", 30));
        s.put("enqueueClientThreads", intOpt("enqueue-client-threads", 2));
        s.put("e2eTasks", intOpt("e2e-tasks", 1000));
        s.put("e2eWarmupTasks", intOpt("e2e-warmup", 80));
        s.put("e2ePostClients", intOpt("e2e-post-clients", 16));
        s.put("rawSshCommands", intOpt("raw-ssh-commands", 1000));
        s.put("rawSshChannels", intOpt("raw-ssh-channels", 8));
        s.put("latencyTasks", intOpt("latency-tasks", 200));
        s.put("latencyPauseMs", intOpt("latency-pause-ms", 100));
        s.put("bridgeBatchSize", bridgeBatchSize());
        s.put("queueCost", new QueueCost(api, pids, pg, profiler, runId, opts).settings());
        return s;
    }

    /** The bridge's rediacc.bridge.batch-size: from its environment or command line, else the default 8. */
    private String bridgeBatchSize() {
        Long pid = pids.get("bridge-service");
        if (pid == null) {
            return "unknown";
        }
        try {
            for (String e : Files.readString(Path.of("/proc/" + pid + "/environ")).split("\0")) {
                if (e.startsWith("REDIACC_BRIDGE_BATCH_SIZE=")) {
                    return e.substring(e.indexOf('=') + 1) + " (environment)";
                }
            }
            for (String a : Files.readString(Path.of("/proc/" + pid + "/cmdline")).split("\0")) {
                if (a.startsWith("-Drediacc.bridge.batch-size=")) {
                    return a.substring(a.indexOf('=') + 1) + " (system property)";
                }
            }
        } catch (IOException e) {
            return "unknown";
        }
        return "8 (default)";
    }

    private Map<String, Object> hostInfo() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("cores", Runtime.getRuntime().availableProcessors());
        h.put("loadAverageBefore", loadAverage());
        h.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
        h.put("gitRevision", opts.getOrDefault("git-rev", ""));
        h.put("busyNote", opts.getOrDefault("busy-note", ""));
        return h;
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "";
        }
    }

    /** The live processes of {@link #STACK}, from the PID files of the dev stack (.dev/run). */
    static Map<String, Long> stackPids() {
        Path runDir = Path.of(env("REDIACC_DEV_DIR"), "run");
        Map<String, Long> pids = new LinkedHashMap<>();
        for (String name : STACK) {
            String file = name.equals("sshd") ? "sshd-demo-01" : name;
            readPid(runDir.resolve(file + ".pid")).ifPresent(pid -> pids.put(name, pid));
        }
        return pids;
    }

    private static java.util.Optional<Long> readPid(Path file) {
        try {
            long pid = Long.parseLong(Files.readString(file).trim().split("\\s+")[0]);
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(h -> pid);
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    private static double ms(Instant a, Instant b) {
        return Duration.between(a, b).toNanos() / 1e6;
    }

    private static long micros(Instant i) {
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
}
