package com.rediacc.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The benches' own tasks removed with SQL (psql of {@code BENCH_PSQL}, the PG* variables of the queue
 * database): bench/batch and bench/console create hundreds of thousands of PENDING tasks on their own
 * paused machine, which never ran; cancelling them through the API, one transition each (about
 * 1,500 tasks/s), took longer than the whole measurement.
 */
final class TaskSql {
    private TaskSql() {
    }

    /** Deletes the PENDING tasks of {@code machine}; returns how many. */
    static long deletePendingOf(String machine, Duration limit) throws IOException, InterruptedException {
        Path log = Files.createTempFile("bench-cleanup", ".out");
        try {
            Process p = new ProcessBuilder(Bench.env("BENCH_PSQL"), "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                    "-v", "machine=" + machine).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try (var sql = p.getOutputStream()) {
                sql.write("DELETE FROM tasks WHERE machine = :'machine' AND status = 'PENDING';\n".getBytes(StandardCharsets.UTF_8));
            }
            if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("deleting the tasks of " + machine + " took over " + limit);
            }
            String answer = Files.readString(log, StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0 || !answer.startsWith("DELETE ")) {
                throw new IllegalStateException("deleting the tasks of " + machine + ": " + answer);
            }
            return Long.parseLong(answer.substring("DELETE ".length()).trim());
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
