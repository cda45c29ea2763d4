package com.rediacc.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Transactions and row operations of the queue database during a phase, from pg_stat_database,
 * and the WAL written (pg_stat_wal, the whole cluster; the stack's other databases are idle then)
 * (read with psql; bench/run sets BENCH_PSQL and the PG* variables). PostgreSQL publishes a
 * backend's counters up to a second after its transactions, so the deltas are close, not exact.
 */
final class PgStats {
    private static final String QUERY = "SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_deleted, "
            + "tup_returned, tup_fetched, w.wal_records, w.wal_fpi, w.wal_bytes::bigint "
            + "FROM pg_stat_database, pg_stat_wal w WHERE datname = current_database()";
    private static final List<String> COLUMNS = List.of("commits", "rollbacks", "rowsInserted", "rowsUpdated",
            "rowsDeleted", "rowsReturned", "rowsFetched", "walRecords", "walFullPageImages", "walBytes");

    private final String psql = System.getenv("BENCH_PSQL");

    /** The counters now, or null when psql is not available. */
    Map<String, Long> snapshot() {
        if (psql == null || psql.isBlank()) {
            return null;
        }
        Path out = null;
        try {
            out = Files.createTempFile("bench-pgstat", ".out");
            Process p = new ProcessBuilder(psql, "-X", "-A", "-t", "-F", ",", "-c", QUERY)
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            String[] f = Files.readString(out, StandardCharsets.UTF_8).trim().split(",");
            if (p.exitValue() != 0 || f.length != COLUMNS.size()) {
                return null;
            }
            Map<String, Long> m = new LinkedHashMap<>();
            for (int i = 0; i < f.length; i++) {
                m.put(COLUMNS.get(i), Long.parseLong(f[i].trim()));
            }
            return m;
        } catch (IOException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // temp file left behind
                }
            }
        }
    }

    /** Deltas between two snapshots, in total and per task. */
    static Map<String, Object> between(Map<String, Long> a, Map<String, Long> b, int tasks) {
        if (a == null || b == null) {
            return Map.of("error", "pg_stat_database not available (psql)");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (String k : COLUMNS) {
            long d = b.get(k) - a.get(k);
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("total", d);
            if (tasks > 0) {
                v.put("perTask", Stats.round(d / (double) tasks));
            }
            out.put(k, v);
        }
        return out;
    }
}
