package com.rediacc.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.rediacc.contract.vault.EncryptRequest;
import com.rediacc.contract.vault.VaultApi;
import com.rediacc.testsupport.Await;
import com.rediacc.testsupport.RepoRoot;
import com.rediacc.testsupport.Teardown;
import com.rediacc.testsupport.TempDirs;
import com.rediacc.testsupport.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL killed (-9) during a stream of creates, and PostgreSQL hung (SIGSTOP), on a durable
 * cluster of this test's own ({@link TestPostgres}; the shared one is never touched). Every task
 * answered 201 runs exactly once and ends COMPLETED; every call that could not be served was
 * answered 503 problem+json with Retry-After naming PostgreSQL, within seconds, never a 500;
 * readiness goes down with the database and everything recovers when it is back, without a restart.
 * vault-service, on the same cluster, answers the same way.
 * The machines' commands append their token to a file: the remote side's record of what ran.
 */
class DatabaseOutageIT {
    private static final List<String> MACHINES = List.of("dbdown-01", "dbdown-02");
    /** queue-service's rediacc.database.call-deadline (its default), and what a busy machine may add. */
    private static final Duration DEADLINE = Duration.ofSeconds(5);
    private static final Duration SLACK = Duration.ofSeconds(5);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static TestPostgres postgres;
    private static E2eStack stack;
    private static Path remote;

    /** One answer to a create: its status, how long it took, and what a 503 said. */
    record Call(long atNanos, int status, long millis, String token, String taskId, String contentType,
                String retryAfter, String detail) {
    }

    @BeforeAll
    static void startServices() throws Exception {
        remote = TempDirs.forMachineCommands("rediacc-e2e-dbdown-");
        postgres = TestPostgres.start(RepoRoot.path().resolve("e2e-tests/target/e2e-logs"), "dboutage");
        // Assigned before it starts anything, so that @AfterAll stops what did start if start-up fails.
        // The default lease (30 s): the outages here are shorter, so no running task's lease expires.
        stack = new E2eStack("dboutage").postgres(postgres);
        stack.startCore(Map.of());
        stack.startBridge("dboutage-bridge", CrashSupport.FAST_BRIDGE);
        for (String machine : MACHINES) {
            stack.registerDemoMachine(machine, 2);
        }
    }

    @AfterAll
    static void stopServices() throws Exception {
        Teardown.closeInOrder(stack, postgres, () -> TempDirs.delete(remote));
    }

    @Test
    void postgresqlKilledDuringCreatesLosesNoAcceptedTaskAndRunsNoneTwice() throws Exception {
        assertThat(durability()).as("the queue's sessions on this cluster, as the dev stack's")
                .isEqualTo(Map.of("fsync", "on", "synchronous_commit", "on", "full_page_writes", "on"));
        warmUp();
        List<Call> calls = new CopyOnWriteArrayList<>();
        AtomicBoolean creating = new AtomicBoolean(true);
        long killedAt;
        long restartedAt;
        Duration notReadyAfter;
        Call vaultWhileDown;
        Duration readyAfter;
        try (ExecutorService creators = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 4; i++) {
                String machine = MACHINES.get(i % MACHINES.size());
                creators.submit(() -> {
                    while (creating.get()) {
                        calls.add(create(machine));
                    }
                    return null;
                });
            }
            awaitCalls("20 tasks accepted before the kill", calls, 20, call -> call.status() == 201);

            killedAt = System.nanoTime();
            postgres.killHard();
            awaitCalls("10 calls answered 503 after the kill", calls, 10,
                    call -> call.atNanos() > killedAt && call.status() == 503);
            awaitReady(false);
            notReadyAfter = Duration.ofNanos(System.nanoTime() - killedAt);
            vaultWhileDown = vaultEncrypt();

            postgres.start();
            restartedAt = System.nanoTime();
            awaitCalls("20 tasks accepted after the restart", calls, 20,
                    call -> call.atNanos() > restartedAt && call.status() == 201);
            awaitReady(true);
            readyAfter = Duration.ofNanos(System.nanoTime() - restartedAt);
            creating.set(false);
        } finally {
            creating.set(false);
        }

