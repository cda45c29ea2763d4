package com.rediacc.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.rediacc.contract.events.Topics;
import com.rediacc.testsupport.Await;
import com.rediacc.testsupport.TempDirs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Queue semantics proven on the real path: the commands run on a real sshd and the remote side
 * (files and processes on the machine, which is this host) is the witness.
 */
class QueueSemanticsIT {
    /** A machine whose wake-ups share ordered-01's dispatch partition: they reach the bridge after ordered-01's. */
    private static final String ORDERED_NEIGHBOUR = CrashSupport.machinesOnPartitions("neighbour",
            CrashSupport.partition("ordered-01", Topics.DISPATCH_PARTITIONS)).getFirst();
    private static E2eStack stack;
    private static Path remote;

    @BeforeAll
    static void startServices() throws Exception {
        stack = new E2eStack("semantics").startCore(Map.of("REDIACC_SWEEPER_INTERVAL", "500ms"));
        stack.startBridge("bridge-1", Map.of());
        stack.registerDemoMachine("ordered-01", 1);
        stack.registerDemoMachine(ORDERED_NEIGHBOUR, 1);
        stack.registerDemoMachine("work-01", 4);
        remote = TempDirs.forMachineCommands("rediacc-e2e-remote-");
    }

    @AfterAll
    static void stopServices() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void pausedMachineRunsItsQueueByPriorityThenFifoOnResume() throws Exception {
        Path log = remote.resolve("order.log");
        assertThat(stack.post("/api/v1/machines/ordered-01/pause", Map.of()).statusCode()).isEqualTo(200);
        Random random = new Random(42);
        List<String[]> expected = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            int priority = 1 + random.nextInt(5);
            String line = priority + " " + i;
            ids.add(stack.createTask(Map.of("machine", "ordered-01", "priority", priority,
                    "command", "echo '" + line + "' >> " + log)).path("taskId").asText());
            expected.add(new String[] {Integer.toString(priority), Integer.toString(i)});
        }
        // Had the queue or the bridge a way to start a paused machine's work, they would have by the time a
        // later task has run that only a sweep wakes (it is delayed) and whose wake-ups follow ordered-01's.
        String later = stack.createTask(Map.of("machine", ORDERED_NEIGHBOUR, "delaySeconds", 1, "command", "true"))
                .path("taskId").asText();
        stack.awaitStatus(later, Set.of("COMPLETED"), Duration.ofSeconds(120));
        assertThat(log).as("nothing runs while the machine is paused").doesNotExist();
        assertThat(stack.post("/api/v1/machines/ordered-01/resume", Map.of()).statusCode()).isEqualTo(200);
        for (String id : ids) {
            assertThat(stack.awaitTerminal(id).path("status").asText()).isEqualTo("COMPLETED");
        }
        List<String> ran = Files.readAllLines(log);
        List<String> byPriorityThenFifo = expected.stream()
                .sorted(Comparator.<String[]>comparingInt(e -> Integer.parseInt(e[0])).thenComparingInt(e -> Integer.parseInt(e[1])))
                .map(e -> e[0] + " " + e[1]).toList();
        assertThat(ran).containsExactlyElementsOf(byPriorityThenFifo);
    }

    @Test
    void cancellingARunningCommandKillsItOnTheMachineWithinFiveSeconds() throws Exception {
        String marker = "rediacc-cancel-" + UUID.randomUUID();
        String id = stack.createTask(Map.of("machine", "work-01",
                "command", "echo started; sh -c 'sleep 600; echo " + marker + "'")).path("taskId").asText();
        stack.awaitStatus(id, Set.of("PROCESSING"), Duration.ofSeconds(60));
        awaitRemoteProcess(marker);
        long start = System.nanoTime();
        HttpResponse<String> cancel = stack.post("/api/v1/tasks/" + id + "/cancel", Map.of());
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
        JsonNode done = stack.awaitStatus(id, Set.of("CANCELLED"), Duration.ofSeconds(5));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).isLessThan(Duration.ofSeconds(5));
        assertThat(done.path("output").asText()).isEqualTo("started\n");
        assertThat(remoteProcesses(marker)).as("the remote sleep is gone").isZero();
        System.out.printf("cancel of a running sleep 600: CANCELLED and killed after %d ms%n", took.toMillis());
    }

    @Test
    void timeoutKillsTheRemoteProcessAndFailsTheAttempt() throws Exception {
        String marker = "rediacc-timeout-" + UUID.randomUUID();
        String id = stack.createTask(Map.of("machine", "work-01", "timeoutSeconds", 2,
                "command", "sh -c 'sleep 300; echo " + marker + "'")).path("taskId").asText();
        JsonNode done = stack.awaitStatus(id, E2eStack.TERMINAL, Duration.ofSeconds(30));
        assertThat(done.path("status").asText()).isEqualTo("FAILED");
        assertThat(done.path("error").asText()).startsWith("timed out after 2 s");
        Duration ran = Duration.between(java.time.Instant.parse(done.path("startedAt").asText()),
                java.time.Instant.parse(done.path("completedAt").asText()));
        assertThat(ran).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(6));
        assertThat(remoteProcesses(marker)).isZero();
    }

    @Test
    void retriesRunTheCommandAgainAfterTheirDelay() throws Exception {
        Path attempts = remote.resolve("attempts-" + UUID.randomUUID());
        String id = stack.createTask(Map.of("machine", "work-01", "maxRetries", 2, "retryDelay", 1,
                "command", "date +%s.%N >> " + attempts + "; exit 3")).path("taskId").asText();
        JsonNode done = stack.awaitStatus(id, E2eStack.TERMINAL, Duration.ofSeconds(30));
        assertThat(done.path("status").asText()).isEqualTo("FAILED");
        assertThat(done.path("attempts").asInt()).isEqualTo(3);
        assertThat(done.path("exitCode").asInt()).isEqualTo(3);
        List<Double> times = Files.readAllLines(attempts).stream().map(Double::parseDouble).toList();
        assertThat(times).hasSize(3);
        for (int i = 1; i < times.size(); i++) {
            assertThat(times.get(i) - times.get(i - 1)).as("delay before retry %d", i).isGreaterThanOrEqualTo(1.0);
        }
        assertThat(stack.transitions(id)).containsExactly("PENDING", "ASSIGNED", "PROCESSING", "PENDING", "ASSIGNED",
                "PROCESSING", "PENDING", "ASSIGNED", "PROCESSING", "FAILED");
    }

    @Test
    void outputIsVisibleWhileTheCommandRunsAndFollowStreamsIt() throws Exception {
        // Each line waits until the stream has shown it: the output must arrive while the command runs.
        List<Gate> shown = new ArrayList<>();
        StringBuilder command = new StringBuilder();
        for (int i = 1; i <= 4; i++) {
            Gate gate = new Gate(remote, "line-" + i + "-shown");
            shown.add(gate);
            command.append("echo line-").append(i).append("; ").append(gate.shellWait()).append("; ");
        }
        String id = stack.createTask(Map.of("machine", "work-01", "timeoutSeconds", 300, "command", command.toString()))
                .path("taskId").asText();
        stack.awaitStatus(id, Set.of("PROCESSING"), Duration.ofSeconds(60));
        HttpResponse<Stream<String>> follow = HttpClient.newHttpClient().send(
                stack.request("/api/v1/tasks/" + id + "/output?follow=true").GET().build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(follow.statusCode()).isEqualTo(200);
        assertThat(follow.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<JsonNode> events = new ArrayList<>();
        StringBuilder shownSoFar = new StringBuilder();
        follow.body().filter(line -> line.startsWith("data:")).forEach(line -> {
            try {
                JsonNode event = E2eStack.JSON.readTree(line.substring(5).trim());
                events.add(event);
                shownSoFar.append(event.path("output").asText(""));
                for (int i = 1; i <= shown.size(); i++) {
                    if (shownSoFar.toString().contains("line-" + i + "\n")) {
                        shown.get(i - 1).open();
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        StringBuilder streamed = new StringBuilder();
        events.stream().filter(e -> e.has("output")).forEach(e -> streamed.append(e.path("output").asText()));
        assertThat(events.size()).as("output arrived in several events while running").isGreaterThan(2);
        assertThat(streamed.toString()).isEqualTo("line-1\nline-2\nline-3\nline-4\n");
        assertThat(events.getLast().path("status").asText()).isEqualTo("COMPLETED");
    }

    @Test
    void commandsReceiveEndOfFileOnStdin() throws Exception {
        JsonNode done = stack.awaitTerminal(stack.createTask(Map.of("machine", "work-01",
                "timeoutSeconds", 10, "command", "cat; echo read-all")).path("taskId").asText());
        assertThat(done.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(done.path("output").asText()).isEqualTo("read-all\n");
    }

    private static void awaitRemoteProcess(String marker) {
        Await.until("a remote process " + marker, Duration.ofSeconds(60), () -> remoteProcesses(marker) > 0, stack::logs);
    }

    /** The demo machine is this host: its processes are visible here. */
    private static long remoteProcesses(String marker) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("sleep") && c.contains(marker)).orElse(false))
                .count();
    }
}
