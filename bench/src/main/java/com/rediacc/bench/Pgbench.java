package com.rediacc.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One pgbench round, the baseline of the enqueue figure: {@code pgbench -n -c C -j 2 -T S} with
 * bench/pgbench-insert.sql (one single-row INSERT per transaction) on the queue database, which
 * bench/run prepared (table bench.pgbench_insert, the PG* variables, durable commits). Before a
 * round, and before each enqueue window it is paired with, {@link #quiet()} lets autovacuum finish
 * and runs a CHECKPOINT, so neither side of a pair has one due in its window. bench/batch's baseline
 * runs another script with variables ({@code -D rows=1000}: bench/pgbench-insert-batch.sql).
 */
final class Pgbench {
    private static final Pattern TPS = Pattern.compile("(?m)^tps = ([0-9.]+)");
    private static final Pattern LATENCY = Pattern.compile("(?m)^latency average = ([0-9.]+) ms");
    private static final Duration VACUUM_WAIT = Duration.ofSeconds(180);

    private final String pgbench;
    private final String psql;
    private final Path script;
    private final Path workDir;
    private final String logPrefix;
    private final Map<String, String> variables;

    Pgbench(String pgbench, String psql, Path script, Path workDir) {
        this(pgbench, psql, script, workDir, "pgbench", Map.of());
    }

    /** {@code variables}: pgbench's {@code -D name=value} for the script; logs {@code <logPrefix>-c<C>-<round>.log}. */
    Pgbench(String pgbench, String psql, Path script, Path workDir, String logPrefix, Map<String, String> variables) {
        this.pgbench = pgbench;
        this.psql = psql;
        this.script = script;
        this.workDir = workDir;
        this.logPrefix = logPrefix;
        this.variables = new LinkedHashMap<>(variables);
    }

    /** The command line of a round (the script's path as given). */
    List<String> command(int clients, int seconds) {
        List<String> command = new ArrayList<>(List.of(pgbench, "-n", "-c", Integer.toString(clients),
                "-j", Integer.toString(Math.min(2, clients)), "-T", Integer.toString(seconds)));
        variables.forEach((name, value) -> command.addAll(List.of("-D", name + "=" + value)));
        command.addAll(List.of("-f", script.toString()));
        return command;
    }

    record Round(double tps, double latencyMs) {
    }

    Round run(int clients, int seconds, int round) throws IOException, InterruptedException {
        Path out = workDir.resolve(logPrefix + "-c" + clients + "-" + round + ".log");
        Process p = new ProcessBuilder(command(clients, seconds))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("pgbench with " + clients + " clients did not end; see " + out);
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        Matcher tps = TPS.matcher(text);
        Matcher latency = LATENCY.matcher(text);
        if (p.exitValue() != 0 || !tps.find() || !latency.find()) {
            throw new IllegalStateException("pgbench with " + clients + " clients failed (exit " + p.exitValue() + "): "
                    + QueueApi.abbreviate(text));
        }
        return new Round(Double.parseDouble(tps.group(1)), Double.parseDouble(latency.group(1)));
    }

    /** Waits (up to 3 min) for autovacuum to finish, then checkpoints; what it waited for, for the report. */
    Map<String, Object> quiet() throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + VACUUM_WAIT.toNanos();
        String vacuums;
        while (!(vacuums = psql("SELECT count(*) FROM pg_stat_progress_vacuum")).equals("0") && System.nanoTime() < deadline) {
            Thread.sleep(2000);
        }
        double waited = (System.nanoTime() - t0) / 1e9;
        if (waited >= 2) {
            Log.info("waited %.0f s for autovacuum to finish (still running: %s)", waited, vacuums);
        }
        psql("CHECKPOINT");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("vacuumWaitSeconds", Stats.round(waited));
        out.put("checkpointSeconds", Stats.round((System.nanoTime() - t0) / 1e9 - waited));
        return out;
    }

    private String psql(String sql) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(psql, "-X", "-A", "-t", "-c", sql).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("psql " + sql + " failed: " + out);
        }
        return out;
    }
}
