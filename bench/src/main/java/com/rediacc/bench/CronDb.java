package com.rediacc.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cron benchmark's crons, runs and tasks as the queue database has them: one JDBC connection on
 * loopback, with the PG* variables bench/lib.sh sets. Every query is limited to the crons whose
 * names start with this run's prefix (and their tasks, created by {@code cron:<name>}).
 */
final class CronDb implements AutoCloseable {
    /** A run of one of the bench's crons; {@code latenessMs}: its task's created_at - slot, null without a task. */
    record Run(String cron, Instant slot, String outcome, Double latenessMs) {
    }

    private final Connection db;
    private final String crons;
    private final String tasksOfCrons;
    private final PreparedStatement stillDue;

    CronDb(String namePrefix) throws SQLException {
        if (!namePrefix.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("a cron name prefix is lowercase letters, digits and '-': " + namePrefix);
        }
        db = QueueDb.connect(60);
        crons = namePrefix + "%";
        tasksOfCrons = "cron:" + namePrefix + "%";
        // the scheduler's own index (crons_due_idx): each look reads only the crons not fired yet
        stillDue = db.prepareStatement("SELECT count(*) FROM crons WHERE enabled AND next_slot <= ? AND name LIKE ?");
    }

    /** The bench's enabled crons whose next slot is {@code slot}. */
    int scheduledAt(Instant slot) throws SQLException {
        return count("SELECT count(*) FROM crons WHERE enabled AND next_slot = ? AND name LIKE ?", slot);
    }

    /** The bench's crons not fired yet for {@code slot}: the scheduler moves next_slot in the transaction that fires it. */
    int stillDueAt(Instant slot) throws SQLException {
        stillDue.setObject(1, utc(slot));
        stillDue.setString(2, crons);
        try (ResultSet rs = stillDue.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    List<Run> runs() throws SQLException {
        List<Run> runs = new ArrayList<>();
        query("SELECT r.cron, r.slot, r.outcome, extract(epoch FROM t.created_at - r.slot) * 1000 "
                + "FROM cron_runs r LEFT JOIN tasks t ON t.task_id = r.task_id WHERE r.cron LIKE ?", crons, rs -> {
                    double lateness = rs.getDouble(4);
                    Double latenessMs = rs.wasNull() ? null : lateness;
                    runs.add(new Run(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getString(3),
                            latenessMs));
                });
        return runs;
    }

    /** Tasks created by each of the bench's crons (crons without any are absent). */
    Map<String, Integer> tasksPerCron() throws SQLException {
        Map<String, Integer> counts = new HashMap<>();
        query("SELECT substr(created_by, 6), count(*) FROM tasks WHERE created_by LIKE ? GROUP BY created_by", tasksOfCrons,
                rs -> counts.put(rs.getString(1), rs.getInt(2)));
        return counts;
    }

    List<String> cronNames() throws SQLException {
        List<String> names = new ArrayList<>();
        query("SELECT name FROM crons WHERE name LIKE ?", crons, rs -> names.add(rs.getString(1)));
        return names;
    }

    List<String> pendingTasks() throws SQLException {
        List<String> ids = new ArrayList<>();
        query("SELECT task_id FROM tasks WHERE created_by LIKE ? AND status = 'PENDING'", tasksOfCrons,
                rs -> ids.add(rs.getString(1)));
        return ids;
    }

    private int count(String sql, Instant slot) throws SQLException {
        try (PreparedStatement st = db.prepareStatement(sql)) {
            st.setObject(1, utc(slot));
            st.setString(2, crons);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private interface Row {
        void read(ResultSet rs) throws SQLException;
    }

    private void query(String sql, String pattern, Row row) throws SQLException {
        try (PreparedStatement st = db.prepareStatement(sql)) {
            st.setString(1, pattern);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    row.read(rs);
                }
            }
        }
    }

    @Override
    public void close() throws SQLException {
        db.close();
    }
}
