package com.rediacc.e2e;

import com.rediacc.contract.events.Topics;
import com.rediacc.testsupport.Await;
import com.rediacc.testsupport.RepoRoot;
import com.rediacc.testsupport.Teardown;
import com.rediacc.testsupport.TempDirs;
import com.rediacc.testsupport.TestKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka down while tasks are submitted: the API still accepts them (201 means "in PostgreSQL"),
 * their events wait in the outbox, and once Kafka is back every task runs and ends exactly once.
 * Uses a dedicated broker ({@link TestKafka}); the shared broker of the dev stack is never stopped.
 */
class KafkaOutageIT {
    private static final List<String> MACHINES = List.of("outage-01", "outage-02", "outage-03");
    private static TestKafka kafka;
    private static E2eStack stack;
    private static Path remote;

    @BeforeAll
    static void startServices() throws Exception {
        remote = TempDirs.forMachineCommands("rediacc-e2e-outage-");
        kafka = TestKafka.start(RepoRoot.path().resolve("e2e-tests/target/e2e-logs"), "outage");
        // Assigned before it starts anything, so that @AfterAll stops what did start if start-up fails.
        stack = new E2eStack("outage").kafka(kafka.bootstrap());
        stack.startCore(CrashSupport.FAST_QUEUE);
        stack.startBridge("outage-bridge", CrashSupport.FAST_BRIDGE);
        for (String machine : MACHINES) {
            stack.registerDemoMachine(machine, 2);
        }
    }

    @AfterAll
    static void stopServices() throws Exception {
        Teardown.closeInOrder(stack, kafka, () -> TempDirs.delete(remote));
    }

    @Test
    void tasksAcceptedWhileKafkaIsDownAllRunAndEndExactlyOnceWhenItIsBack() throws Exception {
        // The whole path works through this broker before it goes away.
        for (String machine : MACHINES) {
            String warmUp = stack.createTask(Map.of("machine", machine, "command", "true")).path("taskId").asText();
            assertThat(stack.awaitTerminal(warmUp).path("status").asText()).isEqualTo("COMPLETED");
        }

        kafka.killHard();
        Instant down = Instant.now();

        List<String> ids = new ArrayList<>();
        Map<String, String> tokenOf = new HashMap<>();
        long slowestPost = 0;
        for (int i = 0; i < 30; i++) {
            String machine = MACHINES.get(i % MACHINES.size());
            String token = "outage-" + i + "-" + UUID.randomUUID();
            long start = System.nanoTime();
            // createTask asserts 201: accepted into PostgreSQL although Kafka is down
            String id = stack.createTask(Map.of("machine", machine, "resumable", i % 2 == 0,
                    "command", "echo " + token + " >> " + remote.resolve(machine + ".log") + "; sleep 0.1"))
                    .path("taskId").asText();
            slowestPost = Math.max(slowestPost, (System.nanoTime() - start) / 1_000_000);
            ids.add(id);
            tokenOf.put(id, token);
        }
        // The outage is felt before Kafka comes back: a relay pass has failed, and two sweeps have
        // re-dispatched the waiting work of every machine (into the outbox, as Kafka is down).
        long wakeUpsBefore = wakeUps();
        stack.queue().awaitLogLine("outbox relay: Kafka did not take the batch", Duration.ofMinutes(2));
        Await.until("two sweeps re-dispatch the machines' work", Duration.ofMinutes(2),
                () -> wakeUps() >= wakeUpsBefore + 2L * MACHINES.size(), stack::logs);
        Map<String, Integer> whileDown = CrashSupport.statusCounts(stack, ids);
        long waitingEvents = outboxMessages();
        assertThat(waitingEvents).as("their events wait in the outbox").isGreaterThanOrEqualTo(ids.size());

        Instant restart = Instant.now();
        kafka.start();
        Instant up = Instant.now();
        Duration allDone;
        try {
            allDone = CrashSupport.awaitAllTerminal(stack, ids);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n--- kafka ---\n" + kafka.logTail(), e);
        }

        Map<String, CrashSupport.Audit> audits = CrashSupport.audit(stack, ids);
        Map<String, Integer> ran = CrashSupport.remoteLines(remote);
        assertThat(audits).hasSize(ids.size());
        for (CrashSupport.Audit audit : audits.values()) {
            assertThat(audit.status()).as("%s\n%s", audit, stack.logs()).isEqualTo("COMPLETED");
            assertThat(audit.terminalTransitions()).as("terminal transitions of %s", audit).isEqualTo(1);
            assertThat(ran.getOrDefault(tokenOf.get(audit.id()), 0)).as("remote runs of %s", audit).isEqualTo(1);
        }
        Duration drained = awaitOutboxEmpty(Duration.ofSeconds(120));
        System.out.printf("[outage] Kafka killed (-9) for %d ms: %d tasks accepted meanwhile (slowest POST %d ms), %d outbox"
                        + " messages waiting, statuses %s; broker restarted and listening after %d ms; all tasks COMPLETED %d ms"
                        + " later, outbox empty after %d ms%n",
                Duration.between(down, restart).toMillis(), ids.size(), slowestPost, waitingEvents, whileDown,
                Duration.between(restart, up).toMillis(), allDone.toMillis(), allDone.plus(drained).toMillis());
    }

    /** Messages waiting: a row holds one, or many (a batch of created tasks). */
    private static long outboxMessages() throws Exception {
        try (Connection db = stack.queueDb(); Statement statement = db.createStatement();
             ResultSet rows = statement.executeQuery("SELECT coalesce(sum(message_count), 0) FROM outbox")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** Wake-ups written one to a row, as the sweeper re-dispatches a machine's waiting work. */
    /** Wake-ups waiting in the outbox: rows of one message, and messages of rows of many. */
    private static long wakeUps() throws Exception {
        try (Connection db = stack.queueDb(); PreparedStatement query = db.prepareStatement("""
                SELECT (SELECT count(*) FROM outbox WHERE topic = ?)
                     + (SELECT count(*) FROM outbox, unnest(topics) AS m(topic) WHERE m.topic = ?)""")) {
            query.setString(1, Topics.DISPATCH);
            query.setString(2, Topics.DISPATCH);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static long outboxRows() throws Exception {
        try (Connection db = stack.queueDb(); Statement statement = db.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM outbox")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static Duration awaitOutboxEmpty(Duration timeout) {
        long start = System.nanoTime();
        Await.until("every outbox row relayed after Kafka came back", timeout, KafkaOutageIT::outboxRows, left -> left == 0,
                () -> stack.logs() + "\n--- kafka ---\n" + kafka.logTail());
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
