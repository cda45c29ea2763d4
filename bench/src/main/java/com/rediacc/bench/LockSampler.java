package com.rediacc.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Samples pg_stat_activity of the queue database every 100 ms during a phase, through one
 * long-lived psql: how often backends were active, and how often one waited for a lock (and on
 * which statement). Evidence for lock contention between the services' transactions.
 */
final class LockSampler implements AutoCloseable {
    private static final String QUERY = "SELECT coalesce(wait_event_type, '-') || ':' || coalesce(wait_event, '-') || ':' "
            + "|| left(regexp_replace(query, '\\s+', ' ', 'g'), 60) FROM pg_stat_activity "
            + "WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid();"
            + " SELECT '--end--';\n";

    private final Process psql;
    private final Thread thread;
    private final AtomicBoolean stop = new AtomicBoolean();
    private int samples;
    private int samplesWithActive;
    private int samplesWithLockWait;
    private long activeTotal;
    private long lockWaitTotal;
    private final Map<String, Integer> lockWaitStatements = new TreeMap<>();

    private LockSampler(Process psql) {
        this.psql = psql;
        this.thread = Thread.ofPlatform().daemon().name("lock-sampler").start(this::loop);
    }

    /** Starts sampling, or returns null when psql is not available. */
    static LockSampler start() {
        String bin = System.getenv("BENCH_PSQL");
        if (bin == null || bin.isBlank()) {
            return null;
        }
        try {
            return new LockSampler(new ProcessBuilder(bin, "-X", "-A", "-t", "-q").redirectErrorStream(true).start());
        } catch (Exception e) {
            return null;
        }
    }

    private void loop() {
        try (Writer in = new OutputStreamWriter(psql.getOutputStream(), StandardCharsets.UTF_8);
             BufferedReader out = new BufferedReader(new InputStreamReader(psql.getInputStream(), StandardCharsets.UTF_8))) {
            while (!stop.get()) {
                in.write(QUERY);
                in.flush();
                int active = 0;
                int waiting = 0;
                String line;
                while ((line = out.readLine()) != null && !line.equals("--end--")) {
                    if (line.isBlank()) {
                        continue;
                    }
                    active++;
                    if (line.startsWith("Lock:")) {
                        waiting++;
                        synchronized (this) {
                            lockWaitStatements.merge(line, 1, Integer::sum);
                        }
                    }
                }
                if (line == null) {
                    return;
                }
                synchronized (this) {
                    samples++;
                    activeTotal += active;
                    lockWaitTotal += waiting;
                    if (active > 0) {
                        samplesWithActive++;
                    }
                    if (waiting > 0) {
                        samplesWithLockWait++;
                    }
                }
                Thread.sleep(100);
            }
        } catch (Exception e) {
            // sampling ends; what was gathered stays
        }
    }

    synchronized Map<String, Object> results() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("samples", samples);
        out.put("intervalMs", 100);
        out.put("meanActiveBackends", samples == 0 ? 0 : Stats.round(activeTotal / (double) samples));
        out.put("percentSamplesWithActiveBackend", samples == 0 ? 0 : Stats.round(100.0 * samplesWithActive / samples));
        out.put("meanBackendsWaitingForLock", samples == 0 ? 0 : Stats.round(lockWaitTotal / (double) samples));
        out.put("percentSamplesWithLockWait", samples == 0 ? 0 : Stats.round(100.0 * samplesWithLockWait / samples));
        Map<String, Integer> top = new LinkedHashMap<>();
        lockWaitStatements.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(8)
                .forEach(e -> top.put(e.getKey(), e.getValue()));
        out.put("lockWaits", top);
        return out;
    }

    @Override
    public void close() {
        stop.set(true);
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        psql.destroy();
        try {
            if (!psql.waitFor(2, TimeUnit.SECONDS)) {
                psql.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            psql.destroyForcibly();
        }
    }
}
