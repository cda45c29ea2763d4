package com.rediacc.bench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Issue 24's benchmark: {@code POST /api/v1/tasks/batch} of {@code --batch} tasks (1,000) per call from
 * {@code --clients} clients (4: keep-alive connections with one call in flight each, on 2 threads,
 * HttpLoad, as pgbench's {@code -c 4 -j 2}), to a paused machine so the tasks are only enqueued;
 * tasks per second = items answered 201 in the calls completed within the window / the window.
 * Side by side with pgbench inserting the same number of rows per transaction ({@code -D rows=1000})
 * into a table of the tasks table's shape (bench/pgbench-insert-tasks-batch.sql: the goal's baseline)
 * and, for comparison, into bench/run's narrow table (bench/pgbench-insert-batch.sql), paired as
 * bench/run pairs its enqueue windows: {@code --rounds} rounds, each pgbench on both tables right
 * before its window,
 * autovacuum waited for and a CHECKPOINT before either side. The pair with the median ratio is the
 * figure, with its call latency and its CPU per 1,000 tasks. bench/batch runs it; see bench/README.md
 * ("Batch create"). Progress on stderr, the table on stdout, everything in the JSON file of {@code --out}.
 */
public final class BatchBench {
    private static final String PATH = "/api/v1/tasks/batch";
    private static final Duration CLEANUP_LIMIT = Duration.ofSeconds(1200);
    private static final List<String> REST_OF_STACK = List.of("bridge-service", "vault-service", "kafka", "sshd");

    private final Map<String, String> opts;
    private final Map<String, Object> results = new LinkedHashMap<>();
    private final PgStats pg = new PgStats();
    private final ObjectMapper json = new ObjectMapper();
    /** Tasks calls answered 201 for, all loads (deleted at the end). Counted, not kept: 9 million ids outgrew the heap. */
    private long created;
    private QueueApi api;
    private Cpu cpu;
    private String machine;
    private int batch;
    private int threads;
    /** The batch call's path, with the answer's view. */
    private String path;

