package com.rediacc.bench;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Issue 20's figure: the CPU of queue-service with {@code --tabs} (20) web console tabs open while
 * {@code --rate} (500) tasks per second are created, side by side with the same rate and no tab. The
 * tasks go to a paused machine (created, never run): each creation's {@code task.created} event
 * flows through the outbox, Kafka and the console's feed to every tab, which must coalesce them
 * (at most one message per 500 ms tick), not send one message per task per tab.
 *
 * <p>The load runs without a break from the warm-up to the last window: {@code --batch} (50) tasks per
 * {@code POST /api/v1/tasks/batch}, one call every batch/rate seconds (100 ms), paced by a clock, up
 * to 8 calls in flight. The windows alternate, {@code --rounds} (2) times: A (no tab) then B (the tabs
 * open: each signs in with the form, loads its page, opens its stream, half of them the overview of
 * the machine's team, half the task list filtered to the machine; the window starts once every tab
 * has received its first message). Each window measures {@code --seconds} (30) of CPU per process
 * (Cpu: queue-service with its JIT threads apart) and the tabs' messages, bytes and task ids. The
 * median over the rounds of each side is the figure. bench/console runs it; see bench/README.md
 * ("Console"). Progress on stderr, the table on stdout, everything in the JSON file of {@code --out}.
 */
public final class ConsoleBench {
    private static final String PATH = "/api/v1/tasks/batch";
    private static final Duration FIRST_MESSAGE_LIMIT = Duration.ofSeconds(30);
    private static final Duration CLEANUP_LIMIT = Duration.ofSeconds(600);
    private static final int MAX_IN_FLIGHT = 8;
    private static final List<String> REST_OF_STACK = List.of("bridge-service", "vault-service", "kafka", "sshd");

    private final Map<String, String> opts;
    private final Map<String, Object> results = new LinkedHashMap<>();
    private final ObjectMapper json = new ObjectMapper();
    private final List<ConsoleTab> open = new ArrayList<>();
    private final List<Integer> signOuts = new ArrayList<>();
    private QueueApi api;
    private Cpu cpu;
    private String machine;
    private String team;
    private String base;
    private String token;
    private int tabs;
    private int seconds;
    private int idleStopSeconds;
    private long tabsClosedNanos;

