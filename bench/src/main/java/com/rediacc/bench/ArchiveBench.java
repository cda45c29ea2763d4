package com.rediacc.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Archive and retention (issue 25; bench/README.md "Archive"): enqueue, claim and list latency of a
 * queue-service on a database whose archive is empty (A) against one whose archive holds
 * {@code --archived} tasks (B, made with generate_series, twelve months), in {@code --rounds} rounds
 * of A then B: the months are detached from tasks_archive for A and attached again for B (their
 * bounds are CHECK constraints, so an attach reads nothing), so both sides alternate on the same
 * database, server and load; each figure is the median of the rounds' p50s, with their spread.
 * Before the rounds, whether any statement of an enqueue, claim or list names tasks_archive at all;
 * a phase before the archive is made (A0) for reference. Then the archive statement's
 * throughput and lock hold per batch size, with enqueue latency sampled while it runs. Talks to the
 * queue-service of bench/archive and to its database (PG*).
 */
public final class ArchiveBench {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Map<String, String> opts;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String url = Bench.env("BENCH_QUEUE_URL");
    private final String token = Bench.env("BENCH_TOKEN");
    private final String bridgeToken = Bench.env("BENCH_BRIDGE_TOKEN");
    private final Connection db;
    private final String enqMachine = "bench-enq";
    private final String claimMachine = "bench-claim";

