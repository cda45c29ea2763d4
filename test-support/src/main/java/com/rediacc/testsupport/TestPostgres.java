package com.rediacc.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL cluster of its own for a test that kills or hangs PostgreSQL: the shared one of
 * ./dev/stack is never touched. Made and started by dev/lib/pg.sh itself (initdb as the postgres OS
 * user when we are root, scram-sha-256, superuser {@code rediacc}, 127.0.0.1 only, the stack's
 * durable default settings), in a temp dir of its own instead of .dev, on a free port. It can be
 * killed (SIGKILL to every process of the cluster, as in a crash), paused (SIGSTOP: hung) and
 * resumed, and started again on the same port and data.
 */
public final class TestPostgres implements AutoCloseable {
    private static final Duration SCRIPT_LIMIT = Duration.ofSeconds(120);

    public final int port;
    private final Path dir;
    private final Path logCopy;

    private TestPostgres(Path dir, int port, Path logCopy) {
        this.dir = dir;
        this.port = port;
        this.logCopy = logCopy;
    }

    /** Makes and starts a fresh cluster; its log is copied to {@code logDir}/{@code name}-postgres.log when it closes. */
    public static TestPostgres start(Path logDir, String name) throws Exception {
        Files.createDirectories(logDir);
        TestPostgres postgres = new TestPostgres(TempDirs.create("rediacc-test-pg-"), Ports.free(),
                logDir.resolve(name + "-postgres.log"));
        try {
            postgres.start();
        } catch (Exception | Error e) {
            postgres.close();
            throw e;
        }
        return postgres;
    }

    public String user() {
        return "rediacc";
    }

    public String password() throws IOException {
        return Files.readString(dir.resolve("secrets/pg_password")).strip();
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Starts the cluster (again: after a kill it recovers from its WAL first); returns once it accepts connections. */
    public synchronized void start() throws Exception {
        pgScript("rediacc_init_dirs && rediacc_pg_start");
    }

    /** A fresh, empty database {@code name}: the cluster's settings, durable. */
    public void recreateDatabase(String name) throws Exception {
        pgScript("rediacc_pg_recreate_db \"$1\"", name);
    }

    /** SIGKILL to the postmaster and every backend at once, as when its machine dies; waits until they are gone. */
    public synchronized void killHard() {
        List<ProcessHandle> cluster = processes();
        cluster.forEach(ProcessHandle::destroyForcibly);
        Await.until("every process of the killed cluster gone", Duration.ofSeconds(30),
                () -> cluster.stream().noneMatch(ProcessHandle::isAlive), this::logTail);
    }

    /** SIGSTOP to every process of the cluster: it keeps its connections and answers nothing. */
    public synchronized void pause() throws Exception {
        signal("STOP");
    }

    /** SIGCONT: the cluster goes on where it stopped. */
    public synchronized void resume() throws Exception {
        signal("CONT");
    }

    public boolean listening() {
        return Ports.listening(port);
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** The postmaster (from postmaster.pid) and its children, the backends. */
    private List<ProcessHandle> processes() {
        List<ProcessHandle> cluster = new ArrayList<>();
        try {
            long pid = Long.parseLong(Files.readAllLines(dir.resolve("pg/data/postmaster.pid")).getFirst().strip());
            ProcessHandle.of(pid).ifPresent(postmaster -> {
                cluster.add(postmaster);
                postmaster.descendants().forEach(cluster::add);
            });
        } catch (IOException | RuntimeException e) {
            // no postmaster.pid: nothing runs
        }
        return cluster;
    }

    private void signal(String signal) throws Exception {
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        processes().forEach(process -> command.add(Long.toString(process.pid())));
        if (command.size() == 2) {
            throw new IllegalStateException("PostgreSQL is not running:\n" + logTail());
        }
        Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: "
                    + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private Path log() {
        return dir.resolve("logs/postgres.log");
    }

    /**
     * Runs {@code script} after sourcing dev/lib/pg.sh with the stack's directories moved into this
     * cluster's temp dir and its port set; {@code args} are its $1...
     */
    private void pgScript(String script, String... args) throws Exception {
        String preamble = """
                source "$REDIACC_TEST_PG_LIB" || exit 1
                REDIACC_DEV_DIR="$REDIACC_TEST_PG_DIR"
                REDIACC_RUN_DIR="$REDIACC_DEV_DIR/run"
                REDIACC_LOG_DIR="$REDIACC_DEV_DIR/logs"
                REDIACC_SECRETS_DIR="$REDIACC_DEV_DIR/secrets"
                REDIACC_PG_DIR="$REDIACC_DEV_DIR/pg"
                REDIACC_PG_DATA="$REDIACC_PG_DIR/data"
                unset REDIACC_PG_NON_DURABLE
                """;
        List<String> command = new ArrayList<>(List.of("bash", "-c", preamble + script, "bash"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("REDIACC_TEST_PG_LIB", RepoRoot.path().resolve("dev/lib/pg.sh").toString());
        builder.environment().put("REDIACC_TEST_PG_DIR", dir.toString());
        builder.environment().put("PG_PORT", Integer.toString(port));
        Process bash = builder.start();
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!bash.waitFor(SCRIPT_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            bash.destroyForcibly();
            throw new IllegalStateException("dev/lib/pg.sh: " + script + " did not end in " + SCRIPT_LIMIT);
        }
        if (bash.exitValue() != 0) {
            throw new IllegalStateException("dev/lib/pg.sh: " + script + " failed:\n" + out + "\n" + logTail());
        }
    }

    /** Resumes a paused cluster, kills it (nothing of it is kept), keeps its log, deletes its data. */
    @Override
    public synchronized void close() throws Exception {
        List<ProcessHandle> cluster = processes();
        if (!cluster.isEmpty()) {
            signal("CONT");
            killHard();
        }
        if (Files.exists(log())) {
            Files.copy(log(), logCopy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        TempDirs.delete(dir);
    }
}
