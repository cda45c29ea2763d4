package com.rediacc.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.rediacc.contract.events.Topics;
import com.rediacc.testsupport.Await;
import com.rediacc.testsupport.TempDirs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crons on the real services: three queue-service replicas on one database fire a cron every two
 * seconds while one of them is killed -9 and restarted, and every slot runs exactly once on the
 * machine; a service that was down records the slots it missed, alerts them on Kafka and runs at
 * most one catch-up; maxRuntimeInMinutes kills the remote command; overlap REPLACE kills the run it
 * replaces.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CronEndToEndIT {
    private static final String EVERY_TWO_SECONDS = "*/2 * * * * *";
    private static E2eStack stack;
    private static ServiceProcess replica2;
    private static ServiceProcess replica3;
    private static Path remote;

    @BeforeAll
    static void startServices() throws Exception {
        remote = TempDirs.forMachineCommands("rediacc-e2e-cron-");
        stack = new E2eStack("cron");
        stack.startCore(CrashSupport.FAST_QUEUE);
        replica2 = stack.startQueueReplica("queue-service-2");
        replica3 = stack.startQueueReplica("queue-service-3");
        // The bridge reports to a replica that is never killed.
        stack.startBridge("cron-bridge", Map.of("REDIACC_QUEUE_URL", "http://127.0.0.1:" + replica2.port));
        stack.registerDemoMachine("cron-01", 4);
    }

    @AfterAll
    static void stopServices() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void everySlotRunsExactlyOnceWhileAReplicaIsKilledAndRestarted() throws Exception {
        Path log = remote.resolve("every-two-seconds.log");
        String name = "two-seconds";
        // ALLOW: a slow first run (the first SSH login) must not turn the next slot into a SKIPPED one.
        create(Map.of("name", name, "machine", "cron-01", "cronString", EVERY_TWO_SECONDS, "checkinMargin", 1,
                "overlap", "ALLOW", "command", "echo \"$REDIACC_ATTEMPT\" >> " + log));
        awaitRuns(name, 8);
        ServiceProcess first = stack.queue();
        first.killHard();
        int killedAt = runs(name).size();
        awaitRuns(name, killedAt + 10);
        stack.restartQueue("queue-service-1-restarted");
        awaitRuns(name, killedAt + 20);
        assertThat(stack.post("/api/v1/crons/" + name + "/pause", Map.of()).statusCode()).isEqualTo(200);

        List<Run> runs = runs(name);
        Await.until("every run's task ended", Duration.ofMinutes(2),
                () -> runs(name).stream().allMatch(Run::ended), stack::logs);
        List<Run> ended = runs(name);
        assertThat(ended).hasSizeGreaterThanOrEqualTo(runs.size());
        for (int i = 1; i < ended.size(); i++) {
            assertThat(Duration.between(ended.get(i - 1).slot(), ended.get(i).slot()))
                    .as("slot %d follows slot %d: none missing, none twice", i, i - 1).isEqualTo(Duration.ofSeconds(2));
        }
        assertThat(ended).allSatisfy(run -> {
            assertThat(run.outcome()).as("%s", run).isNull();
            assertThat(run.taskStatus()).as("%s", run).isEqualTo("COMPLETED");
        });
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).as("one line per run on the machine").hasSize(ended.size());
        assertThat(new HashSet<>(lines)).as("every run ran once").hasSize(lines.size());
        System.out.printf("[cron] %d slots every 2 s over three replicas, one killed -9 after %d runs and restarted:"
                + " %d runs, %d lines on the machine, none missing, none twice%n", ended.size(), killedAt, ended.size(),
                lines.size());
    }

    @Test
    @Order(2)
    void aRunLongerThanMaxRuntimeIsKilledAndFails() throws Exception {
        String marker = "rediacc-cron-runtime-" + UUID.randomUUID();
        String name = "max-runtime";
        create(Map.of("name", name, "machine", "cron-01", "cronString", "0 0 1 1 *", "maxRuntimeInMinutes", 1,
                "command", "echo started; sleep 600 # " + marker));
        JsonNode run = trigger(name);
        String taskId = run.path("taskId").asText();
        JsonNode task = stack.awaitStatus(taskId, E2eStack.TERMINAL, Duration.ofMinutes(3));
        assertThat(task.path("status").asText()).isEqualTo("FAILED");
        assertThat(task.path("output").asText()).isEqualTo("started\n");
        assertThat(remoteProcesses(marker)).as("the remote sleep is gone").isZero();
        JsonNode recorded = stack.get("/api/v1/crons/" + name + "/runs").path("items").get(0);
        assertThat(recorded.path("state").asText()).isEqualTo("FAILED");
        assertThat(recorded.path("detail").asText()).isEqualTo("killed: ran longer than maxRuntimeInMinutes (1)");
    }

    @Test
    @Order(3)
    void overlapReplaceKillsTheRunItReplaces() throws Exception {
        Gate never = new Gate(remote, "replaced");
        String marker = "rediacc-cron-replaced-" + UUID.randomUUID();
        String name = "replace";
        create(Map.of("name", name, "machine", "cron-01", "cronString", "0 0 1 1 *", "overlap", "REPLACE",
                "command", "echo started; " + never.shellWait() + " # " + marker));
        String first = trigger(name).path("taskId").asText();
        stack.awaitStatus(first, Set.of("PROCESSING"), Duration.ofSeconds(60));
        Await.until("the first run is running on the machine", Duration.ofSeconds(30), () -> remoteProcesses(marker) > 0);
        String second = trigger(name).path("taskId").asText();
        assertThat(stack.awaitStatus(first, E2eStack.TERMINAL, Duration.ofSeconds(30)).path("status").asText())
                .isEqualTo("CANCELLED");
        stack.awaitStatus(second, Set.of("PROCESSING"), Duration.ofSeconds(60));
        Await.until("only the new run is on the machine", Duration.ofSeconds(30), () -> remoteProcesses(marker) == 1);
        never.open();
        assertThat(stack.awaitTerminal(second).path("status").asText()).isEqualTo("COMPLETED");
    }

    @Test
    @Order(4)
    void aServiceThatWasDownRecordsAndAlertsTheMissedSlotsAndCatchesUpOnce() throws Exception {
        String name = "downtime";
        try (KafkaConsumer<String, String> alerts = alerts()) {
            create(Map.of("name", name, "machine", "cron-01", "cronString", EVERY_TWO_SECONDS, "checkinMargin", 1,
                    "command", "true"));
            awaitRuns(name, 2);
            List<ServiceProcess> all = List.of(stack.queue(), replica2, replica3);
            for (ServiceProcess queue : all) {
                queue.killHard();
            }
            Instant downSince = Instant.now();
            int before = runs(name).size();
            // Down for at least three slots: the clock is the witness, so waiting on it is the point here.
            Await.until("three slots passed while no queue-service runs", Duration.ofSeconds(30),
                    () -> Duration.between(downSince, Instant.now()).compareTo(Duration.ofSeconds(7)) >= 0);
            stack.restartQueue("queue-service-1-after-downtime");
            Await.until("the missed slots are recorded", Duration.ofSeconds(60),
                    () -> runs(name).stream().anyMatch(run -> "MISSED".equals(run.outcome())));
            assertThat(stack.post("/api/v1/crons/" + name + "/pause", Map.of()).statusCode()).isEqualTo(200);

            List<Run> after = runs(name).subList(before, runs(name).size());
            List<Run> missed = after.stream().filter(run -> "MISSED".equals(run.outcome())).toList();
            List<Run> catchUps = after.stream().filter(run -> "CATCH_UP".equals(run.kind())).toList();
            assertThat(catchUps).as("a catch-up run after the downtime: %s", after).isNotEmpty();
            Run catchUp = catchUps.getFirst();
            List<Run> down = after.stream().filter(run -> run.slot().isBefore(catchUp.slot())).toList();
            assertThat(down).as("slots of the downtime before its one catch-up run: %s", after)
                    .hasSizeGreaterThanOrEqualTo(2).allMatch(run -> "MISSED".equals(run.outcome()));
            // On a loaded machine the restarted scheduler may stall past a 2 s slot again: such a slot
            // is missed too, and the next run a catch-up, but only ever right after missed slots.
            for (int i = 1; i < after.size(); i++) {
                if ("CATCH_UP".equals(after.get(i).kind())) {
                    assertThat(after.get(i - 1).outcome()).as("the run before catch-up %s: %s", after.get(i), after)
                            .isEqualTo("MISSED");
                }
            }
            List<String> alerted = new ArrayList<>();
            Await.until("every missed slot alerted on " + Topics.ALERTS, Duration.ofSeconds(60), () -> {
                for (ConsumerRecord<String, String> record : alerts.poll(Duration.ofMillis(200))) {
                    if (name.equals(record.key()) && record.value().contains("rediacc.alert.cron-missed")) {
                        alerted.add(E2eStack.JSON.readTree(record.value()).path("data").path("slot").asText());
                    }
                }
                return alerted.size() >= missed.size();
            });
            assertThat(alerted).containsExactlyInAnyOrderElementsOf(missed.stream().map(r -> r.slot().toString()).toList());
            System.out.printf("[cron] down %d s: %d slots missed and alerted, 1 catch-up run%n",
                    Duration.between(downSince, catchUp.slot()).toSeconds(), missed.size());
        }
    }

    private static void create(Map<String, Object> body) throws Exception {
        HttpResponse<String> response = stack.post("/api/v1/crons", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    }

    private static JsonNode trigger(String name) throws Exception {
        HttpResponse<String> response = stack.post("/api/v1/crons/" + name + "/trigger", Map.of());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return E2eStack.JSON.readTree(response.body());
    }

    /** A run as stored, read from the database (whichever queue-service is up). */
    record Run(Instant slot, String kind, String outcome, UUID taskId, String taskStatus) {
        boolean ended() {
            return taskId == null || E2eStack.TERMINAL.contains(taskStatus);
        }
    }

    private static List<Run> runs(String cron) throws Exception {
        try (Connection db = stack.queueDb(); PreparedStatement query = db.prepareStatement("""
                SELECT r.slot, r.kind, r.outcome, r.task_id, t.status FROM cron_runs r
                LEFT JOIN tasks t ON t.task_id = r.task_id WHERE r.cron = ? ORDER BY r.slot""")) {
            query.setString(1, cron);
            List<Run> runs = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    runs.add(new Run(rows.getTimestamp(1).toInstant(), rows.getString(2), rows.getString(3),
                            rows.getObject(4, UUID.class), rows.getString(5)));
                }
            }
            return runs;
        }
    }

    private static void awaitRuns(String cron, int count) {
        Await.until(cron + " has " + count + " runs", Duration.ofMinutes(2), () -> runs(cron).size() >= count, stack::logs);
    }

    private static KafkaConsumer<String, String> alerts() {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, E2eStack.env("KAFKA_BOOTSTRAP_SERVERS"));
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, "cron-alerts-" + UUID.randomUUID());
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(settings);
        consumer.subscribe(List.of(Topics.ALERTS));
        Await.until("the alert consumer has its partitions", Duration.ofSeconds(30), () -> {
            consumer.poll(Duration.ofMillis(100));
            return !consumer.assignment().isEmpty();
        });
        consumer.assignment().forEach(consumer::position);
        return consumer;
    }

    /** The demo machine is this host: its processes are visible here. */
    private static long remoteProcesses(String marker) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .count();
    }
}
