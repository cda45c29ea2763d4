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
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 25's counts benchmark (bench/counts, bench/README.md "Queue counts"), on a dedicated
 * database: {@code --tasks} task rows (1,000,000, set-based SQL) over {@code --machines} machines of
 * {@code --teams} teams, then, side by side in one run, the queue's count queries as main has them
 * (they count task rows) and as they are now (the counts kept as tasks move, V16); the endpoints
 * that answer from them (GET /queue/stats, the console's overview) and a scrape of /q/metrics on a
 * queue-service of this build on that database; and what the counting costs a write (the V16
 * triggers on and off, alternately). Progress on stderr, the table on stdout, the JSON in --out.
 */
public final class CountsBench {
    /**
     * The count queries: main's (BEFORE_SQL_DIR) against this build's (AFTER_SQL_DIR), by name, file, the
     * parameters after the team ones and their values. The stuck list twice: with the seed's 15,000 PENDING
     * tasks all stale (5 minutes), and with none (a stale-pending of 1e9 s), where a walk of every
     * unfinished task in seq order finds nothing to stop at.
     */
    private record Query(String name, String file, String extraTypes, String extraArgs) {
    }

    private static final List<Query> QUERIES = List.of(new Query("queue-stats", "queue-stats", "", ""),
            new Query("oldest-pending", "oldest-pending", "", ""),
            new Query("console-machine-counts", "console-machine-counts", "", ""),
            new Query("console-last-hour", "console-last-hour", "", ""),
            new Query("console-stuck", "console-stuck", ", float8", ", 300"),
            new Query("console-stuck-none", "console-stuck", ", float8", ", 1e9"));

    private final Map<String, String> opts;
    private final Map<String, Object> results = new LinkedHashMap<>();
    private final List<Map<String, Object>> table = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private Connection db;

    private CountsBench(Map<String, String> opts) {
        this.opts = opts;
    }

    public static void main(String[] args) {
        Bench.exit(() -> new CountsBench(Bench.parse(args)).run());
    }

    private int run() throws Exception {
        int tasks = Bench.intOpt(opts, "tasks", 1_000_000);
        int machines = Bench.intOpt(opts, "machines", 1000);
        int teams = Bench.intOpt(opts, "teams", 100);
        int rounds = Bench.intOpt(opts, "rounds", 30);
        Path out = Path.of(opts.getOrDefault("out", "bench-counts.json"));
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("tasks", tasks);
        settings.put("machines", machines);
        settings.put("teams", teams);
        settings.put("rounds", rounds);
        settings.put("gitRev", opts.getOrDefault("git-rev", "unknown"));
        settings.put("beforeRev", opts.getOrDefault("before-rev", "main"));
        results.put("settings", settings);
        results.put("startedAt", Instant.now().toString());
        results.put("loadAverageBefore", Bench.loadAverage());

        db = DriverManager.getConnection("jdbc:postgresql://" + Bench.env("PGHOST") + ":" + Bench.env("PGPORT") + "/"
                + Bench.env("BENCH_DB") + "?prepareThreshold=0", Bench.env("PGUSER"), Bench.env("PGPASSWORD"));
        db.setAutoCommit(true);
        seed(tasks, machines, teams);
        String team = "bench-team-007";
        // What the service's sweep does every 2 s: the seeding's deltas folded, as in a steady state.
        Instant foldStart = Instant.now();
        try (Statement s = db.createStatement()) {
            s.execute(Files.readString(Path.of(Bench.env("AFTER_SQL_DIR")).resolve("fold-task-counts.sql")));
            s.execute("VACUUM (ANALYZE) task_count_deltas, task_flow_deltas, task_counts, task_flow");
        }
        results.put("foldSeconds", Duration.between(foldStart, Instant.now()).toMillis() / 1000.0);
        results.put("queries", sideBySide(rounds, team));
        results.put("http", endpoints(rounds, team, machines));
        results.put("writes", writeCost(rounds));
        results.put("pendingIndexes", pendingIndexCost(rounds));

        System.out.print(Table.format(table));
        results.put("table", table);
        results.put("endedAt", Instant.now().toString());
        results.put("loadAverageAfter", Bench.loadAverage());
        Files.writeString(out, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(results) + "\n");
        return 0;
    }

    /** Teams, paused machines (nothing runs) and tasks, set-based; skipped when the database has them already. */
    private void seed(int tasks, int machines, int teams) throws Exception {
        long present = scalar("SELECT count(*) FROM tasks");
        if (present >= tasks) {
            log("the bench database has " + present + " tasks: not seeded again");
            results.put("seededSeconds", null);
            return;
        }
        Instant start = Instant.now();
        try (Statement s = db.createStatement()) {
            s.execute("INSERT INTO teams (name) SELECT format('bench-team-%s', lpad(i::text, 3, '0')) "
                    + "FROM generate_series(0, " + (teams - 1) + ") i ON CONFLICT DO NOTHING");
            s.execute("INSERT INTO machines (name, team, host, port, ssh_user, host_key, credential, paused) "
                    + "SELECT format('bench-m-%s', lpad(i::text, 4, '0')), format('bench-team-%s', lpad((i % " + teams
                    + ")::text, 3, '0')), '127.0.0.1', 22, 'bench', 'ssh-ed25519 AAAA', 'none', true "
                    + "FROM generate_series(0, " + (machines - 1) + ") i ON CONFLICT DO NOTHING");
            int chunk = 100_000;
            for (long from = present; from < tasks; from += chunk) {
                long to = Math.min(tasks, from + chunk) - 1;
                // Round-robin over the machines; of each machine's tasks 1.5% PENDING, 0.5% FAILED, 0.5%
                // CANCELLED, the rest COMPLETED, at every priority; one task every 2.5 s over the last
                // 29 days, so the last hour has about 1,400 of them.
                s.execute("INSERT INTO tasks (task_id, team, machine, command, status, priority, created_at, completed_at) "
                        + "SELECT gen_random_uuid(), format('bench-team-%s', lpad((i % " + machines + " % " + teams
                        + ")::text, 3, '0')), format('bench-m-%s', lpad((i % " + machines + ")::text, 4, '0')), 'true', "
                        + "CASE WHEN s < 3 THEN 'PENDING' WHEN s = 3 THEN 'FAILED' WHEN s = 4 THEN 'CANCELLED' "
                        + "ELSE 'COMPLETED' END, 1 + (i / 7) % 5, now() - make_interval(secs => (" + tasks + " - i) * 2.5), "
                        + "CASE WHEN s < 3 THEN NULL ELSE now() - make_interval(secs => (" + tasks + " - i) * 2.5 - 1) END "
                        + "FROM generate_series(" + from + ", " + to + ") i, LATERAL (SELECT (i / " + machines + ") % 200 AS s) st");
                log("seeded " + (to + 1) + " tasks");
            }
            s.execute("ANALYZE");
            s.execute("VACUUM (ANALYZE) task_count_deltas");
        }
        results.put("seededSeconds", Duration.between(start, Instant.now()).toMillis() / 1000.0);
    }

    /** main's count queries against this build's, alternately, for every team and for one. */
    private Map<String, Object> sideBySide(int rounds, String team) throws Exception {
        Path before = Path.of(Bench.env("BEFORE_SQL_DIR"));
        Path after = Path.of(Bench.env("AFTER_SQL_DIR"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tasksInTable", scalar("SELECT count(*) FROM tasks"));
        for (String scope : new String[]{"all", "team"}) {
            for (Query q : QUERIES) {
                String query = q.name();
                String oldSql = Files.readString(before.resolve(q.file() + ".sql"));
                String newSql = Files.readString(after.resolve(q.file() + ".sql"));
                List<Double> oldMs = new ArrayList<>();
                List<Double> newMs = new ArrayList<>();
                // Prepared on the server, as the service's statements are (their $1, $2 as written).
                String args = (scope.equals("team") ? "('" + team + "', NULL" : "(NULL, NULL") + q.extraArgs() + ")";
                String types = "(text, text[]" + q.extraTypes() + ")";
                try (Statement s = db.createStatement()) {
                    s.execute("DEALLOCATE ALL");
                    s.execute("PREPARE before_q " + types + " AS " + oldSql);
                    s.execute("PREPARE after_q " + types + " AS " + newSql);
                    try (PreparedStatement o = db.prepareStatement("EXECUTE before_q " + args);
                         PreparedStatement n = db.prepareStatement("EXECUTE after_q " + args)) {
                        time(o);
                        time(n);
                        for (int i = 0; i < rounds; i++) {
                            oldMs.add(time(o));
                            newMs.add(time(n));
                        }
                    }
                }
                Map<String, Object> pair = new LinkedHashMap<>();
                pair.put("before", Stats.summary(oldMs));
                pair.put("after", Stats.summary(newMs));
                out.put(scope + "/" + query, pair);
                double b = (double) ((Map<?, ?>) pair.get("before")).get("p50");
                double a = (double) ((Map<?, ?>) pair.get("after")).get("p50");
                table.add(Table.row(query + " (" + scope + ") main p50", b, " ms", null, null));
                table.add(Table.row(query + " (" + scope + ") now p50", a, " ms", "< 10 ms", a < 10));
                log(scope + "/" + query + ": main p50 " + b + " ms, now " + a + " ms");
            }
        }
        return out;
    }

    /** The endpoints on the queue-service of this build running on the bench database. */
    private Map<String, Object> endpoints(int rounds, String team, int machines) throws Exception {
        String url = Bench.env("QUEUE_URL");
        String token = Bench.env("BENCH_TOKEN");
        Map<String, Object> out = new LinkedHashMap<>();
        // The gauges are read every rediacc.metrics.refresh: wait for the machines' series.
        Instant deadline = Instant.now().plusSeconds(120);
        String metrics = get(url + "/q/metrics", null);
        while (!metrics.contains("rediacc_tasks{machine=\"bench-m-" + String.format("%04d", machines - 1))
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(500);
            metrics = get(url + "/q/metrics", null);
        }
        long series = metrics.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).count();
        long rediaccSeries = metrics.lines().filter(l -> l.startsWith("rediacc_")).count();
        out.put("metricsBytes", metrics.length());
        out.put("metricsSeries", series);
        out.put("metricsRediaccSeries", rediaccSeries);
        table.add(Table.row("/q/metrics rediacc_ series", (double) rediaccSeries, "", null, null));
        for (String[] endpoint : new String[][]{{"queue/stats (all)", "/api/v1/queue/stats", token},
                {"queue/stats (team)", "/api/v1/queue/stats?team=" + team, token},
                {"console/overview (all)", "/api/v1/console/overview", token},
                {"/q/metrics scrape", "/q/metrics", null}}) {
            List<Double> ms = new ArrayList<>();
            for (int i = 0; i < rounds * 2; i++) {
                get(url + endpoint[1], endpoint[2]); // the JIT's warm-up
            }
            double[] serverBefore = serverTime(url, endpoint[1]);
            for (int i = 0; i < rounds; i++) {
                long t0 = System.nanoTime();
                get(url + endpoint[1], endpoint[2]);
                ms.add((System.nanoTime() - t0) / 1e6);
            }
            Map<String, Object> summary = Stats.summary(ms);
            double[] serverAfter = serverTime(url, endpoint[1]);
            if (serverAfter[0] > serverBefore[0]) {
                double serverMs = (serverAfter[1] - serverBefore[1]) * 1000 / (serverAfter[0] - serverBefore[0]);
                summary.put("serverMeanMs", Stats.round(serverMs));
                table.add(Table.row("GET " + endpoint[0] + " server mean", serverMs, " ms", "< 10 ms", serverMs < 10));
            }
            out.put(endpoint[0], summary);
            double p50 = (double) summary.get("p50");
            table.add(Table.row("GET " + endpoint[0] + " p50", p50, " ms", "< 10 ms", p50 < 10));
            table.add(Table.row("GET " + endpoint[0] + " p99", (double) summary.get("p99"), " ms", null, null));
            log(endpoint[0] + ": " + summary);
        }
        return out;
    }

    /**
     * Count and seconds of the requests to {@code path} as the service measured them itself (Quarkus'
     * http_server_requests_seconds, from the request's arrival to its response): the time the
     * machine's load adds to the client's side left out. {0, 0} for a path it does not time.
     */
    private double[] serverTime(String url, String path) throws Exception {
        String uri = path.replaceFirst("\\?.*", "");
        double count = 0;
        double sum = 0;
        for (String line : get(url + "/q/metrics", null).lines().toList()) {
            if (line.startsWith("http_server_requests_seconds_") && line.contains("uri=\"" + uri + "\"")) {
                double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                if (line.startsWith("http_server_requests_seconds_count")) {
                    count += value;
                } else if (line.startsWith("http_server_requests_seconds_sum")) {
                    sum += value;
                }
            }
        }
        return new double[]{count, sum};
    }

    /**
     * What the V16 triggers cost the writes: a batch of 256 creates, a status move and a heartbeat-like
     * update (no counted column), each in its own transaction, with the triggers on and off in turn.
     * The rows are written and deleted on machine bench-m-0000 (paused) with the same trigger state,
     * and a PENDING task moved to CANCELLED and back, so the counts stay right.
     */
    private Map<String, Object> writeCost(int rounds) throws Exception {
        Map<String, List<Double>> ms = new LinkedHashMap<>();
        for (String key : List.of("insert256/on", "insert256/off", "move/on", "move/off", "heartbeat/on", "heartbeat/off")) {
            ms.put(key, new ArrayList<>());
        }
        String insert = "INSERT INTO tasks (task_id, team, machine, command, status, priority) "
                + "SELECT gen_random_uuid(), team, name, 'true', 'PENDING', 3 FROM machines, generate_series(1, 256) "
                + "WHERE name = 'bench-m-0000'";
        String delete = "DELETE FROM tasks WHERE machine = 'bench-m-0000' AND command = 'true' AND status = 'PENDING' "
                + "AND created_at > now() - interval '1 minute'";
        String target = "SELECT task_id FROM tasks WHERE machine = 'bench-m-0000' AND status = 'PENDING' LIMIT 1";
        Object taskId;
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(target)) {
            rs.next();
            taskId = rs.getObject(1);
        }
        try (PreparedStatement ins = db.prepareStatement(insert); PreparedStatement del = db.prepareStatement(delete);
             PreparedStatement move = db.prepareStatement("UPDATE tasks SET status = CASE status WHEN 'PENDING' THEN 'CANCELLED' "
                     + "ELSE 'PENDING' END WHERE task_id = ?");
             PreparedStatement beat = db.prepareStatement("UPDATE tasks SET remote_pid = NULL WHERE task_id = ?")) {
            move.setObject(1, taskId);
            beat.setObject(1, taskId);
            for (int i = 0; i < rounds * 4; i++) {
                for (String state : List.of("on", "off")) {
                    triggers(state.equals("on"));
                    ms.get("insert256/" + state).add(time(ins));
                    del.executeUpdate();
                    ms.get("move/" + state).add(time(move));
                    ms.get("move/" + state).add(time(move));
                    ms.get("heartbeat/" + state).add(time(beat));
                }
            }
        } finally {
            triggers(true);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        ms.forEach((key, values) -> out.put(key, Stats.summary(values)));
        for (String what : List.of("insert256", "move", "heartbeat")) {
            double on = (double) ((Map<?, ?>) out.get(what + "/on")).get("p50");
            double off = (double) ((Map<?, ?>) out.get(what + "/off")).get("p50");
            table.add(Table.row(what + " counted p50", on, " ms", null, null));
            table.add(Table.row(what + " uncounted p50", off, " ms", null, null));
        }
        return out;
    }

    /** The partial indexes of V22, over PENDING tasks (docs/adr/0020). */
    private static final List<String> PENDING_INDEXES = List.of("tasks_pending_age_idx", "tasks_stale_pending_idx");

    /**
     * What V22's two indexes cost a create: a statement of 256 creates into two copies of tasks in a
     * scratch schema, one with every index of tasks and one without V22's, in turn (no triggers on
     * either: the copies are not counted). The schema is dropped at the end.
     */
    private Map<String, Object> pendingIndexCost(int rounds) throws Exception {
        List<String> definitions = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try (Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'tasks'")) {
            while (rs.next()) {
                names.add(rs.getString(1));
                definitions.add(rs.getString(2));
            }
        }
        if (!names.containsAll(PENDING_INDEXES)) {
            throw new IllegalStateException("tasks has not V22's indexes " + PENDING_INDEXES + ": " + names);
        }
        Map<String, List<Double>> ms = new LinkedHashMap<>();
        try (Statement s = db.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS bench_counts CASCADE");
            s.execute("CREATE SCHEMA bench_counts");
            for (String copy : List.of("with_v22", "without_v22")) {
                s.execute("CREATE TABLE bench_counts." + copy + " (LIKE public.tasks INCLUDING ALL EXCLUDING INDEXES)");
                for (int i = 0; i < names.size(); i++) {
                    if (copy.equals("with_v22") || !PENDING_INDEXES.contains(names.get(i))) {
                        // Index names are per schema: each copy's get its name in front.
                        s.execute(definitions.get(i).replace("INDEX " + names.get(i) + " ON public.tasks ",
                                "INDEX " + copy + "_" + names.get(i) + " ON bench_counts." + copy + " "));
                    }
                }
                ms.put("insert256/" + copy, new ArrayList<>());
            }
            for (int i = 0; i < rounds * 4; i++) {
                for (String copy : List.of("with_v22", "without_v22")) {
                    try (PreparedStatement insert = db.prepareStatement("INSERT INTO bench_counts." + copy
                            + " (task_id, team, machine, command, status, priority) SELECT gen_random_uuid(), 'bench-team-000', "
                            + "format('bench-m-%s', lpad((g % 10)::text, 4, '0')), 'true', 'PENDING', 3 FROM generate_series(1, 256) g")) {
                        ms.get("insert256/" + copy).add(time(insert));
                    }
                }
            }
        } finally {
            try (Statement s = db.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS bench_counts CASCADE");
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        ms.forEach((key, values) -> out.put(key, Stats.summary(values)));
        for (String copy : List.of("with_v22", "without_v22")) {
            table.add(Table.row("insert256 " + copy.replace('_', ' ') + " indexes p50",
                    (double) ((Map<?, ?>) out.get("insert256/" + copy)).get("p50"), " ms", null, null));
        }
        return out;
    }

    private void triggers(boolean on) throws Exception {
        try (Statement s = db.createStatement()) {
            for (String trigger : List.of("tasks_counted_on_insert", "tasks_counted_on_delete", "tasks_counted_on_move")) {
                s.execute("ALTER TABLE tasks " + (on ? "ENABLE" : "DISABLE") + " TRIGGER " + trigger);
            }
        }
    }

    /** Runs {@code statement} once, reading every row; milliseconds. */
    private static double time(PreparedStatement statement) throws Exception {
        long t0 = System.nanoTime();
        if (statement.execute()) {
            try (ResultSet rs = statement.getResultSet()) {
                while (rs.next()) {
                    rs.getObject(1);
                }
            }
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    private long scalar(String sql) throws Exception {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private String get(String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + url + ": " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    private static void log(String message) {
        System.err.println("bench: " + message);
    }
}