    private ConsoleBench(Map<String, String> opts) {
        this.opts = opts;
    }

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Bench.exit(() -> new ConsoleBench(Bench.parse(args)).run());
    }

    private int intOpt(String name, int fallback) {
        return Bench.intOpt(opts, name, fallback);
    }

    /** 0: measured; 4: could not measure. */
    private int run() throws Exception {
        int rate = intOpt("rate", 500);
        int batch = intOpt("batch", 50);
        seconds = intOpt("seconds", 30);
        tabs = intOpt("tabs", 20);
        int rounds = intOpt("rounds", 2);
        int warmupSeconds = intOpt("warmup-seconds", 20);
        int settleSeconds = intOpt("settle-seconds", 5);
        idleStopSeconds = intOpt("idle-stop-seconds", 30);
        String runId = opts.getOrDefault("run-id", Long.toString(Instant.now().getEpochSecond()));
        if (!runId.matches("[a-z0-9][a-z0-9-]{0,40}") || rate < 1 || batch < 1 || batch > 1000 || seconds < 1 || tabs < 1
                || rounds < 1 || warmupSeconds < 0 || settleSeconds < 0 || 1_000_000L * batch % rate != 0) {
            throw new IllegalArgumentException("want --run-id of lowercase letters, digits and '-', positive counts, --batch of at"
                    + " most 1000 and a whole number of microseconds between calls (1,000,000 * batch / rate)");
        }
        long periodMicros = 1_000_000L * batch / rate;
        Path out = Path.of(opts.getOrDefault("out", "bench-console.json"));
        base = Bench.env("REDIACC_URL").replaceAll("/+$", "");
        token = Bench.env("REDIACC_TOKEN");
        api = new QueueApi(base, token);
        Map<String, Long> pids = new LinkedHashMap<>(Bench.stackPids());
        if (!pids.containsKey("queue-service")) {
            throw new IllegalStateException("queue-service is not running (no live PID in .dev/run); run ./dev/stack up");
        }
        pids.put("bench-client", ProcessHandle.current().pid());
        cpu = new Cpu(pids);
        machine = "bench-console-" + runId;
        team = opts.getOrDefault("team", "default"); // dev/stack stores the demo-01 credential in that team's vault

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("postgres", opts.getOrDefault("pg-durability", "unknown"));
        settings.put("tasksPerSecond", rate);
        settings.put("tasksPerCall", batch);
        settings.put("msBetweenCalls", periodMicros / 1000.0);
        settings.put("maxCallsInFlight", MAX_IN_FLIGHT);
        settings.put("tabs", tabs);
        settings.put("tabPages", List.of(overviewPage(), tasksPage()));
        settings.put("seconds", seconds);
        settings.put("rounds", rounds);
        settings.put("order", "A (no tab), B (" + tabs + " tabs), per round");
        settings.put("warmupSeconds", warmupSeconds);
        settings.put("settleSeconds", settleSeconds);
        settings.put("idleStopSeconds", idleStopSeconds + " (queue-service's rediacc.events.idle-stop: an A window starts this + settleSeconds"
                + " after the tabs closed)");
        settings.put("gitRevision", opts.getOrDefault("git-rev", ""));
        results.put("runId", runId);
        results.put("startedAt", Instant.now().toString());
        results.put("settings", settings);
        results.put("stack", pids);
        results.put("loadAverageBefore", loadAverage());

        String couldNotMeasure = null;
        List<Map<String, Object>> windows = new ArrayList<>();
        results.put("windows", windows);
        Load load = null;
        try {
            Cpu.Snapshot before = cpu.snapshot();
            Thread.sleep(2000);
            Map<String, Object> busy = Cpu.between(before, cpu.snapshot(), 0);
            results.put("machineBeforeRun", busy);
            Log.info("machine before the run: %s of %s cores busy, %s of them outside the stack",
                    busy.get("machineBusyCores"), busy.get("machineCores"), busy.get("otherCores"));
            api.registerMachine(machine, team, Integer.parseInt(Bench.env("SSH_PORT")), Bench.env("DEMO_SSH_USER"),
                    Bench.env("DEMO_SSH_HOST_KEY"), opts.getOrDefault("credential", "demo-01"), 8);
            api.pause(machine);
            results.put("machine", Map.of("name", machine, "team", team, "paused", true));
            Log.info("registered %s (paused), team %s", machine, team);

            load = new Load(BatchBench.batchBody(machine, batch), batch, periodMicros);
            Log.info("load: %d tasks/s (%d per call every %.0f ms), from now until the last window", rate, batch, periodMicros / 1000.0);
            load.start();
            Map<String, Object> warmup = new LinkedHashMap<>();
            results.put("warmup", warmup);
            if (warmupSeconds > 0) {
                Log.info("warm-up: %d s with %d tabs open (the stream's code compiled before the windows)", warmupSeconds, tabs);
                warmup.put("tabsOpenedInSeconds", openTabs());
                long created0 = load.created.get();
                Thread.sleep(warmupSeconds * 1000L);
                warmup.put("tasksPerSecond", Stats.round((load.created.get() - created0) / (double) warmupSeconds));
                warmup.put("messagesPerTab", open.stream().mapToLong(t -> t.messages.get()).average().orElse(0));
                closeTabs();
            }
            load.check();
            for (int round = 1; round <= rounds; round++) {
                for (String side : List.of("A", "B")) {
                    Map<String, Object> w = new LinkedHashMap<>();
                    w.put("round", round);
                    w.put("side", side);
                    w.put("tabs", side.equals("A") ? 0 : tabs);
                    windows.add(w);
                    if (side.equals("B")) {
                        w.put("tabsOpenedInSeconds", openTabs());
                        Thread.sleep(settleSeconds * 1000L);
                    } else {
                        // the feed reads Kafka until rediacc.events.idle-stop after the last stream closed
                        long wait = tabsClosedNanos == 0 ? 0 : tabsClosedNanos + (idleStopSeconds + settleSeconds) * 1_000_000_000L - System.nanoTime();
                        if (wait > 0) {
                            Log.info("waiting %.0f s: queue-service's feed stops reading Kafka %d s after the last tab closed",
                                    wait / 1e9, idleStopSeconds);
                            Thread.sleep(wait / 1_000_000);
                        }
                        w.put("secondsSinceTabsClosed", tabsClosedNanos == 0 ? null : Stats.round((System.nanoTime() - tabsClosedNanos) / 1e9));
                    }
                    Log.info("round %d of %d, %s: %d s with %d tabs open", round, rounds, side, seconds, open.size());
                    w.putAll(window(load));
                    if (side.equals("B")) {
                        closeTabs();
                    }
                    load.check();
                }
            }
            results.put("figure", figure(windows));
        } catch (Exception e) {
            couldNotMeasure = e.getClass().getSimpleName() + ": " + e.getMessage();
            Log.info("could not measure: %s", couldNotMeasure);
        } finally {
            closeTabs();
            if (load != null) {
                results.put("load", load.stop());
            }
            results.put("cleanup", cleanup(load));
        }

        List<Map<String, Object>> table = table(rounds);
        results.put("table", table);
        results.put("couldNotMeasure", couldNotMeasure);
        results.put("loadAverageAfter", loadAverage());
        results.put("finishedAt", Instant.now().toString());
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), results);
        StringBuilder printed = new StringBuilder(Table.format(table));
        printed.append("\nPostgreSQL: ").append(settings.get("postgres")).append('\n');
        List<String> busy = busyWindows(windows);
        if (!busy.isEmpty()) {
            printed.append("\nprocesses outside the stack used CPU during windows (shared machine): ")
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

    // ------------------------------------------------------------------------------ the tabs

    private String overviewPage() {
        return "/?team=" + URLEncoder.encode(team, StandardCharsets.UTF_8);
    }

    private String tasksPage() {
        return "/tasks?machine=" + URLEncoder.encode(machine, StandardCharsets.UTF_8);
    }

    /**
     * Opens the tabs, one after the other as someone opening tabs would (every other one the overview
     * of the machine's team, the others its task list), and waits until each has had its first message
     * (the counts every stream starts with); returns how long it took.
     */
    private double openTabs() throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        for (int i = 0; i < tabs; i++) {
            boolean overview = i % 2 == 0;
            // overview.js streams ?team=; tasks.js the list's filter (from the page's URL) and view=tasks
            String page = overview ? overviewPage() : tasksPage();
            String query = overview ? "team=" + URLEncoder.encode(team, StandardCharsets.UTF_8)
                    : "machine=" + URLEncoder.encode(machine, StandardCharsets.UTF_8) + "&view=tasks";
            open.add(ConsoleTab.open(base, token, page, query));
        }
        long deadline = System.nanoTime() + FIRST_MESSAGE_LIMIT.toNanos();
        while (open.stream().anyMatch(t -> t.messages.get() == 0)) {
            for (ConsoleTab t : open) {
                if (t.error != null) {
                    throw new IllegalStateException("tab " + t.describe() + ": " + t.error);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("a tab had no message " + FIRST_MESSAGE_LIMIT.toSeconds() + " s after it opened");
            }
            Thread.sleep(50);
        }
        double took = (System.nanoTime() - t0) / 1e9;
        Log.info("%d tabs signed in, their pages loaded and their streams open in %.1f s", open.size(), took);
        return Stats.round(took);
    }

    /** Closes every open tab's stream and signs its session out. */
    private void closeTabs() {
        if (open.isEmpty()) {
            return;
        }
        for (ConsoleTab t : open) {
            signOuts.add(t.closeAndSignOut());
        }
        open.clear();
        tabsClosedNanos = System.nanoTime();
    }

    // ------------------------------------------------------------------------------ a window

    private record TabCounts(long messages, long bytes, long changedIds, long rows, long reloads) {
        static TabCounts of(ConsoleTab t) {
            return new TabCounts(t.messages.get(), t.bytes.get(), t.changedIds.get(), t.rows.get(), t.reloads.get());
        }
    }

    /** {@code seconds} of the load with the tabs now open: CPU per process, tasks created, what each tab received. */
    private Map<String, Object> window(Load load) throws InterruptedException {
        List<TabCounts> tabsBefore = open.stream().map(TabCounts::of).toList();
        long created0 = load.created.get();
        long skipped0 = load.skipped.get();
        Cpu.Snapshot a = cpu.snapshot();
        Thread.sleep(seconds * 1000L);
        Cpu.Snapshot b = cpu.snapshot();
        long created = load.created.get() - created0;
        List<TabCounts> tabsAfter = open.stream().map(TabCounts::of).toList();
        double wall = (b.nanoTime() - a.nanoTime()) / 1e9;

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("seconds", Stats.round(wall));
        out.put("created", created);
        out.put("tasksPerSecond", Stats.round(created / wall));
        out.put("callsSkipped", load.skipped.get() - skipped0); // the clock's calls not sent: 8 already in flight
        Map<String, Object> used = Cpu.between(a, b, (int) created);
        Map<String, Map<String, Object>> components = components(used);
        Map<String, Object> qs = components.get("queue-service");
        double qsMs = (Double) qs.get("cpuMs");
        double jitMs = (Double) qs.get("jitCpuMs");
        Map<String, Object> queueService = new LinkedHashMap<>();
        queueService.put("coresWithoutJit", round3((qsMs - jitMs) / wall / 1000));
        queueService.put("jitCores", round3(jitMs / wall / 1000));
        queueService.put("cores", round3(qsMs / wall / 1000));
        queueService.put("cpuMsPer1000TasksWithoutJit", created > 0 ? Stats.round(1000 * (qsMs - jitMs) / created) : null);
        queueService.put("cpuMsPer1000Tasks", created > 0 ? Stats.round(1000 * qsMs / created) : null);
        out.put("queueService", queueService);
        Map<String, Object> others = new LinkedHashMap<>();
        others.put("postgres", round3(Cpu.cores(a, b, List.of("postgres"))));
        others.put("restOfStack", round3(Cpu.cores(a, b, REST_OF_STACK)));
        others.put("benchClient", round3(Cpu.cores(a, b, List.of("bench-client"))));
        out.put("otherCores", others);
        out.put("cpu", used);
        if (!tabsAfter.isEmpty()) {
            List<Map<String, Object>> perTab = new ArrayList<>();
            double[] msgs = new double[tabsAfter.size()];
            double[] bytes = new double[tabsAfter.size()];
            double[] ids = new double[tabsAfter.size()];
            long reloads = 0;
            for (int i = 0; i < tabsAfter.size(); i++) {
                TabCounts x = tabsBefore.get(i);
                TabCounts y = tabsAfter.get(i);
                msgs[i] = (y.messages() - x.messages()) / wall;
                bytes[i] = (y.bytes() - x.bytes()) / wall;
                ids[i] = (y.changedIds() - x.changedIds()) / wall;
                reloads += y.reloads() - x.reloads();
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("page", open.get(i).describe());
                t.put("messages", y.messages() - x.messages());
                t.put("bytes", y.bytes() - x.bytes());
                t.put("changedTaskIds", y.changedIds() - x.changedIds());
                t.put("rows", y.rows() - x.rows());
                t.put("reloads", y.reloads() - x.reloads());
                perTab.add(t);
            }
            Map<String, Object> streams = new LinkedHashMap<>();
            streams.put("messagesPerSecondPerTab", Stats.summary(msgs));
            streams.put("bytesPerSecondPerTab", Stats.summary(bytes));
            streams.put("changedTaskIdsPerSecondPerTab", Stats.summary(ids));
            streams.put("reloads", reloads);
            streams.put("perTab", perTab);
            out.put("streams", streams);
            for (ConsoleTab t : open) {
                if (t.error != null) {
                    throw new IllegalStateException("tab " + t.describe() + ": " + t.error);
                }
            }
        }
        Log.info("  %.0f tasks/s; queue-service %.3f cores (JIT %.3f apart), %.2f CPU-ms per 1,000 tasks; postgres %.3f cores, bench"
                        + " client %.3f; machine %.2f cores busy, %.2f outside the stack%s",
                created / wall, (Double) queueService.get("coresWithoutJit"), (Double) queueService.get("jitCores"),
                (Double) queueService.get("cpuMsPer1000TasksWithoutJit"), (Double) others.get("postgres"),
                (Double) others.get("benchClient"), (Double) used.get("machineBusyCores"), (Double) used.get("otherCores"),
                out.get("streams") instanceof Map<?, ?> s ? String.format(Locale.ROOT, "; per tab %s messages/s, %s bytes/s",
                        ((Map<?, ?>) s.get("messagesPerSecondPerTab")).get("mean"), ((Map<?, ?>) s.get("bytesPerSecondPerTab")).get("mean")) : "");
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> components(Map<String, Object> used) {
        return (Map<String, Map<String, Object>>) used.get("components");
    }

    // ------------------------------------------------------------------------------ the load

    /**
     * Creates {@code batch} tasks per call, one call every {@code periodMicros} by the clock (not
     * after the last answer), up to MAX_IN_FLIGHT at once: a steady rate whatever a call's latency.
     */
    private final class Load {
        private final String body;
        private final int batch;
        private final long periodMicros;
        private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().daemon().name("load-clock").unstarted(r));
        private final ExecutorService callers = Executors.newFixedThreadPool(MAX_IN_FLIGHT,
                r -> Thread.ofPlatform().daemon().name("load-call").unstarted(r));
        private final AtomicInteger inFlight = new AtomicInteger();
        final AtomicLong calls = new AtomicLong();
        final AtomicLong created = new AtomicLong();
        final AtomicLong skipped = new AtomicLong();
        final AtomicLong notCreated = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicReference<String> firstError = new AtomicReference<>();
        private final List<Double> latencyMs = Collections.synchronizedList(new ArrayList<>());

        Load(String body, int batch, long periodMicros) {
            this.body = body;
            this.batch = batch;
            this.periodMicros = periodMicros;
        }

        void start() {
            clock.scheduleAtFixedRate(this::tick, 0, periodMicros, TimeUnit.MICROSECONDS);
        }

        private void tick() {
            if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
                inFlight.decrementAndGet();
                skipped.incrementAndGet();
                return;
            }
            callers.execute(this::call);
        }

        private void call() {
            long t0 = System.nanoTime();
            try {
                QueueApi.Reply reply = api.post(PATH, body);
                latencyMs.add((System.nanoTime() - t0) / 1e6);
                calls.incrementAndGet();
                if (reply.status() != 200) {
                    fail("HTTP " + reply.status() + ": " + QueueApi.abbreviate(reply.body()));
                    return;
                }
                BatchBench.Answer answer = BatchBench.Answer.parse(json, reply.body());
                created.addAndGet(answer.created());
                notCreated.addAndGet(answer.items() - answer.created());
                if (answer.firstProblem() != null) {
                    fail("an item not created: " + answer.firstProblem());
                }
            } catch (IOException | RuntimeException e) {
                fail(e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inFlight.decrementAndGet();
            }
        }

        private void fail(String message) {
            failed.incrementAndGet();
            firstError.compareAndSet(null, message);
        }

        /** Throws when a call failed: the rate was not what the figure says. */
        void check() {
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " call(s) failed, first: " + firstError.get());
            }
        }

        Map<String, Object> stop() {
            clock.shutdownNow();
            callers.shutdown();
            try {
                callers.awaitTermination(QueueApi.TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("calls", calls.get());
            out.put("created", created.get());
            out.put("itemsNotCreated", notCreated.get());
            out.put("callsSkipped", skipped.get());
            out.put("failedCalls", failed.get());
            out.put("firstError", firstError.get());
            synchronized (latencyMs) {
                out.put("callLatencyMs", Stats.summary(latencyMs));
            }
            return out;
        }
    }

    // ------------------------------------------------------------------------------ cleanup

    /** Deletes the run's tasks with SQL (PENDING on its paused machine, never run); the machine stays paused. */
    private Map<String, Object> cleanup(Load load) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("signOuts", signOuts.size());
        out.put("signOutsNot303", signOuts.stream().filter(s -> s != 303).count());
        if (machine == null || api == null || load == null) {
            return out;
        }
        long t0 = System.nanoTime();
        try {
            Log.info("cleanup: deleting the %d task(s) this run created on %s (PENDING, paused machine)", load.created.get(), machine);
            out.put("created", load.created.get());
            out.put("deleted", TaskSql.deletePendingOf(machine, CLEANUP_LIMIT));
            out.put("seconds", Stats.round((System.nanoTime() - t0) / 1e9));
            out.put("machinePaused", machine);
            Log.info("cleanup: deleted %s in %.1f s; %d session(s) signed out; %s stays paused", out.get("deleted"),
                    (System.nanoTime() - t0) / 1e9, signOuts.size(), machine);
        } catch (Exception e) {
            out.put("error", e.toString());
            Log.info("cleanup FAILED: %s", e);
        }
        return out;
    }

    // ------------------------------------------------------------------------------ figure and table

    @SuppressWarnings("unchecked")
    private static double get(Map<String, Object> window, String group, String field) {
        Object v = ((Map<String, Object>) window.get(group)).get(field);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static List<Map<String, Object>> side(List<Map<String, Object>> windows, String side) {
        return windows.stream().filter(w -> side.equals(w.get("side")) && w.containsKey("queueService")).toList();
    }

    /** The usual median (the mean of the middle two of an even count). */
    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().filter(v -> !Double.isNaN(v)).sorted().toList();
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double medianOf(List<Map<String, Object>> windows, String group, String field) {
        return median(windows.stream().map(w -> get(w, group, field)).toList());
    }

    @SuppressWarnings("unchecked")
    private static double medianOfStreams(List<Map<String, Object>> windows, String summary, String stat) {
        return median(windows.stream().map(w -> ((Map<String, Object>) ((Map<String, Object>) w.get("streams")).get(summary)).get(stat))
                .map(v -> v instanceof Number n ? n.doubleValue() : Double.NaN).toList());
    }

    private Map<String, Object> figure(List<Map<String, Object>> windows) {
        List<Map<String, Object>> a = side(windows, "A");
        List<Map<String, Object>> b = side(windows, "B");
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("of", "the median over the rounds of each side (with 2 rounds: their mean)");
        for (String field : List.of("coresWithoutJit", "jitCores", "cores", "cpuMsPer1000TasksWithoutJit", "cpuMsPer1000Tasks")) {
            double x = medianOf(a, "queueService", field);
            double y = medianOf(b, "queueService", field);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("A", round3(x));
            m.put("B", round3(y));
            m.put("BminusA", round3(y - x));
            m.put("BminusAPerTab", round3((y - x) / tabs));
            f.put("queueService." + field, m);
        }
        List<Double> pairDiffs = new ArrayList<>();
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            pairDiffs.add(round3(get(b.get(i), "queueService", "coresWithoutJit") - get(a.get(i), "queueService", "coresWithoutJit")));
        }
        f.put("queueService.coresWithoutJit.BminusAOfRounds", pairDiffs);
        f.put("tasksPerSecond", Map.of("A", medianOf(a, "tasksPerSecond"), "B", medianOf(b, "tasksPerSecond")));
        f.put("messagesPerSecondPerTab", Map.of("mean", round3(medianOfStreams(b, "messagesPerSecondPerTab", "mean")),
                "max", round3(medianOfStreams(b, "messagesPerSecondPerTab", "max"))));
        f.put("bytesPerSecondPerTab", Map.of("mean", Stats.round(medianOfStreams(b, "bytesPerSecondPerTab", "mean"))));
        f.put("changedTaskIdsPerSecondPerTab", Map.of("mean", Stats.round(medianOfStreams(b, "changedTaskIdsPerSecondPerTab", "mean")),
                "min", Stats.round(medianOfStreams(b, "changedTaskIdsPerSecondPerTab", "min"))));
        return f;
    }

    private static double medianOf(List<Map<String, Object>> windows, String field) {
        return Stats.round(median(windows.stream().map(w -> w.get(field) instanceof Number n ? n.doubleValue() : Double.NaN).toList()));
    }

    /** A row whose value is in cores, shown to 0.001 (Table shows one decimal). */
    private static Map<String, Object> coresRow(String figure, double cores) {
        Map<String, Object> r = Table.row(figure, cores, " cores", null, null);
        r.put("value", round3(cores));
        r.put("display", Double.isNaN(cores) ? "-" : String.format(Locale.ROOT, "%.3f cores", cores));
        return r;
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> table(int rounds) {
        List<Map<String, Object>> rows = new ArrayList<>();
        List<Map<String, Object>> windows = (List<Map<String, Object>>) results.get("windows");
        List<Map<String, Object>> a = side(windows, "A");
        List<Map<String, Object>> b = side(windows, "B");
        if (!(results.get("figure") instanceof Map<?, ?>) || a.isEmpty() || b.isEmpty()) {
            rows.add(Table.row("queue-service CPU with " + tabs + " console tabs: not measured", null, "", null, null));
            return rows;
        }
        String med = rounds > 1 ? "median of " + rounds + " windows" : "1 window";
        rows.add(Table.row("tasks created per s, A (no tab) (" + med + ")", medianOf(a, "tasksPerSecond"), "/s", null, null));
        rows.add(Table.row("tasks created per s, B (" + tabs + " tabs)", medianOf(b, "tasksPerSecond"), "/s", null, null));
        double qa = medianOf(a, "queueService", "coresWithoutJit");
        double qb = medianOf(b, "queueService", "coresWithoutJit");
        rows.add(coresRow(String.format(Locale.ROOT, "queue-service CPU, A: no tab (JIT apart: %.3f cores)",
                medianOf(a, "queueService", "jitCores")), qa));
        rows.add(coresRow(String.format(Locale.ROOT, "queue-service CPU, B: %d tabs (JIT apart: %.3f cores)", tabs,
                medianOf(b, "queueService", "jitCores")), qb));
        rows.add(coresRow("queue-service CPU, B - A", qb - qa));
        rows.add(coresRow("queue-service CPU, B - A per tab", (qb - qa) / tabs));
        rows.add(Table.row("queue-service CPU per 1,000 tasks, A (no JIT)", medianOf(a, "queueService", "cpuMsPer1000TasksWithoutJit"),
                " ms", null, null));
        rows.add(Table.row("queue-service CPU per 1,000 tasks, B (no JIT)", medianOf(b, "queueService", "cpuMsPer1000TasksWithoutJit"),
                " ms", null, null));
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            double x = get(a.get(i), "queueService", "coresWithoutJit");
            double y = get(b.get(i), "queueService", "coresWithoutJit");
            rows.add(coresRow(String.format(Locale.ROOT, "  round %d: A %.3f, B %.3f cores; B - A", i + 1, x, y), y - x));
        }
        double mean = medianOfStreams(b, "messagesPerSecondPerTab", "mean");
        double max = medianOfStreams(b, "messagesPerSecondPerTab", "max");
        // one message per 500 ms tick at most: 2/s, and a little over when a window's edges catch one more
        rows.add(Table.row(String.format(Locale.ROOT, "stream messages per s per tab, B (mean of the tabs; most: %.2f)", max),
                mean, "/s", "<= 2 (coalesced)", max <= 2.0 + 1.5 / seconds));
        rows.add(Table.row("stream bytes per s per tab, B (mean of the tabs)", medianOfStreams(b, "bytesPerSecondPerTab", "mean") / 1024,
                " KiB/s", null, null));
        rows.add(Table.row(String.format(Locale.ROOT, "task ids per s per tab in those messages (the fewest: %.0f)",
                medianOfStreams(b, "changedTaskIdsPerSecondPerTab", "min")), medianOfStreams(b, "changedTaskIdsPerSecondPerTab", "mean"),
                "/s", null, null));
        rows.add(coresRow("PostgreSQL CPU, A", medianOf(a, "otherCores", "postgres")));
        rows.add(coresRow("PostgreSQL CPU, B", medianOf(b, "otherCores", "postgres")));
        rows.add(coresRow("rest of the stack (" + String.join(", ", REST_OF_STACK) + "), A", medianOf(a, "otherCores", "restOfStack")));
        rows.add(coresRow("rest of the stack, B", medianOf(b, "otherCores", "restOfStack")));
        rows.add(coresRow("this bench (load, and the tabs' readers in B), A", medianOf(a, "otherCores", "benchClient")));
        rows.add(coresRow("this bench, B", medianOf(b, "otherCores", "benchClient")));
        for (Map<String, Object> w : windows) {
            if (w.get("cpu") instanceof Map<?, ?> used) {
                rows.add(coresRow(String.format(Locale.ROOT, "  machine busy, round %s %s (of %s cores; %s outside the stack)", w.get("round"),
                        w.get("side"), used.get("machineCores"), used.get("otherCores")), ((Number) used.get("machineBusyCores")).doubleValue()));
            }
        }
        return rows;
    }

    /** Windows during which processes outside the stack used more than 0.25 cores. */
    private static List<String> busyWindows(List<Map<String, Object>> windows) {
        List<String> busy = new ArrayList<>();
        for (Map<String, Object> w : windows) {
            if (w.get("cpu") instanceof Map<?, ?> c && c.get("otherCores") instanceof Double other && other > 0.25) {
                busy.add(String.format(Locale.ROOT, "round %s %s %.2f cores", w.get("round"), w.get("side"), other));
            }
        }
        return busy;
    }

    private static double round3(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? v : Math.round(v * 1000.0) / 1000.0;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "";
        }
    }
}
