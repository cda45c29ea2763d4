package com.rediacc.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Issue 22's figure 4: the queue's tables as a busy installation has them, written straight into
 * the queue database (one JDBC connection on loopback, the PG* variables of bench/lib.sh) and
 * removed again. {@code finished} COMPLETED tasks of the last day with their three history rows
 * each, and {@code pending} PENDING tasks, spread over {@code machines} paused machines (a copy of
 * a registered one, so that nothing is ever dispatched to them and the bench's own machines do the
 * work). The counts the triggers keep (V16) follow the rows in and out, as they would.
 */
final class LoadedTables implements AutoCloseable {
    private final Connection db;
    private final String prefix;
    private final Map<String, Object> described = new LinkedHashMap<>();

    private LoadedTables(Connection db, String prefix) {
        this.db = db;
        this.prefix = prefix;
    }

    /** Writes the rows; {@code template}: a registered machine whose address, key and credential the new ones copy. */
    static LoadedTables seed(String runId, String template, int machines, int finished, int pending) throws SQLException {
        String prefix = "bench-load-" + runId + "-";
        if (!prefix.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("a run id is lowercase letters, digits and '-': " + runId);
        }
        LoadedTables tables = new LoadedTables(QueueDb.connect(900), prefix);
        try {
            tables.write(template, machines, finished, pending);
        } catch (SQLException | RuntimeException e) {
            try {
                tables.close();
            } catch (SQLException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        return tables;
    }

    Map<String, Object> describe() {
        return described;
    }

    private void write(String template, int machines, int finished, int pending) throws SQLException {
        long t0 = System.nanoTime();
        Log.info("loaded tables: %d paused machines, %,d finished tasks (3 history rows each), %,d PENDING", machines,
                finished, pending);
        try (PreparedStatement insert = db.prepareStatement("""
                INSERT INTO machines (name, team, host, port, ssh_user, host_key, credential, tags, max_concurrency, paused)
                SELECT ? || lpad(g::text, 4, '0'), m.team, m.host, m.port, m.ssh_user, m.host_key, m.credential, '{}', 4, true
                FROM machines m, generate_series(1, ?) g
                WHERE m.name = ?""")) {
            insert.setString(1, prefix);
            insert.setInt(2, machines);
            insert.setString(3, template);
            if (insert.executeUpdate() != machines) {
                throw new IllegalStateException("machine " + template + " to copy is not registered");
            }
        }
        // In slices, so that no one statement holds a million rows' worth of WAL and locks.
        int slice = 100_000;
        try (PreparedStatement insert = db.prepareStatement("""
                WITH new_tasks AS (
                    INSERT INTO tasks (task_id, team, machine, command, status, priority, created_by, attempts, exit_code,
                                       created_at, assigned_at, started_at, completed_at)
                    SELECT gen_random_uuid(), 'default', ? || lpad((1 + g % ?)::text, 4, '0'), 'true', 'COMPLETED', 3,
                           'admin', 1, 0, t, t + interval '5 ms', t + interval '10 ms', t + interval '40 ms'
                    FROM generate_series(1, ?) g,
                         LATERAL (SELECT now() - interval '1 day' + (g + ?) * (interval '1 day' / ?)) at(t)
                    RETURNING task_id, started_at
                )
                INSERT INTO task_history (task_id, from_status, to_status, at, actor)
                SELECT task_id, s.from_status, s.to_status, started_at, 'bench'
                FROM new_tasks, (VALUES ('PENDING', 'ASSIGNED'), ('ASSIGNED', 'PROCESSING'), ('PROCESSING', 'COMPLETED'))
                                s(from_status, to_status)""")) {
            insert.setString(1, prefix);
            insert.setInt(2, machines);
            insert.setInt(5, finished);
            for (int done = 0; done < finished; done += slice) {
                int n = Math.min(slice, finished - done);
                insert.setInt(3, n);
                insert.setInt(4, done);
                insert.executeUpdate();
                Log.info("loaded tables: %,d of %,d finished tasks written", done + n, finished);
            }
        }
        try (PreparedStatement insert = db.prepareStatement("""
                INSERT INTO tasks (task_id, team, machine, command, status, priority, created_by)
                SELECT gen_random_uuid(), 'default', ? || lpad((1 + g % ?)::text, 4, '0'), 'true', 'PENDING', 3, 'admin'
                FROM generate_series(1, ?) g""")) {
            insert.setString(1, prefix);
            insert.setInt(2, machines);
            insert.setInt(3, pending);
            insert.executeUpdate();
        }
        try (Statement analyze = db.createStatement()) {
            analyze.execute("ANALYZE tasks, task_history, machines");
        }
        described.put("machines", machines + " paused, " + prefix + "0001 ..");
        described.put("finishedTasks", finished);
        described.put("historyRows", 3L * finished);
        described.put("pendingTasks", pending);
        described.put("secondsToWrite", Stats.round((System.nanoTime() - t0) / 1e9));
        Log.info("loaded tables: written in %.0f s", (System.nanoTime() - t0) / 1e9);
    }

    /** Removes every row it wrote (the tasks, their history, the machines) and vacuums the tables. */
    @Override
    public void close() throws SQLException {
        long t0 = System.nanoTime();
        try (db; PreparedStatement history = db.prepareStatement("""
                DELETE FROM task_history h USING tasks t WHERE h.task_id = t.task_id AND t.machine LIKE ?""");
             PreparedStatement tasks = db.prepareStatement("DELETE FROM tasks WHERE machine LIKE ?");
             PreparedStatement machines = db.prepareStatement("DELETE FROM machines WHERE name LIKE ?")) {
            for (PreparedStatement delete : new PreparedStatement[] {history, tasks, machines}) {
                delete.setString(1, prefix + "%");
                delete.executeUpdate();
            }
            try (Statement vacuum = db.createStatement()) {
                vacuum.execute("VACUUM (ANALYZE) tasks, task_history, machines");
            }
        }
        described.put("secondsToRemove", Stats.round((System.nanoTime() - t0) / 1e9));
        Log.info("loaded tables: removed in %.0f s", (System.nanoTime() - t0) / 1e9);
    }
}
