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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Issue 23's soak: {@code --minutes} (30) of mixed load on the local stack (tasks that succeed, fail
 * with retries, succeed on their retry, get cancelled while running, resumable ones, and two crons
 * every minute), with bridge-service and queue-service restarted in turn every
 * {@code --restart-every-minutes} (8). Then: tasks lost (accepted with 201, not ended within
 * {@code --settle-minutes}, or gone: must be 0), commands run twice (their "done" lines in the
 * machine-side log, must be 0), tasks that ended otherwise than their command says, and each
 * service's RSS, threads and open files per hour (least squares over the samples of its longest
 * incarnation, its first 2 minutes left out). bench/soak runs it; see bench/README.md ("Soak").
 */
public final class SoakBench {
    private static final List<String> SERVICES = List.of("queue-service", "bridge-service", "vault-service");
    private static final List<String> RESTARTED = List.of("bridge-service", "queue-service");
    private static final Duration WARMUP = Duration.ofMinutes(2);
    private static final Duration CALL_RETRY_FOR = Duration.ofMinutes(3);

    /** What a task's command does, and how its task must end. */
    enum Kind {
        OK("COMPLETED"), FAILING("FAILED"), FLAKY("COMPLETED"), CANCELLED("CANCELLED"), RESUMABLE("COMPLETED");

        final String expected;

        Kind(String expected) {
            this.expected = expected;
        }
    }

    record Created(String taskId, String label, Kind kind) {
    }

    record Sample(long atMs, String service, long pid, long rssKb, int threads, int fds) {
    }

    private final Map<String, String> opts;
    private final Map<String, Object> results = new LinkedHashMap<>();
    private final List<Created> created = Collections.synchronizedList(new ArrayList<>());
    private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
    private final List<Map<String, Object>> restarts = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Integer> callRetries = new ConcurrentHashMap<>();
    private final Instant started = Instant.now();
    private QueueApi api;
    private Path remoteLog;
    private Path remoteDir;
    private String machine;

    private SoakBench(Map<String, String> opts) {
        this.opts = opts;
    }

    public static void main(String[] args) {
        Bench.exit(() -> new SoakBench(Bench.parse(args)).run());
    }