        assertOnly201And503(calls);
        assertUnavailable(vaultWhileDown);
        List<Call> accepted = calls.stream().filter(call -> call.status() == 201).toList();
        List<String> ids = accepted.stream().map(Call::taskId).toList();
        Duration allDone = CrashSupport.awaitAllTerminal(stack, ids);
        Map<String, CrashSupport.Audit> audits = CrashSupport.audit(stack, ids);
        Map<String, Integer> ran = CrashSupport.remoteLines(remote);
        assertThat(audits).as("every task answered 201 is stored").hasSize(ids.size());
        for (Call call : accepted) {
            CrashSupport.Audit audit = audits.get(call.taskId());
            assertThat(audit.status()).as("%s\n%s", audit, stack.logs()).isEqualTo("COMPLETED");
            assertThat(audit.terminalTransitions()).as("terminal transitions of %s", audit).isEqualTo(1);
            assertThat(ran.getOrDefault(call.token(), 0)).as("remote runs of %s", audit).isEqualTo(1);
        }
        assertThat(ran.values()).as("no command ran twice (503 answers included)").allMatch(count -> count == 1);

        List<Call> refused = calls.stream().filter(call -> call.status() == 503).toList();
        long firstRefusal = refused.stream().mapToLong(Call::atNanos).min().orElseThrow();
        long firstAfterRestart = accepted.stream().mapToLong(Call::atNanos).filter(at -> at > restartedAt).min().orElseThrow();
        System.out.printf("[db-kill] %d creates: %d accepted (%d after the restart), %d answered 503 (slowest %d ms, the first"
                        + " %d ms after the kill); PostgreSQL down %d ms; first 201 %d ms after its restart; all accepted tasks"
                        + " COMPLETED, each run once, %d ms later; readiness down within %d ms of the kill, up within %d ms"
                        + " of the restart%n",
                calls.size(), accepted.size(), accepted.stream().filter(call -> call.atNanos() > restartedAt).count(),
                refused.size(), refused.stream().mapToLong(Call::millis).max().orElse(0),
                (firstRefusal - killedAt) / 1_000_000, (restartedAt - killedAt) / 1_000_000,
                (firstAfterRestart - restartedAt) / 1_000_000, allDone.toMillis(), notReadyAfter.toMillis(),
                readyAfter.toMillis());
    }

    @Test
    void aHungPostgresqlIsAnsweredWith503WithinSecondsAndServiceResumesAfterIt() throws Exception {
        warmUp();
        String before = stack.createTask(Map.of("machine", MACHINES.getFirst(), "command", "true")).path("taskId").asText();
        stack.awaitTerminal(before);

        List<Call> whileHung = new ArrayList<>();
        Duration notReady;
        postgres.pause();
        long resumedAt;
        try {
            for (String machine : MACHINES) {
                whileHung.add(create(machine));
            }
            Call read = get("/api/v1/tasks/" + before);
            whileHung.add(read);
            notReady = awaitReady(false);
        } finally {
            postgres.resume();
            resumedAt = System.nanoTime();
        }

        for (Call call : whileHung) {
            assertUnavailable(call);
            assertThat(Duration.ofMillis(call.millis())).as("answered within the deadline: %s", call)
                    .isLessThan(DEADLINE.plus(SLACK));
        }
        awaitReady(true);
        Call after = Await.until("a create accepted after SIGCONT", Duration.ofSeconds(60),
                () -> create(MACHINES.getLast()), call -> call.status() == 201, stack::logs);
        assertThat(stack.awaitTerminal(after.taskId()).path("status").asText()).isEqualTo("COMPLETED");
        assertThat(CrashSupport.remoteLines(remote).get(after.token())).isEqualTo(1);
        System.out.printf("[db-hang] while PostgreSQL was stopped (SIGSTOP): %s, then readiness down %d ms later; a create"
                        + " was accepted %d ms after SIGCONT%n",
                whileHung.stream().map(call -> call.status() + " in " + call.millis() + " ms").toList(), notReady.toMillis(),
                (after.atNanos() - resumedAt) / 1_000_000);
    }

    /** vault-service's own API (it keeps its keys and audit trail in PostgreSQL too), called as queue-service calls it. */
    private static Call vaultEncrypt() throws Exception {
        String path = VaultApi.BASE.replace("{team}", "default") + VaultApi.ENCRYPT;
        String body = E2eStack.JSON.writeValueAsString(new EncryptRequest("outage-probe",
                java.util.Base64.getEncoder().encodeToString("probe".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        return send(HttpRequest.newBuilder(URI.create(stack.vaultUrl() + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + stack.vaultQueueToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), null);
    }

    /** Each machine runs a task: the whole path works before the database goes away. */
    private static void warmUp() throws Exception {
        for (String machine : MACHINES) {
            String id = stack.createTask(Map.of("machine", machine, "command", "true")).path("taskId").asText();
            assertThat(stack.awaitTerminal(id).path("status").asText()).isEqualTo("COMPLETED");
        }
    }

    /** POST /tasks of a command that appends a fresh token to its machine's file. */
    private static Call create(String machine) throws Exception {
        String token = "dbdown-" + UUID.randomUUID();
        String body = E2eStack.JSON.writeValueAsString(Map.of("machine", machine,
                "command", "echo " + token + " >> " + remote.resolve(machine + ".log")));
        return send(stack.request("/api/v1/tasks").timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), token);
    }

    private static Call get(String path) throws Exception {
        return send(stack.request(path).timeout(Duration.ofSeconds(60)).GET().build(), null);
    }

    private static Call send(HttpRequest request, String token) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        long millis = (System.nanoTime() - start) / 1_000_000;
        JsonNode body = response.body().isBlank() ? E2eStack.JSON.nullNode() : E2eStack.JSON.readTree(response.body());
        return new Call(start, response.statusCode(), millis, token, body.path("taskId").asText(null),
                response.headers().firstValue("Content-Type").orElse(""), response.headers().firstValue("Retry-After").orElse(null),
                body.path("detail").asText(""));
    }

    private static void awaitCalls(String what, List<Call> calls, int count, Predicate<Call> matching) {
        Await.until(what, Duration.ofSeconds(120), () -> calls.stream().filter(matching).count(), seen -> seen >= count,
                () -> "answers so far: " + statuses(calls) + "\n" + stack.logs() + "\n--- postgres ---\n" + postgres.logTail());
    }

    /** Waits until queue-service's readiness is {@code ready}; returns how long that took. */
    private static Duration awaitReady(boolean ready) {
        long start = System.nanoTime();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(stack.queueUrl() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(60)).build();
        Await.until("queue-service " + (ready ? "ready" : "not ready"), Duration.ofSeconds(120),
                () -> (HTTP.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) == ready, stack::logs);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** The settings that make a commit durable, as the queue's own sessions see them. */
    private static Map<String, String> durability() throws Exception {
        Map<String, String> settings = new java.util.HashMap<>();
        try (java.sql.Connection db = stack.queueDb(); java.sql.Statement statement = db.createStatement()) {
            for (String name : List.of("fsync", "synchronous_commit", "full_page_writes")) {
                try (java.sql.ResultSet row = statement.executeQuery("SHOW " + name)) {
                    row.next();
                    settings.put(name, row.getString(1));
                }
            }
        }
        return settings;
    }

    private static void assertOnly201And503(List<Call> calls) {
        assertThat(calls.stream().map(Call::status).distinct().toList()).as("answers: %s\n%s", statuses(calls), stack.logs())
                .allMatch(status -> Set.of(201, 503).contains(status));
        calls.stream().filter(call -> call.status() == 503).forEach(DatabaseOutageIT::assertUnavailable);
    }

    private static void assertUnavailable(Call call) {
        assertThat(call.status()).as("%s", call).isEqualTo(503);
        assertThat(call.contentType()).as("%s", call).startsWith("application/problem+json");
        assertThat(call.retryAfter()).as("Retry-After of %s", call).isNotNull().matches("[1-9][0-9]*");
        assertThat(call.detail()).as("%s", call).startsWith("PostgreSQL is unavailable");
    }

    private static Map<Integer, Long> statuses(List<Call> calls) {
        return calls.stream().collect(java.util.stream.Collectors.groupingBy(Call::status, java.util.TreeMap::new,
                java.util.stream.Collectors.counting()));
    }
}