    private BatchBench(Map<String, String> opts) {
        this.opts = opts;
    }

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Bench.exit(() -> new BatchBench(Bench.parse(args)).run());
    }

    private int intOpt(String name, int fallback) {
        return Bench.intOpt(opts, name, fallback);
    }

    /** 0: measured (goal met or not); 4: could not measure. */
    private int run() throws Exception {
        int clients = intOpt("clients", 4);
        batch = intOpt("batch", 1000);
        int seconds = intOpt("seconds", 20);
        int rounds = intOpt("rounds", 3);
        int warmupSeconds = intOpt("warmup-seconds", 30);
        Duration idleWait = Duration.ofSeconds(intOpt("idle-wait-seconds", 120));
        String view = opts.getOrDefault("view", "full");
        path = PATH + "?view=" + view;
        threads = Math.min(clients, intOpt("client-threads", 2));
        String runId = opts.getOrDefault("run-id", Long.toString(Instant.now().getEpochSecond()));
        if (!runId.matches("[a-z0-9][a-z0-9-]{0,40}") || clients < 1 || batch < 1 || batch > 1000 || seconds < 1
                || rounds < 1 || warmupSeconds < 0 || threads < 1 || idleWait.isNegative() || !view.matches("full|ids")) {
            throw new IllegalArgumentException("want --run-id of lowercase letters, digits and '-', positive counts,"
                    + " --batch of at most 1000 (the API's limit) and --view full or ids");
        }
        Path out = Path.of(opts.getOrDefault("out", "bench-batch.json"));
        Path script = Path.of(opts.get("pgbench-script-file"));
        Path narrowScript = Path.of(opts.get("pgbench-narrow-script-file"));
        Path workDir = Path.of(opts.getOrDefault("work-dir", System.getProperty("java.io.tmpdir")));
        Map<String, String> rows = Map.of("rows", Integer.toString(batch));
        Pgbench pgbench = new Pgbench(opts.get("pgbench-bin"), Bench.env("BENCH_PSQL"), script, workDir, "pgbench-batch", rows);
        Pgbench narrowPgbench = new Pgbench(opts.get("pgbench-bin"), Bench.env("BENCH_PSQL"), narrowScript, workDir,
                "pgbench-batch-narrow", rows);
        api = new QueueApi(Bench.env("REDIACC_URL"), Bench.env("REDIACC_TOKEN"));
        Map<String, Long> pids = new LinkedHashMap<>(Bench.stackPids());
        if (!pids.containsKey("queue-service")) {
            throw new IllegalStateException("queue-service is not running (no live PID in .dev/run); run ./dev/stack up");
        }
        pids.put("bench-client", ProcessHandle.current().pid());
        cpu = new Cpu(pids);
        machine = "bench-batch-" + runId;

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("postgres", opts.getOrDefault("pg-durability", "unknown"));
        settings.put("clients", clients);
        settings.put("clientThreads", threads);
        settings.put("batch", batch);
        settings.put("seconds", seconds);
        settings.put("rounds", rounds);
        settings.put("warmupSeconds", warmupSeconds);
        settings.put("view", view);
        settings.put("idleWaitSeconds", idleWait.toSeconds());
        settings.put("gitRevision", opts.getOrDefault("git-rev", ""));
        Map<String, Object> pgInfo = new LinkedHashMap<>();
        pgInfo.put("table", "bench.pgbench_tasks (LIKE tasks INCLUDING ALL): the goal's baseline");
        pgInfo.put("script", sqlOf(script));
        pgInfo.put("command", String.join(" ", pgbench.command(clients, seconds)));
        pgInfo.put("narrowTable", "bench.pgbench_insert (bench/run's 6 columns, one index): for comparison");
        pgInfo.put("narrowScript", sqlOf(narrowScript));
        pgInfo.put("narrowCommand", String.join(" ", narrowPgbench.command(clients, seconds)));
        pgInfo.put("rowsPerTransaction", batch);
        pgInfo.put("pairedWith", "each batch window, run just before it (pairs[].pgbenchNarrow, then pairs[].pgbench)");
        results.put("runId", runId);
        results.put("startedAt", Instant.now().toString());
        results.put("settings", settings);
        results.put("pgbench", pgInfo);
        results.put("stack", pids);
        results.put("loadAverageBefore", loadAverage());

        String couldNotMeasure = null;
        List<Map<String, Object>> pairs = new ArrayList<>();
        results.put("pairs", pairs);
        try {
            Cpu.Snapshot before = cpu.snapshot();
            Thread.sleep(2000);
            Map<String, Object> busy = Cpu.between(before, cpu.snapshot(), 0);
            results.put("machineBeforeRun", busy);
            Log.info("machine before the run: %s of %s cores busy, %s of them outside the stack",
                    busy.get("machineBusyCores"), busy.get("machineCores"), busy.get("otherCores"));
            registerMachine();
            String body = batchBody(machine, batch);
            results.put("requestBytes", body.length());

            // As long as a window: with 10 calls a client (2.6 s, until 7 December 2026), queue-service's
            // JIT still took 4.7 s of CPU in the first 20-s window, which made 40,000 tasks/s of the
            // 53,000 of the third.
            Log.info("warm-up: %d s of calls of %d tasks, %d clients", warmupSeconds, batch, clients);
            Calls warm = drive(body, clients, Duration.ofSeconds(warmupSeconds));
            Map<String, Object> warmup = new LinkedHashMap<>();
            warmup.put("calls", warm.replies.get());
            warmup.put("created", warm.createdTotal());
            warmup.put("seconds", Stats.round(warm.seconds));
            results.put("warmup", warmup);
            warm.check("warm-up");
            Log.info("warm-up: %d calls, %d tasks created in %.1f s", warm.replies.get(), warm.createdTotal(), warm.seconds);

            for (int round = 1; round <= rounds; round++) {
                Map<String, Object> pair = new LinkedHashMap<>();
                pair.put("round", round);
                pairs.add(pair);
                pair.put("idleBefore", Bench.waitIdle(cpu, idleWait)); // the relay's backlog of the window before
                pair.put("beforePgbenchNarrow", narrowPgbench.quiet());
                pair.put("pgbenchNarrow", baseline(narrowPgbench, "narrow table", clients, seconds, round, rounds));
                pair.put("beforePgbench", pgbench.quiet());
                Map<String, Object> pgb = baseline(pgbench, "tasks' shape", clients, seconds, round, rounds);
                pair.put("pgbench", pgb);
                double rowsPerSecond = (Double) pgb.get("rowsPerSecond");
                pair.put("beforeBatch", pgbench.quiet());
                Log.info("batch c=%d x %d: measuring %d s, round %d of %d", clients, batch, seconds, round, rounds);
                Map<String, Object> window = window(clients, seconds, body);
                pair.put("batch", window);
                if (window.containsKey("failedCalls")) {
                    throw new IllegalStateException("batch window " + round + ": " + window.get("failedCalls")
                            + " call(s) failed, first: " + window.get("firstError"));
                }
                double ratio = (Double) window.get("tasksPerSecond") / rowsPerSecond;
                pair.put("ratioToPgbench", round4(ratio)); // 0.01 would show 52.0% for 52.2%
                double narrowRowsPerSecond = (Double) ((Map<?, ?>) pair.get("pgbenchNarrow")).get("rowsPerSecond");
                pair.put("ratioToNarrowPgbench", round4((Double) window.get("tasksPerSecond") / narrowRowsPerSecond));
                Log.info("round %d: %s tasks/s, %.1f%% of pgbench's %.0f rows/s of the tasks' shape (%.0f rows/s narrow)",
                        round, window.get("tasksPerSecond"), 100 * ratio, rowsPerSecond, narrowRowsPerSecond);
            }
            List<Map<String, Object>> byRatio = new ArrayList<>(pairs);
            byRatio.sort(Comparator.comparingDouble(p -> (Double) p.get("ratioToPgbench")));
            Map<String, Object> median = byRatio.get((byRatio.size() - 1) / 2);
            Map<String, Object> figure = new LinkedHashMap<>();
            figure.put("medianOfRound", median.get("round"));
            figure.put("ratioToPgbench", median.get("ratioToPgbench"));
            figure.put("tasksPerSecond", ((Map<?, ?>) median.get("batch")).get("tasksPerSecond"));
            figure.put("pgbenchRowsPerSecond", ((Map<?, ?>) median.get("pgbench")).get("rowsPerSecond"));
            figure.put("ratioOfRounds", pairs.stream().map(p -> p.get("ratioToPgbench")).toList());
            figure.put("tasksPerSecondOfRounds", pairs.stream().map(p -> ((Map<?, ?>) p.get("batch")).get("tasksPerSecond")).toList());
            figure.put("pgbenchRowsPerSecondOfRounds", pairs.stream().map(p -> ((Map<?, ?>) p.get("pgbench")).get("rowsPerSecond")).toList());
            figure.put("ratioToNarrowPgbenchOfRounds", pairs.stream().map(p -> p.get("ratioToNarrowPgbench")).toList());
            figure.put("narrowPgbenchRowsPerSecondOfRounds",
                    pairs.stream().map(p -> ((Map<?, ?>) p.get("pgbenchNarrow")).get("rowsPerSecond")).toList());
            figure.put("queueServiceJitCpuMsOfRounds", pairs.stream().map(p -> queueServiceJitMs((Map<?, ?>) p.get("batch"))).toList());
            results.put("figure", figure);
        } catch (Exception e) {
            couldNotMeasure = e.getClass().getSimpleName() + ": " + e.getMessage();
            Log.info("could not measure: %s", couldNotMeasure);
        } finally {
            results.put("cleanup", cleanup());
        }

        List<Map<String, Object>> table = table(clients, rounds);
        results.put("table", table);
        results.put("couldNotMeasure", couldNotMeasure);
        results.put("loadAverageAfter", loadAverage());
        results.put("finishedAt", Instant.now().toString());
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), results);
        StringBuilder printed = new StringBuilder(Table.format(table));
        printed.append("\nPostgreSQL (pgbench and the services alike): ").append(settings.get("postgres")).append('\n');
        List<String> busy = busyPairs(pairs);
        if (!busy.isEmpty()) {
            printed.append("\nprocesses outside the stack used CPU during batch windows (shared machine): ")
                    .append(String.join(", ", busy)).append('\n');
        }
        if (couldNotMeasure != null) {
            printed.append("\ncould not measure: ").append(couldNotMeasure).append('\n');
        }
        System.out.print(printed);
        System.out.flush();
        Log.info("results written to %s", out);
        return couldNotMeasure == null ? 0 : 4;
    }

    /** One pgbench round of {@code batch}-row INSERTs into {@code table}. */
    private Map<String, Object> baseline(Pgbench pgbench, String table, int clients, int seconds, int round, int rounds)
            throws Exception {
        Log.info("pgbench c=%d into the %s: %d s, round %d of %d", clients, table, seconds, round, rounds);
        Pgbench.Round r = pgbench.run(clients, seconds, round);
        double rowsPerSecond = r.tps() * batch;
        Map<String, Object> pgb = new LinkedHashMap<>();
        pgb.put("tps", Stats.round(r.tps()));
        pgb.put("rowsPerSecond", Stats.round(rowsPerSecond));
        pgb.put("latencyAvgMs", Stats.round(r.latencyMs()));
        Log.info("pgbench round %d (%s): %.2f TPS = %.0f rows/s, latency average %.2f ms", round, table, r.tps(),
                rowsPerSecond, r.latencyMs());
        return pgb;
    }

    private static String sqlOf(Path script) throws IOException {
        return Files.readAllLines(script).stream().filter(l -> !l.startsWith("--")).collect(Collectors.joining(" ")).trim();
    }

    /** A machine on the dev stack's sshd, as Bench registers bench-enq-&lt;run&gt;, paused: tasks are only enqueued. */
    private void registerMachine() throws Exception {
        int port = Integer.parseInt(Bench.env("SSH_PORT"));
        String credential = opts.getOrDefault("credential", "demo-01");
        // team "default": dev/stack stores the demo-01 credential in that team's vault
        String team = opts.getOrDefault("team", "default");
        api.registerMachine(machine, team, port, Bench.env("DEMO_SSH_USER"), Bench.env("DEMO_SSH_HOST_KEY"), credential, 8);
        api.pause(machine);
        Log.info("registered %s (paused): 127.0.0.1:%d, credential %s, team %s", machine, port, credential, team);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", machine);
        m.put("team", team);
        m.put("credential", credential);
        m.put("paused", true);
        results.put("machine", m);
    }

    static String batchBody(String machine, int tasks) {
        String item = QueueApi.taskBody(machine, "true", 3);
        return "{\"tasks\":[" + String.join(",", Collections.nCopies(tasks, item)) + "]}";
    }

    // ------------------------------------------------------------------------------ the load

    /** One measured window: its calls, their latency, the CPU and PostgreSQL counters until the last answer. */
    private Map<String, Object> window(int clients, int seconds, String body) throws Exception {
        Map<String, Long> pgA = pg.snapshot();
        LockSampler locks = LockSampler.start();
        Cpu.Snapshot a = cpu.snapshot();
        Calls calls = drive(body, clients, Duration.ofSeconds(seconds));
        Cpu.Snapshot b = cpu.snapshot();
        Map<String, Object> activity = Bench.activity(locks);
        Map<String, Long> pgB = pg.snapshot();

        int inWindow = calls.sum(calls.createdInWindow);
        // the CPU runs until the last call was answered: per task of every call of the window, late ones too
        int all = calls.createdTotal();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("calls", calls.sum(calls.callsInWindow));
        out.put("created", inWindow);
        out.put("tasksPerSecond", Stats.round(inWindow / (double) seconds));
        out.put("itemsNotCreated", calls.sum(calls.refusedInWindow));
        if (!calls.refusedByStatus.isEmpty()) {
            out.put("itemsNotCreatedByStatus", new TreeMap<>(calls.refusedByStatus));
            out.put("firstItemProblem", calls.firstRefusal.get());
        }
        out.put("callsAnsweredAfterTheWindow", calls.sum(calls.callsLate));
        out.put("createdByCallsAnsweredAfterTheWindow", all - inWindow);
        out.put("callLatencyMs", Stats.summary(calls.latencies()));
        Map<String, Object> used = Cpu.between(a, b, all);
        out.put("cpuMsPer1000Tasks", per1000(used, all));
        out.put("cpu", used);
        out.put("postgres", PgStats.between(pgA, pgB, all));
        out.put("pgActivity", activity);
        if (calls.failed.get() > 0) {
            out.put("failedCalls", calls.failed.get());
            out.put("firstError", calls.firstError.get());
        }
        Log.info("batch: %.1f tasks/s (%d calls, %d created in the window), call p50 %s / p99 %s ms; CPU-ms per 1,000 tasks: %s",
                inWindow / (double) seconds, calls.sum(calls.callsInWindow), inWindow,
                Stats.summary(calls.latencies()).get("p50"), Stats.summary(calls.latencies()).get("p99"),
                out.get("cpuMsPer1000Tasks"));
        return out;
    }

    /** {@code clients} connections POST the batch back to back for {@code window}; then every call in flight is answered. */
    private Calls drive(String body, int clients, Duration window) throws Exception {
        Calls calls = new Calls(clients);
        long t0 = System.nanoTime();
        try (HttpLoad http = api.postLoad(path, body, clients, threads, "batch", calls)) {
            calls.deadline = System.nanoTime() + window.toNanos();
            http.sending(true);
            Thread.sleep(window);
            http.sending(false);
            if (!http.awaitIdle(QueueApi.TIMEOUT.toMillis())) {
                calls.fail("calls still unanswered " + QueueApi.TIMEOUT.toSeconds() + " s after the window");
            }
        } finally {
            calls.seconds = (System.nanoTime() - t0) / 1e9;
            created += calls.createdTotal();
        }
        return calls;
    }

    /** What the calls of one load were answered; per connection (each on one selector thread), read after it drained. */
    private final class Calls implements HttpLoad.Listener {
        volatile long deadline = Long.MAX_VALUE;
        double seconds;
        final AtomicInteger replies = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicReference<String> firstError = new AtomicReference<>();
        final AtomicReference<String> firstRefusal = new AtomicReference<>();
        final Map<Integer, Integer> refusedByStatus = Collections.synchronizedMap(new TreeMap<>());
        final int[] callsInWindow;
        final int[] createdInWindow;
        final int[] refusedInWindow;
        final int[] callsLate;
        final List<List<Double>> latencyMs = new ArrayList<>();
        // written on the connection's selector thread, read after the load drained (or was closed)
        final AtomicIntegerArray createdAll;

        Calls(int connections) {
            callsInWindow = new int[connections];
            createdInWindow = new int[connections];
            refusedInWindow = new int[connections];
            callsLate = new int[connections];
            createdAll = new AtomicIntegerArray(connections);
            for (int i = 0; i < connections; i++) {
                latencyMs.add(new ArrayList<>());
            }
        }

        @Override
        public void reply(int connection, int status, String body, long sentNanos, long receivedNanos) {
            try {
                if (status != 200) {
                    fail("HTTP " + status + ": " + QueueApi.abbreviate(body));
                    return;
                }
                Answer answer;
                try {
                    answer = Answer.parse(json, body);
                } catch (IOException | RuntimeException e) {
                    fail("unreadable answer: " + e + ": " + QueueApi.abbreviate(body));
                    return;
                }
                createdAll.addAndGet(connection, answer.created());
                if (answer.items() != batch) {
                    fail(answer.items() + " results for " + batch + " tasks");
                }
                answer.refusedByStatus().forEach((s, n) -> refusedByStatus.merge(s, n, Integer::sum));
                if (answer.firstProblem() != null) {
                    firstRefusal.compareAndSet(null, answer.firstProblem());
                }
                if (receivedNanos <= deadline) {
                    callsInWindow[connection]++;
                    createdInWindow[connection] += answer.created();
                    refusedInWindow[connection] += answer.items() - answer.created();
                    latencyMs.get(connection).add((receivedNanos - sentNanos) / 1e6);
                } else {
                    callsLate[connection]++;
                }
            } finally {
                replies.incrementAndGet();
            }
        }

        @Override
        public void failure(int connection, IOException error) {
            fail(error.toString());
        }

        void fail(String message) {
            failed.incrementAndGet();
            firstError.compareAndSet(null, message);
        }

        /** Throws when a call failed (an HTTP error, a connection lost, an answer of the wrong shape). */
        void check(String what) {
            if (failed.get() > 0) {
                throw new IllegalStateException(what + ": " + failed.get() + " call(s) failed, first: " + firstError.get());
            }
        }

        int sum(int[] perConnection) {
            int n = 0;
            for (int v : perConnection) {
                n += v;
            }
            return n;
        }

        int createdTotal() {
            int n = 0;
            for (int i = 0; i < createdAll.length(); i++) {
                n += createdAll.get(i);
            }
            return n;
        }

        List<Double> latencies() {
            List<Double> all = new ArrayList<>();
            latencyMs.forEach(all::addAll);
            return all;
        }
    }

    /**
     * One call's answer, read as a stream (about 0.5 MB for 1,000 tasks, on the load's selector
     * thread): {@code {"results": [{"status": 201, "task": {"taskId": ...}} | {"status": 4xx, "problem": {...}}]}}.
     */
    record Answer(int items, int created, Map<Integer, Integer> refusedByStatus, String firstProblem) {
        static Answer parse(ObjectMapper mapper, String body) throws IOException {
            int items = 0;
            int created = 0;
            Map<Integer, Integer> refused = new TreeMap<>();
            String firstProblem = null;
            try (JsonParser p = mapper.createParser(body)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw new IOException("not a JSON object");
                }
                boolean sawResults = false;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    if (!"results".equals(field) || value != JsonToken.START_ARRAY) {
                        p.skipChildren();
                        continue;
                    }
                    sawResults = true;
                    JsonToken t;
                    while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
                        int status = -1;
                        String id = null;
                        String problem = null;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String name = p.currentName();
                            JsonToken v = p.nextToken();
                            if ("status".equals(name) && v == JsonToken.VALUE_NUMBER_INT) {
                                status = p.getIntValue();
                            } else if ("task".equals(name) && v == JsonToken.START_OBJECT) {
                                while (p.nextToken() == JsonToken.FIELD_NAME) {
                                    String taskField = p.currentName();
                                    p.nextToken();
                                    if ("taskId".equals(taskField)) {
                                        id = p.getText();
                                    } else {
                                        p.skipChildren();
                                    }
                                }
                            } else if ("problem".equals(name) && v == JsonToken.START_OBJECT) {
                                problem = mapper.readTree(p).toString();
                            } else {
                                p.skipChildren();
                            }
                        }
                        items++;
                        if (status == 201 && id != null) {
                            created++;
                        } else {
                            refused.merge(status, 1, Integer::sum);
                            if (firstProblem == null) {
                                firstProblem = "HTTP " + status + (problem == null ? "" : ": " + QueueApi.abbreviate(problem));
                            }
                        }
                    }
                    if (t != JsonToken.END_ARRAY) {
                        throw new IOException("a result that is not an object: " + t);
                    }
                }
                if (!sawResults) {
                    throw new IOException("no results");
                }
            }
            return new Answer(items, created, refused, firstProblem);
        }
    }

    // ------------------------------------------------------------------------------ cleanup

    /**
     * Deletes the run's tasks with SQL (TaskSql): they are this run's own, PENDING on its paused machine, and
     * never ran. Cancelling them through the API, one transition each, took longer than the whole
     * measurement (about 1,500 tasks/s against hundreds of thousands created).
     */
    private Map<String, Object> cleanup() {
        Map<String, Object> out = new LinkedHashMap<>();
        if (machine == null || api == null) {
            return out;
        }
        long t0 = System.nanoTime();
        try {
            Log.info("cleanup: deleting the %d task(s) this run created on %s (PENDING, paused machine)", created, machine);
            out.put("enqueued", created);
            out.put("deleted", TaskSql.deletePendingOf(machine, CLEANUP_LIMIT));
            int left = pendingTasks().size();
            out.put("pendingLeft", left);
            out.put("seconds", Stats.round((System.nanoTime() - t0) / 1e9));
            out.put("machinePaused", machine);
            Log.info("cleanup: deleted %s in %.1f s; %d PENDING left; %s stays paused", out.get("deleted"),
                    (System.nanoTime() - t0) / 1e9, left, machine);
            if (left > 0) {
                out.put("error", "incomplete: PENDING left " + left);
            }
        } catch (Exception e) {
            out.put("error", e.toString());
            Log.info("cleanup FAILED: %s", e);
        }
        return out;
    }

    /** Up to 1,000 PENDING tasks of the machine. */
    private List<String> pendingTasks() throws IOException, InterruptedException {
        QueueApi.Reply reply = api.get("/api/v1/tasks?limit=1000&status=PENDING&machine="
                + URLEncoder.encode(machine, StandardCharsets.UTF_8));
        if (reply.status() != 200) {
            throw new IllegalStateException("listing PENDING tasks of " + machine + ": HTTP " + reply.status() + ": "
                    + QueueApi.abbreviate(reply.body()));
        }
        List<String> ids = new ArrayList<>();
        for (JsonNode t : reply.json(json).path("items")) {
            ids.add(t.path("taskId").asText());
        }
        return ids;
    }

    // ------------------------------------------------------------------------------ table

    /** CPU-ms per 1,000 tasks of each component, from its CPU-ms (not the rounded per-task figure). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> per1000(Map<String, Object> used, int tasks) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (tasks <= 0) {
            return out;
        }
        double stack = 0;
        for (Map.Entry<String, Map<String, Object>> c : ((Map<String, Map<String, Object>>) used.get("components")).entrySet()) {
            double ms = (Double) c.getValue().get("cpuMs");
            out.put(c.getKey(), Stats.round(1000 * ms / tasks));
            if (c.getValue().get("jitCpuMs") instanceof Double jit) {
                out.put(c.getKey() + " JIT", Stats.round(1000 * jit / tasks));
            }
            stack += ms;
        }
        out.put("all", Stats.round(1000 * stack / tasks));
        return out;
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> table(int clients, int rounds) {
        List<Map<String, Object>> rows = new ArrayList<>();
        if (!(results.get("figure") instanceof Map<?, ?> figure)) {
            rows.add(Table.row("batch / pgbench: not measured", null, "", ">= 50%", null));
            return rows;
        }
        List<Map<String, Object>> pairs = (List<Map<String, Object>>) results.get("pairs");
        Map<String, Object> median = pairs.get((Integer) figure.get("medianOfRound") - 1);
        Map<String, Object> window = (Map<String, Object>) median.get("batch");
        Map<String, Object> pgb = (Map<String, Object>) median.get("pgbench");
        String of = rounds > 1 ? " (median pair: " + figure.get("medianOfRound") + " of " + rounds + ")" : "";
        rows.add(Table.row(String.format(Locale.ROOT, "batch c=%d x %d: POST /api/v1/tasks/batch, tasks (201) per s%s",
                clients, batch, of), (Double) window.get("tasksPerSecond"), "/s", null, null));
        rows.add(Table.row(String.format(Locale.ROOT, "pgbench c=%d: %d-row INSERT per transaction into the tasks' shape, rows/s"
                + " (%s TPS, the same pair)", clients, batch, pgb.get("tps")), (Double) pgb.get("rowsPerSecond"), "/s", null, null));
        double ratio = (Double) figure.get("ratioToPgbench");
        rows.add(Table.row("batch / pgbench" + (rounds > 1 ? " (median of " + rounds + " pairs)" : ""), 100 * ratio, "%",
                ">= 50%", ratio >= 0.5));
        Map<String, Object> narrow = (Map<String, Object>) median.get("pgbenchNarrow");
        rows.add(Table.row(String.format(Locale.ROOT, "  for comparison: pgbench into bench/run's narrow table, rows/s (%s TPS)",
                narrow.get("tps")), (Double) narrow.get("rowsPerSecond"), "/s", null, null));
        rows.add(Table.row("  batch / narrow pgbench (the same pair)", 100 * (Double) median.get("ratioToNarrowPgbench"), "%",
                null, null));
        if (rounds > 1) {
            for (Map<String, Object> p : pairs) {
                Map<String, Object> w = (Map<String, Object>) p.get("batch");
                Map<String, Object> g = (Map<String, Object>) p.get("pgbench");
                rows.add(Table.row(String.format(Locale.ROOT, "  pair %s: batch %.0f tasks/s / pgbench (tasks' shape) %.0f rows/s", p.get("round"),
                        (Double) w.get("tasksPerSecond"), (Double) g.get("rowsPerSecond")),
                        100 * (Double) p.get("ratioToPgbench"), "%", null, null));
            }
        }
        Map<String, Object> latency = (Map<String, Object>) window.get("callLatencyMs");
        rows.add(Table.row("batch call latency p50 (" + latency.get("count") + " calls)", (Double) latency.get("p50"), " ms", null, null));
        rows.add(Table.row("batch call latency p99", (Double) latency.get("p99"), " ms", null, null));
        Map<String, Object> per1000 = (Map<String, Object>) window.get("cpuMsPer1000Tasks");
        rows.add(Table.row(String.format(Locale.ROOT, "CPU per 1,000 tasks: queue-service (JIT %s ms)",
                per1000.getOrDefault("queue-service JIT", 0.0)), (Double) per1000.get("queue-service"), " ms", null, null));
        rows.add(Table.row("CPU per 1,000 tasks: PostgreSQL", (Double) per1000.get("postgres"), " ms", null, null));
        double rest = REST_OF_STACK.stream().mapToDouble(n -> per1000.get(n) instanceof Double d ? d : 0).sum();
        rows.add(Table.row("CPU per 1,000 tasks: rest of the stack (" + String.join(", ", REST_OF_STACK) + ")", rest, " ms", null, null));
        rows.add(Table.row("CPU per 1,000 tasks: this bench (its " + clients + " clients)",
                (Double) per1000.get("bench-client"), " ms", null, null));
        Map<String, Object> used = (Map<String, Object>) window.get("cpu");
        rows.add(Table.row("machine busy in the window (of " + used.get("machineCores") + " cores; " + used.get("otherCores")
                + " outside the stack)", (Double) used.get("machineBusyCores"), " cores", null, null));
        int notCreated = pairs.stream().mapToInt(p -> (Integer) ((Map<String, Object>) p.get("batch")).get("itemsNotCreated")).sum();
        rows.add(Table.row("items answered other than 201, all windows", (double) notCreated, "", null, null));
        return rows;
    }

    /** Windows during which processes outside the stack used more than 0.25 cores. */
    private static List<String> busyPairs(List<Map<String, Object>> pairs) {
        List<String> busy = new ArrayList<>();
        for (Map<String, Object> p : pairs) {
            if (p.get("batch") instanceof Map<?, ?> w && w.get("cpu") instanceof Map<?, ?> c
                    && c.get("otherCores") instanceof Double other && other > 0.25) {
                busy.add(String.format(Locale.ROOT, "pair %s %.2f cores", p.get("round"), other));
            }
        }
        return busy;
    }

    private static double round4(double v) {
        return Math.round(v * 10_000.0) / 10_000.0;
    }

    private static Object queueServiceJitMs(Map<?, ?> window) {
        if (window != null && window.get("cpu") instanceof Map<?, ?> cpu && cpu.get("components") instanceof Map<?, ?> components
                && components.get("queue-service") instanceof Map<?, ?> qs) {
            return qs.get("jitCpuMs");
        }
        return null;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "";
        }
    }
}