    /** 0: measured, nothing lost or run twice; 3: measured, something was; 4: could not measure. */
    private int run() throws Exception {
        int minutes = Bench.intOpt(opts, "minutes", 30);
        int rate = Bench.intOpt(opts, "rate", 4);
        int restartEvery = Bench.intOpt(opts, "restart-every-minutes", 8);
        int sampleSeconds = Bench.intOpt(opts, "sample-seconds", 10);
        int settleMinutes = Bench.intOpt(opts, "settle-minutes", 5);
        String runId = opts.getOrDefault("run-id", Long.toString(started.getEpochSecond()));
        Path out = Path.of(opts.get("out"));
        Path root = Path.of(opts.get("root"));
        remoteDir = Path.of(opts.get("remote-dir"));
        remoteLog = remoteDir.resolve("runs.log");
        machine = "soak-" + runId;
        api = new QueueApi(Bench.env("REDIACC_URL"), Bench.env("REDIACC_TOKEN"));
        results.put("runId", runId);
        results.put("startedAt", started.toString());
        results.put("settings", Map.of("minutes", minutes, "rate", rate, "restartEveryMinutes", restartEvery,
                "sampleSeconds", sampleSeconds, "settleMinutes", settleMinutes, "machine", machine,
                "gitRev", opts.getOrDefault("git-rev", "unknown"), "pgDurability", opts.getOrDefault("pg-durability", "")));

        setUp();
        ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
        timers.scheduleAtFixedRate(this::sample, 0, sampleSeconds, TimeUnit.SECONDS);
        List<String> crons = List.of(machine + "-cron-a", machine + "-cron-b");
        for (String cron : crons) {
            createCron(cron);
        }
        Instant end = started.plus(Duration.ofMinutes(minutes));
        Instant nextRestart = started.plus(Duration.ofMinutes(restartEvery));
        int restartCount = 0;
        long n = 0;
        long periodNanos = 1_000_000_000L / rate;
        long t0 = System.nanoTime();
        try (var workers = Executors.newVirtualThreadPerTaskExecutor()) {
            while (Instant.now().isBefore(end)) {
                if (!Instant.now().isBefore(nextRestart)) {
                    String service = RESTARTED.get(restartCount++ % RESTARTED.size());
                    workers.submit(() -> restart(root, service));
                    nextRestart = nextRestart.plus(Duration.ofMinutes(restartEvery));
                }
                long i = n++;
                workers.submit(() -> createOne(i));
                long wait = t0 + n * periodNanos - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            Log.info("load over: %d tasks accepted; waiting for the calls in flight", created.size());
        }
        for (String cron : crons) {
            // disabled, not deleted: their runs are read after the settle
            call(() -> api.patch("/api/v1/crons/" + cron, Map.of("enabled", false)), "disable cron");
        }
        Map<String, Object> settle = settle(Duration.ofMinutes(settleMinutes));
        timers.shutdownNow();
        results.put("tasks", settle);
        results.put("crons", cronRuns(crons));
        results.put("restarts", restarts);
        results.put("callRetries", callRetries);
        results.put("resources", resources());
        results.put("finishedAt", Instant.now().toString());
        String table = table();
        results.put("table", table);
        System.out.println(table);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), results);
        int lost = (int) settle.get("lost");
        int twice = (int) settle.get("ranTwice") + (int) ((Map<?, ?>) results.get("crons")).get("ranTwice");
        return lost == 0 && twice == 0 ? 0 : 3;
    }

    private void setUp() throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", machine);
        body.put("team", "default");
        body.put("host", "127.0.0.1");
        body.put("port", Integer.parseInt(Bench.env("SSH_PORT")));
        body.put("user", Bench.env("DEMO_SSH_USER"));
        body.put("hostKey", Bench.env("DEMO_SSH_HOST_KEY"));
        body.put("credential", "demo-01");
        body.put("maxConcurrency", 4);
        expect(api.post("/api/v1/machines", body), 201, "register " + machine);
    }

    private void createCron(String name) throws Exception {
        Map<String, Object> body = Map.of("name", name, "team", "default", "machine", machine, "cronString", "* * * * *",
                "command", line("start", name) + "; sleep 1; " + line("done", name));
        expect(api.post("/api/v1/crons", body), 201, "create cron " + name);
    }

    /** A shell command appending "WHAT LABEL ATTEMPT" to the machine-side log. */
    private String line(String what, String label) {
        return "echo \"" + what + " " + label + " $REDIACC_ATTEMPT\" >> " + remoteLog;
    }

    private void createOne(long i) {
        Kind kind = switch ((int) (i % 10)) {
            case 6 -> Kind.FAILING;
            case 7 -> Kind.FLAKY;
            case 8 -> Kind.CANCELLED;
            case 9 -> Kind.RESUMABLE;
            default -> Kind.OK;
        };
        String label = machine + "-" + i;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("machine", machine);
        body.put("idempotencyKey", label);
        body.put("priority", 1 + (int) (i % 5));
        String start = line("start", label);
        String done = line("done", label);
        switch (kind) {
            case OK -> body.put("command", start + "; sleep 0." + (1 + i % 5) + "; " + done);
            case FAILING -> {
                body.put("command", start + "; exit 3");
                body.put("maxRetries", 2);
                body.put("retryDelay", 1);
            }
            case FLAKY -> {
                Path flag = remoteDir.resolve(label + ".tried");
                body.put("command", start + "; if [ -e " + flag + " ]; then " + done + "; else touch " + flag + "; exit 1; fi");
                body.put("maxRetries", 2);
                body.put("retryDelay", 1);
            }
            case CANCELLED -> body.put("command", start + "; sleep 600; " + done);
            case RESUMABLE -> {
                body.put("command", start + "; sleep 1; " + done);
                body.put("resumable", true);
            }
        }
        try {
            QueueApi.Reply reply = call(() -> api.post("/api/v1/tasks", body), "create");
            if (reply == null || reply.status() != 201 && reply.status() != 200) {
                Log.info("create %s not accepted: %s", label, reply == null ? "no answer" : reply.status() + " " + reply.body());
                return;
            }
            String id = reply.json(api.json).path("taskId").asText();
            created.add(new Created(id, label, kind));
            if (kind == Kind.CANCELLED) {
                awaitStarted(label);
                call(() -> api.post("/api/v1/tasks/" + id + "/cancel", Map.of()), "cancel");
            }
        } catch (Exception e) {
            Log.info("task %s: %s", label, e);
        }
    }

    /** Waits (up to 2 minutes) until the label's command has started on the machine. */
    private void awaitStarted(String label) throws Exception {
        Instant giveUp = Instant.now().plus(Duration.ofMinutes(2));
        while (Instant.now().isBefore(giveUp) && remoteLines(label, "start") == 0) {
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    interface Call {
        QueueApi.Reply send() throws IOException, InterruptedException;
    }

    /**
     * A call retried while queue-service cannot answer (restarting: connection refused, 503): the
     * creates carry an idempotency key, so a retry never makes a second task.
     */
    private QueueApi.Reply call(Call call, String what) throws InterruptedException {
        Instant giveUp = Instant.now().plus(CALL_RETRY_FOR);
        while (true) {
            try {
                QueueApi.Reply reply = call.send();
                if (reply.status() < 500) {
                    return reply;
                }
            } catch (IOException e) {
                // restarting
            }
            callRetries.merge(what, 1, Integer::sum);
            if (Instant.now().isAfter(giveUp)) {
                return null;
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    private void restart(Path root, String service) {
        Instant at = Instant.now();
        Log.info("restarting %s", service);
        String script = "source \"$1/dev/lib/services.sh\" && rediacc_ports_load && rediacc_require_java >/dev/null"
                + " && rediacc_service_stop \"$2\" && rediacc_service_start \"$2\"";
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("service", service);
        record.put("at", at.toString());
        try {
            ProcessBuilder builder = new ProcessBuilder("bash", "-c", script, "bash", root.toString(), service)
                    .redirectErrorStream(true);
            // SIGKILL only if SIGTERM did not end it within a minute: a bridge gets its shutdown grace
            builder.environment().put("REDIACC_STOP_TIMEOUT", "60");
            Process bash = builder.start();
            String output = new String(bash.getInputStream().readAllBytes());
            boolean ok = bash.waitFor(5, TimeUnit.MINUTES) && bash.exitValue() == 0;
            record.put("ok", ok);
            if (!ok) {
                record.put("output", output);
            }
        } catch (IOException | InterruptedException e) {
            record.put("ok", false);
            record.put("output", e.toString());
        }
        record.put("seconds", Duration.between(at, Instant.now()).toMillis() / 1000.0);
        restarts.add(record);
        Log.info("restarted %s in %.1f s", service, (double) record.get("seconds"));
    }

    private void sample() {
        long at = Duration.between(started, Instant.now()).toMillis();
        Map<String, Long> pids = Bench.stackPids();
        for (String service : SERVICES) {
            Long pid = pids.get(service);
            if (pid == null) {
                continue;
            }
            try {
                long rss = 0;
                int threads = 0;
                for (String l : Files.readAllLines(Path.of("/proc", pid.toString(), "status"))) {
                    if (l.startsWith("VmRSS:")) {
                        rss = Long.parseLong(l.replaceAll("\\D", ""));
                    } else if (l.startsWith("Threads:")) {
                        threads = Integer.parseInt(l.replaceAll("\\D", ""));
                    }
                }
                int fds;
                try (Stream<Path> open = Files.list(Path.of("/proc", pid.toString(), "fd"))) {
                    fds = (int) open.count();
                }
                samples.add(new Sample(at, service, pid, rss, threads, fds));
            } catch (IOException | RuntimeException e) {
                // restarting: no sample this time
            }
        }
    }

    /** Waits until every accepted task ended (or {@code within} ran out), then compares with the machine's log. */
    private Map<String, Object> settle(Duration within) throws Exception {
        List<Created> all = List.copyOf(created);
        Map<String, JsonNode> ended = new ConcurrentHashMap<>();
        Instant giveUp = Instant.now().plus(within);
        while (true) {
            for (Created task : all) {
                if (ended.containsKey(task.taskId())) {
                    continue;
                }
                QueueApi.Reply reply = call(() -> api.get("/api/v1/tasks/" + task.taskId()), "read");
                if (reply != null && reply.status() == 200) {
                    JsonNode node = reply.json(api.json);
                    if (Bench.TERMINAL.contains(node.path("status").asText())) {
                        ended.put(task.taskId(), node);
                    }
                }
            }
            if (ended.size() == all.size() || Instant.now().isAfter(giveUp)) {
                break;
            }
            Log.info("%d of %d tasks ended; waiting", ended.size(), all.size());
            TimeUnit.SECONDS.sleep(5);
        }
        List<String> lines = Files.exists(remoteLog) ? Files.readAllLines(remoteLog) : List.of();
        Map<String, Integer> doneByLabel = new TreeMap<>();
        for (String l : lines) {
            String[] f = l.split(" ");
            if (f.length == 3 && f[0].equals("done")) {
                doneByLabel.merge(f[1], 1, Integer::sum);
            }
        }
        Map<String, Integer> byStatus = new TreeMap<>();
        List<String> lost = new ArrayList<>();
        List<String> twice = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        for (Created task : all) {
            JsonNode node = ended.get(task.taskId());
            int done = doneByLabel.getOrDefault(task.label(), 0);
            if (done > 1) {
                twice.add(task.label() + " (" + done + " times)");
            }
            if (node == null) {
                lost.add(task.taskId());
                continue;
            }
            String status = node.path("status").asText();
            byStatus.merge(status, 1, Integer::sum);
            boolean ranToEnd = done == 1;
            if (!status.equals(task.kind().expected) || status.equals("COMPLETED") != ranToEnd) {
                unexpected.add(task.label() + " " + task.kind() + ": " + status + ", done " + done + " time(s), error "
                        + node.path("error").asText(""));
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("accepted", all.size());
        result.put("byStatus", byStatus);
        result.put("lost", lost.size());
        result.put("lostTasks", lost.stream().limit(50).toList());
        result.put("ranTwice", twice.size());
        result.put("ranTwiceTasks", twice.stream().limit(50).toList());
        result.put("unexpected", unexpected.size());
        result.put("unexpectedTasks", unexpected.stream().limit(50).toList());
        return result;
    }

    /** Cron runs: how many completed, against the "done" lines their commands left. */
    private Map<String, Object> cronRuns(List<String> crons) throws Exception {
        Map<String, Object> result = new LinkedHashMap<>();
        int twice = 0;
        for (String cron : crons) {
            int succeeded = 0;
            QueueApi.Reply reply = call(() -> api.get("/api/v1/crons/" + cron + "/runs?limit=1000"), "cron runs");
            if (reply != null && reply.status() == 200) {
                for (JsonNode run : reply.json(api.json).path("items")) {
                    if (run.path("state").asText().equals("SUCCEEDED")) {
                        succeeded++;
                    }
                }
            }
            int done = remoteLines(cron, "done");
            twice += Math.max(0, done - succeeded);
            result.put(cron, Map.of("succeeded", succeeded, "doneLines", done));
        }
        result.put("ranTwice", twice);
        return result;
    }

    private int remoteLines(String label, String what) throws IOException {
        if (!Files.exists(remoteLog)) {
            return 0;
        }
        String prefix = what + " " + label + " ";
        try (Stream<String> lines = Files.lines(remoteLog)) {
            return (int) lines.filter(l -> l.startsWith(prefix)).count();
        }
    }

    /** Per service: the longest incarnation, its samples after the warm-up, and the slopes per hour. */
    private Map<String, Object> resources() {
        Map<String, Object> result = new LinkedHashMap<>();
        List<Sample> all = List.copyOf(samples);
        for (String service : SERVICES) {
            Map<Long, List<Sample>> byPid = new LinkedHashMap<>();
            all.stream().filter(s -> s.service().equals(service))
                    .forEach(s -> byPid.computeIfAbsent(s.pid(), p -> new ArrayList<>()).add(s));
            List<Sample> longest = byPid.values().stream()
                    .max((a, b) -> Long.compare(span(a), span(b))).orElse(List.of());
            if (longest.isEmpty()) {
                continue;
            }
            long from = longest.getFirst().atMs() + WARMUP.toMillis();
            List<Sample> steady = longest.stream().filter(s -> s.atMs() >= from).toList();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("incarnations", byPid.size());
            r.put("pid", longest.getFirst().pid());
            if (steady.size() < 3) {
                r.put("note", "no incarnation lived 2 minutes and 3 samples past its start: no slope");
                result.put(service, r);
                continue;
            }
            r.put("minutes", Math.round(span(steady) / 600.0) / 100.0);
            r.put("samples", steady.size());
            r.put("rssMiB", List.of(steady.getFirst().rssKb() / 1024.0, steady.getLast().rssKb() / 1024.0));
            r.put("rssMiBPerHour", slope(steady, s -> s.rssKb() / 1024.0));
            r.put("threads", List.of(steady.getFirst().threads(), steady.getLast().threads()));
            r.put("threadsPerHour", slope(steady, s -> (double) s.threads()));
            r.put("fds", List.of(steady.getFirst().fds(), steady.getLast().fds()));
            r.put("fdsPerHour", slope(steady, s -> (double) s.fds()));
            result.put(service, r);
        }
        return result;
    }

    private static long span(List<Sample> samples) {
        return samples.isEmpty() ? 0 : samples.getLast().atMs() - samples.getFirst().atMs();
    }

    /** Least-squares slope of {@code value} per hour. */
    private static double slope(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> value) {
        double n = samples.size();
        double mx = samples.stream().mapToDouble(s -> s.atMs() / 3_600_000.0).sum() / n;
        double my = samples.stream().mapToDouble(value).sum() / n;
        double sxy = 0;
        double sxx = 0;
        for (Sample s : samples) {
            double x = s.atMs() / 3_600_000.0 - mx;
            sxy += x * (value.applyAsDouble(s) - my);
            sxx += x * x;
        }
        return sxx == 0 ? 0 : Math.round(sxy / sxx * 100) / 100.0;
    }

    @SuppressWarnings("unchecked")
    private String table() {
        Map<String, Object> tasks = (Map<String, Object>) results.get("tasks");
        Map<String, Object> crons = (Map<String, Object>) results.get("crons");
        StringBuilder t = new StringBuilder();
        t.append(String.format("soak %s: %s min, %d restarts (%s)%n", results.get("runId"),
                ((Map<String, Object>) results.get("settings")).get("minutes"), restarts.size(),
                String.join(", ", restarts.stream().map(r -> r.get("service") + " " + r.get("seconds") + " s"
                        + (Boolean.TRUE.equals(r.get("ok")) ? "" : " FAILED")).toList())));
        t.append(String.format("tasks accepted %s  %s%n", tasks.get("accepted"), tasks.get("byStatus")));
        t.append(String.format("lost %s   ran twice %s (tasks) + %s (cron runs)   ended otherwise than expected %s%n",
                tasks.get("lost"), tasks.get("ranTwice"), crons.get("ranTwice"), tasks.get("unexpected")));
        t.append(String.format("%-15s %6s %8s %16s %10s %12s %10s %12s%n", "service", "min", "samples", "RSS MiB first/last",
                "MiB/h", "threads", "thr/h", "fds   fd/h"));
        Map<String, Object> resources = (Map<String, Object>) results.get("resources");
        for (var e : resources.entrySet()) {
            Map<String, Object> r = (Map<String, Object>) e.getValue();
            if (r.containsKey("note")) {
                t.append(String.format("%-15s %s%n", e.getKey(), r.get("note")));
                continue;
            }
            List<Double> rss = (List<Double>) r.get("rssMiB");
            t.append(String.format("%-15s %6s %8s %7.1f/%-8.1f %10s %5s/%-6s %10s %4s/%-4s %s%n", e.getKey(), r.get("minutes"),
                    r.get("samples"), rss.get(0), rss.get(1), r.get("rssMiBPerHour"),
                    ((List<?>) r.get("threads")).get(0), ((List<?>) r.get("threads")).get(1), r.get("threadsPerHour"),
                    ((List<?>) r.get("fds")).get(0), ((List<?>) r.get("fds")).get(1), r.get("fdsPerHour")));
        }
        return t.toString();
    }

    private static void expect(QueueApi.Reply reply, int status, String what) {
        if (reply.status() != status) {
            throw new IllegalStateException(what + ": HTTP " + reply.status() + " " + reply.body());
        }
    }
}