    private ArchiveBench(Map<String, String> opts) throws SQLException {
        this.opts = opts;
        db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + Bench.env("PGPORT") + "/" + Bench.env("PGDATABASE")
                + "?socketTimeout=3600", Bench.env("PGUSER"), Bench.env("PGPASSWORD"));
        db.setAutoCommit(true);
    }

    public static void main(String[] args) {
        Bench.exit(() -> new ArchiveBench(Bench.parse(args)).run());
    }

    private int run() throws Exception {
        int archived = Bench.intOpt(opts, "archived", 10_000_000);
        int samples = Bench.intOpt(opts, "samples", 1000);
        int moveTasks = Bench.intOpt(opts, "move-tasks", 60_000);
        int rounds = Bench.intOpt(opts, "rounds", 5);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("bench", "archive");
        report.put("gitRev", opts.getOrDefault("git-rev", "unknown"));
        report.put("archivedTasks", archived);
        report.put("samplesPerFigure", samples);
        report.put("rounds", rounds);
        report.put("loadAverageBefore", Bench.loadAverage());
        report.put("settings", settings());

        setUp();
        // The JIT of both sides settles before the first phase, so that A1 is not the cold one.
        Log.info("warm-up");
        measureEnqueue(3 * samples);
        measureClaim(samples);
        measureList(samples);
        List<Map<String, Object>> phases = new ArrayList<>();
        phases.add(phase("A0 before the archive was made", samples));
        Map<String, Object> generated = generate(archived);
        report.put("generation", generated);
        report.put("enqueueClaimListSqlNamingTheArchive", statementsReadingTheArchive());
        List<String> months = months();
        for (int r = 1; r <= rounds; r++) {
            detach(months);
            phases.add(phase("A" + r + " empty archive", samples));
            attach(months);
            phases.add(phase("B" + r + " " + archived + " archived", samples));
        }
        long t0 = System.nanoTime();
        long dropped = count("SELECT count(*) FROM task_archive_drop_partitions(now() + interval '1 month')");
        report.put("dropMonths", Map.of("partitions", dropped, "ms", (System.nanoTime() - t0) / 1e6, "tasks", archived));
        report.put("phases", phases);
        report.put("bVersusA", compare(phases.subList(1, phases.size())));
        report.put("loadAverageAfterPhases", Bench.loadAverage());
        report.put("archiveStatement", moves(moveTasks, samples));

        Path out = Path.of(opts.get("out"));
        Files.createDirectories(out.getParent());
        JSON.writeValue(out.toFile(), report);
        printTable(report);
        return 0;
    }

    private void setUp() throws Exception {
        post("/api/v1/teams", "{\"name\":\"bench\"}", token, 201, 409);
        for (String m : List.of(enqMachine, claimMachine)) {
            post("/api/v1/machines", "{\"name\":\"" + m + "\",\"team\":\"bench\",\"host\":\"127.0.0.1\",\"port\":22,"
                    + "\"user\":\"bench\",\"hostKey\":\"" + hostKey() + "\",\"credential\":\"none\"}", token, 201, 409);
        }
        post("/api/v1/machines/" + enqMachine + "/pause", "{}", token, 200);
        // The claim's backlog: 200 ready tasks; each claim takes the first and gives it back (release).
        for (int i = 0; i < 200; i++) {
            post("/api/v1/tasks", "{\"machine\":\"" + claimMachine + "\",\"command\":\"true\"}", token, 201);
        }
    }

    /** Enqueue, claim and list latency, after a warm-up, on a checkpointed, analyzed, quiet database. */
    private Map<String, Object> phase(String name, int samples) throws Exception {
        Log.info("phase %s", name);
        exec("VACUUM ANALYZE tasks");
        waitForAutovacuum();
        exec("CHECKPOINT");
        measureEnqueue(samples / 2);
        measureClaim(samples / 4);
        Map<String, Object> phase = new LinkedHashMap<>();
        phase.put("name", name);
        phase.put("enqueueMs", Stats.summary(measureEnqueue(samples)));
        phase.put("claimMs", Stats.summary(measureClaim(samples)));
        phase.put("listMs", Stats.summary(measureList(samples)));
        phase.put("hotTasks", count("SELECT count(*) FROM tasks"));
        phase.put("hotTablesBytes", count("SELECT (pg_total_relation_size('tasks') + pg_total_relation_size('task_history'))::bigint"));
        phase.put("archiveBytes", count("""
                SELECT coalesce(sum(pg_total_relation_size(inhrelid)), 0)::bigint FROM pg_inherits
                WHERE inhparent = 'tasks_archive'::regclass"""));
        return phase;
    }

    private List<Double> measureEnqueue(int n) throws Exception {
        List<Double> ms = new ArrayList<>(n);
        String body = "{\"machine\":\"" + enqMachine + "\",\"command\":\"true\"}";
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            post("/api/v1/tasks", body, token, 201);
            ms.add((System.nanoTime() - t) / 1e6);
        }
        return ms;
    }

    private List<Double> measureClaim(int n) throws Exception {
        List<Double> ms = new ArrayList<>(n);
        String claim = "{\"machine\":\"" + claimMachine + "\",\"bridgeId\":\"bench\",\"tags\":[],\"max\":1}";
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            String claimed = post("/api/v1/bridge/claims", claim, bridgeToken, 200);
            ms.add((System.nanoTime() - t) / 1e6);
            var task = JSON.readTree(claimed).get(0);
            post("/api/v1/bridge/tasks/" + task.get("taskId").asText() + "/release",
                    "{\"leaseToken\":" + task.get("leaseToken").asLong() + "}", bridgeToken, 204);
        }
        return ms;
    }

    private List<Double> measureList(int n) throws Exception {
        List<Double> ms = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            get("/api/v1/tasks?machine=" + enqMachine + "&limit=100");
            ms.add((System.nanoTime() - t) / 1e6);
        }
        return ms;
    }

    /**
     * {@code n} archived tasks over the twelve months before the last one, as the archive job writes
     * them (the row, then a three-entry history of the same size), set-based in chunks of a million; the tasks' seq
     * continues after them, as if they had been created first.
     */
    private Map<String, Object> generate(int n) throws SQLException {
        Log.info("generating %,d archived tasks", n);
        long t0 = System.nanoTime();
        exec("SELECT task_archive_create_partitions(now() - interval '13 months', now() - interval '1 month')");
        int chunk = 1_000_000;
        for (int from = 1; from <= n; from += chunk) {
            int to = Math.min(n, from + chunk - 1);
            try (PreparedStatement insert = db.prepareStatement("""
                    INSERT INTO tasks_archive (history, task_id, seq, team, machine, command, status, priority, max_retries,
                        retry_count, retry_delay, failure_action, resumable, output, output_truncated, exit_code, attempts,
                        created_at, assigned_at, started_at, completed_at, retry_backoff, cancel_requested, created_by, held)
                    SELECT ('[{"id": 0, "at": "2026-01-01T00:00:00+00:00", "actor": "bench", "detail": null, "to_status": "PENDING", "from_status": null},'
                            || ' {"id": 1, "at": "2026-01-01T00:00:01+00:00", "actor": "bench", "detail": null, "to_status": "ASSIGNED", "from_status": "PENDING"},'
                            || ' {"id": 2, "at": "2026-01-01T00:00:02+00:00", "actor": "bench", "detail": null, "to_status": "COMPLETED", "from_status": "PROCESSING"}]')::jsonb,
                           -- time-ordered ids, as TaskIds makes them (UUIDv7): each index grows at its end
                           lpad(to_hex(g), 32, '0')::uuid, g, 'bench', 'bench-m' || (g % 100), 'echo ' || g, 'COMPLETED', 3, 0,
                           0, 30, 'NONE', false, 'line of output ' || g || E'\\n', false, 0, 1,
                           e - interval '3 s', e - interval '2 s', e - interval '2 s', e, 'FIXED', false, 'bench', false
                    FROM generate_series(?::bigint, ?::bigint) g,
                         LATERAL (SELECT date_trunc('month', now() - interval '13 months')
                                         + (g::double precision / ?) * (date_trunc('month', now() - interval '1 month')
                                                                          - date_trunc('month', now() - interval '13 months')) AS e) ended""")) {
                insert.setLong(1, from);
                insert.setLong(2, to);
                insert.setDouble(3, n + 1.0);
                insert.executeUpdate();
            }
            Log.info("  %,d of %,d", to, n);
        }
        exec("ALTER TABLE tasks ALTER COLUMN seq RESTART WITH " + (n + 1_000_000L));
        // What autovacuum would do to the freshly loaded months, done now rather than during phase B
        // (a real archive grows a batch at a time; its vacuum is spread out).
        exec("VACUUM (ANALYZE) tasks_archive");
        double seconds = (System.nanoTime() - t0) / 1e9;
        return Map.of("seconds", seconds, "rowsPerSecond", n / seconds, "partitions",
                count("SELECT count(*) FROM pg_inherits WHERE inhparent = 'tasks_archive'::regclass"));
    }

    /**
     * The archive statement (queue-service's sql/archive-batch.sql, as the job runs it: autocommit,
     * so each batch's row locks last as long as the statement) over {@code tasks} finished tasks per
     * batch size, made 40 days old with their history; enqueue latency sampled meanwhile.
     */
    private List<Map<String, Object>> moves(int tasks, int samples) throws Exception {
        String batchSql = Files.readString(Path.of(opts.get("sql-dir"), "archive-batch.sql"));
        exec("SELECT task_archive_create_partitions(now() - interval '3 months', now())");
        List<Map<String, Object>> results = new ArrayList<>();
        for (int size : new int[] {100, 500, 1000, 5000}) {
            Log.info("archive statement, batches of %d over %,d tasks", size, tasks);
            exec("""
                    WITH made AS (
                        INSERT INTO tasks (task_id, team, machine, command, status, priority, created_by, attempts, output,
                                           created_at, assigned_at, started_at, completed_at, exit_code)
                        SELECT gen_random_uuid(), 'bench', 'bench-old', 'echo ' || g, 'COMPLETED', 3, 'bench', 1,
                               'line of output ' || g || E'\\n', now() - interval '40 days', now() - interval '40 days',
                               now() - interval '40 days', now() - interval '40 days' + g * interval '1 ms', 0
                        FROM generate_series(1, %d) g
                        RETURNING task_id, completed_at)
                    INSERT INTO task_history (task_id, from_status, to_status, at, actor)
                    SELECT task_id, s.f, s.t, completed_at, 'bench'
                    FROM made, (VALUES ('PENDING', 'ASSIGNED'), ('ASSIGNED', 'PROCESSING'), ('PROCESSING', 'COMPLETED')) s(f, t)
                    """.formatted(tasks));
            exec("VACUUM ANALYZE tasks");
            exec("VACUUM ANALYZE task_history");
            waitForAutovacuum();
            exec("CHECKPOINT");
            List<Double> idle = measureEnqueue(samples / 2);
            AtomicBoolean moving = new AtomicBoolean(true);
            List<Double> during = Collections.synchronizedList(new ArrayList<>());
            Thread sampler = Thread.ofPlatform().start(() -> {
                try {
                    while (moving.get()) {
                        during.addAll(measureEnqueue(10));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            List<Double> batchMs = new ArrayList<>();
            int moved = 0;
            long t0 = System.nanoTime();
            // As queue-service runs it: a prepared statement, the SQL file as it is ($1, $2).
            exec("DEALLOCATE ALL");
            exec("PREPARE archive_batch AS " + batchSql);
            String execute = "EXECUTE archive_batch('" + OffsetDateTime.now(ZoneOffset.UTC).minusDays(30) + "', " + size + ")";
            try (Statement batch = db.createStatement()) {
                while (true) {
                    long t = System.nanoTime();
                    int n = 0;
                    try (ResultSet rs = batch.executeQuery(execute)) {
                        while (rs.next()) {
                            n++;
                        }
                    }
                    if (n == 0) {
                        break;
                    }
                    batchMs.add((System.nanoTime() - t) / 1e6);
                    moved += n;
                }
            } finally {
                moving.set(false);
                sampler.join();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("batchSize", size);
            r.put("moved", moved);
            r.put("batches", batchMs.size());
            r.put("tasksPerSecond", moved / seconds);
            r.put("batchMs", Stats.summary(batchMs));
            r.put("longestLockHoldMs", Collections.max(batchMs));
            r.put("enqueueIdleMs", Stats.summary(idle));
            r.put("enqueueWhileMovingMs", Stats.summary(new ArrayList<>(during)));
            results.add(r);
        }
        return results;
    }

    /** Until no autovacuum worker runs in this database (at most 5 minutes). */
    private void waitForAutovacuum() throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (count("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker' "
                + "AND datname = current_database()") > 0 && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
    }

    /**
     * Per figure: the median of the A rounds' p50s against the B rounds', with each side's spread (the
     * lowest and highest of its rounds' p50s) and the spread of A against itself (its highest p50 over
     * its lowest): a B/A ratio inside A's own spread is not a cost of the archive.
     */
    private static Map<String, Object> compare(List<Map<String, Object>> alternating) {
        Map<String, Object> ratios = new LinkedHashMap<>();
        for (String figure : List.of("enqueueMs", "claimMs", "listMs")) {
            List<Double> a = new ArrayList<>();
            List<Double> b = new ArrayList<>();
            for (int i = 0; i < alternating.size(); i++) {
                (i % 2 == 0 ? a : b).add(p50(alternating.get(i), figure));
            }
            Collections.sort(a);
            Collections.sort(b);
            double aMedian = median(a);
            double bMedian = median(b);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("aRoundP50s", a);
            r.put("bRoundP50s", b);
            r.put("aMedian", aMedian);
            r.put("bMedian", bMedian);
            r.put("bOverA", Math.round(bMedian / aMedian * 1000) / 1000.0);
            r.put("aSpread", Math.round(a.getLast() / a.getFirst() * 1000) / 1000.0);
            r.put("bSpread", Math.round(b.getLast() / b.getFirst() * 1000) / 1000.0);
            r.put("within10pct", bMedian / aMedian <= 1.10);
            ratios.put(figure + "P50", r);
        }
        return ratios;
    }

    private static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** The archive's months with their bounds, each also written as a CHECK constraint, so that attaching it reads nothing. */
    private List<String> months() throws SQLException {
        List<String> months = new ArrayList<>();
        List<String> bounds = new ArrayList<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = 'tasks_archive'::regclass ORDER BY 1""")) {
            while (rs.next()) {
                months.add(rs.getString(1));
                bounds.add(rs.getString(2));
            }
        }
        monthBounds.clear();
        for (int i = 0; i < months.size(); i++) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("FROM \\('([^']+)'\\) TO \\('([^']+)'\\)").matcher(bounds.get(i));
            if (!m.find()) {
                throw new IllegalStateException("bounds of " + months.get(i) + ": " + bounds.get(i));
            }
            exec("ALTER TABLE " + months.get(i) + " ADD CONSTRAINT " + months.get(i) + "_bounds CHECK (completed_at IS NOT NULL AND "
                    + "completed_at >= '" + m.group(1) + "' AND completed_at < '" + m.group(2) + "')");
            monthBounds.put(months.get(i), bounds.get(i));
        }
        return months;
    }

    private final Map<String, String> monthBounds = new LinkedHashMap<>();

    private void detach(List<String> months) throws SQLException {
        for (String month : months) {
            exec("ALTER TABLE tasks_archive DETACH PARTITION " + month);
        }
    }

    private void attach(List<String> months) throws SQLException {
        for (String month : months) {
            exec("ALTER TABLE tasks_archive ATTACH PARTITION " + month + " " + monthBounds.get(month));
        }
    }

    /**
     * Which of the SQL files an enqueue, a claim (and its release) and a list of hot tasks run name
     * tasks_archive (a statement cannot read a table it does not name; no view of the schema reads
     * the archive): none is the answer expected.
     */
    private List<String> statementsReadingTheArchive() throws Exception {
        Path dir = Path.of(opts.get("sql-dir"));
        List<String> reading = new ArrayList<>();
        for (String file : List.of("create-tasks", "claim-candidates", "lock-claimable-machine", "apply-moves", "list-tasks",
                "pick-machine", "lock-machines-for-new-tasks", "bind-idempotency-keys", "tasks-by-idempotency-keys")) {
            String sql = Files.readString(dir.resolve(file + ".sql"));
            if (sql.contains("tasks_archive")) {
                reading.add(file);
            }
        }
        return reading;
    }

    @SuppressWarnings("unchecked")
    private static double p50(Map<String, Object> phase, String figure) {
        return (double) ((Map<String, Object>) phase.get(figure)).get("p50");
    }

    @SuppressWarnings("unchecked")
    private static void printTable(Map<String, Object> report) {
        System.out.printf("%-28s %12s %12s %12s %12s %12s %12s%n", "phase", "enqueue p50", "enqueue p99", "claim p50",
                "claim p99", "list p50", "list p99");
        for (Map<String, Object> p : (List<Map<String, Object>>) report.get("phases")) {
            Map<String, Object> e = (Map<String, Object>) p.get("enqueueMs"), c = (Map<String, Object>) p.get("claimMs"),
                    l = (Map<String, Object>) p.get("listMs");
            System.out.printf("%-28s %9.2f ms %9.2f ms %9.2f ms %9.2f ms %9.2f ms %9.2f ms%n", p.get("name"), e.get("p50"),
                    e.get("p99"), c.get("p50"), c.get("p99"), l.get("p50"), l.get("p99"));
        }
        System.out.println("B / A (p50): " + report.get("bVersusA"));
        System.out.println("generation: " + report.get("generation") + "; drop of the months: " + report.get("dropMonths"));
        System.out.printf("%-10s %10s %12s %14s %14s %18s %18s%n", "batch", "tasks/s", "batch p50", "longest lock",
                "enqueue p99", "enqueue p99 moving", "enqueue max moving");
        for (Map<String, Object> r : (List<Map<String, Object>>) report.get("archiveStatement")) {
            Map<String, Object> b = (Map<String, Object>) r.get("batchMs"), i = (Map<String, Object>) r.get("enqueueIdleMs"),
                    d = (Map<String, Object>) r.get("enqueueWhileMovingMs");
            System.out.printf("%-10s %10.0f %9.1f ms %11.1f ms %11.2f ms %15.2f ms %15.2f ms%n", r.get("batchSize"),
                    r.get("tasksPerSecond"), b.get("p50"), r.get("longestLockHoldMs"), i.get("p99"), d.get("p99"), d.get("max"));
        }
    }

    private Map<String, Object> settings() throws SQLException {
        Map<String, Object> s = new LinkedHashMap<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT name, setting FROM pg_settings
                WHERE name IN ('fsync', 'synchronous_commit', 'shared_buffers', 'server_version') ORDER BY name""")) {
            while (rs.next()) {
                s.put(rs.getString(1), rs.getString(2));
            }
        }
        return s;
    }

    private String post(String path, String body, String bearer, int... expected) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url + path)).header("Content-Type", "application/json")
                .header("X-Rediacc-Bridge", "bench").POST(HttpRequest.BodyPublishers.ofString(body)), bearer, expected);
    }

    private String get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url + path)).GET(), token, 200);
    }

    private String send(HttpRequest.Builder request, String bearer, int... expected) throws Exception {
        HttpResponse<String> response = http.send(request.header("Authorization", "Bearer " + bearer)
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        for (int status : expected) {
            if (response.statusCode() == status) {
                return response.body();
            }
        }
        throw new IllegalStateException(request.build().uri() + " answered " + response.statusCode() + ": " + response.body());
    }

    private void exec(String sql) throws SQLException {
        try (Statement st = db.createStatement()) {
            st.execute(sql);
        }
    }

    /** The first column of the only row. */
    private long count(String sql) throws SQLException {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A syntactically valid ed25519 public key line (the machines are never connected to). */
    private static String hostKey() {
        byte[] type = "ssh-ed25519".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        var blob = java.nio.ByteBuffer.allocate(4 + type.length + 4 + 32);
        blob.putInt(type.length).put(type).putInt(32).put(new byte[32]);
        return "ssh-ed25519 " + java.util.Base64.getEncoder().encodeToString(blob.array()) + " bench";
    }
}
