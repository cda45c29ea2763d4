package com.rediacc.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.rediacc.testsupport.Await;
import com.rediacc.testsupport.TempDirs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A function run as a task group over six machines on the real sshd: at most {@code maxParallel}
 * of them at once (seen in the machines' own timestamps), stopped once more failed than
 * {@code maxFailures}, run again for the machines that did not succeed; params that look like shell
 * reach the script as data.
 *
 * <p>Each run holds on its own gate: it writes {@code started-<id>}, waits for {@code go-<id>} and exits
 * with the code written there, so the test decides when and how each machine ends.
 */
class TaskGroupEndToEndIT {
    private static final int MACHINES = 6;
    private static E2eStack stack;
    private static Path remote;
    private static List<String> machines;

    @BeforeAll
    static void startServices() throws Exception {
        remote = TempDirs.forMachineCommands("rediacc-e2e-group-");
        stack = new E2eStack("groups");
        stack.startCore(Map.of());
        stack.startBridge("bridge-1", CrashSupport.FAST_BRIDGE);
        machines = IntStream.rangeClosed(1, MACHINES).mapToObj(i -> "grp-0" + i).toList();
        for (String machine : machines) {
            stack.registerDemoMachine(machine, 1);
        }
    }

    @AfterAll
    static void stopServices() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aGroupRollsOutTwoAtATimeStopsAfterTooManyFailuresAndRetriesTheRest() throws Exception {
        Path pwned = remote.resolve("pwned");
        String note = "$(touch " + pwned + ") '; touch " + pwned + " # `touch " + pwned + "`";
        String script = "id=$(cat /proc/sys/kernel/random/uuid); d=" + remote + "; "
                + "printf '%s' \"$NOTE\" > $d/note-$id; date +%s%N > $d/started-$id; "
                + "while [ ! -e $d/go-$id ]; do sleep 0.1; done; date +%s%N > $d/ended-$id; exit $(cat $d/go-$id)";
        HttpResponse<String> put = stack.put("/api/v1/teams/default/functions/gated-deploy", Map.of("script", script,
                "params", List.of(Map.of("name", "NOTE", "type", "string", "required", true)),
                "defaults", Map.of("maxRetries", 0)));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);

        HttpResponse<String> created = stack.post("/api/v1/task-groups", Map.of("function", "gated-deploy",
                "params", Map.of("NOTE", note), "machines", machines, "maxParallel", 2, "maxFailures", 1));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String groupId = E2eStack.JSON.readTree(created.body()).path("groupId").asText();

        List<String> first = awaitStarted(2);
        assertThat(group(groupId).path("held").asInt()).isEqualTo(4);
        release(first.get(0), 0);
        release(first.get(1), 1);
        List<String> second = awaitStarted(4).subList(2, 4);
        release(second.get(0), 1);
        // two failed, more than maxFailures 1: the two machines not started end CANCELLED; the running one runs on
        Await.until("group " + groupId + " stopped", Duration.ofSeconds(60),
                () -> "STOPPED".equals(group(groupId).path("status").asText()), stack::logs);
        release(second.get(1), 0);
        JsonNode stopped = Await.until("group " + groupId + " ended", Duration.ofSeconds(60), () -> group(groupId),
                g -> !g.path("finishedAt").isMissingNode(), stack::logs);
        assertThat(stopped.path("counts").path("COMPLETED").asInt()).isEqualTo(2);
        assertThat(stopped.path("counts").path("FAILED").asInt()).isEqualTo(2);
        assertThat(stopped.path("counts").path("CANCELLED").asInt()).isEqualTo(2);
        assertThat(stopped.path("detail").asText()).startsWith("group stopped: 2 of its 6 tasks failed");
        assertThat(started()).hasSize(4);
        assertAtMostTwoAtOnce();
        for (JsonNode row : stopped.path("machines")) {
            JsonNode task = stack.task(row.path("taskId").asText());
            assertThat(task.path("function").path("name").asText()).isEqualTo("gated-deploy");
            assertThat(task.path("function").path("version").asInt()).isEqualTo(1);
            if ("CANCELLED".equals(row.path("status").asText())) {
                assertThat(task.path("error").asText()).startsWith("group stopped");
            }
        }

        HttpResponse<String> retried = stack.post("/api/v1/task-groups/" + groupId + "/retry", Map.of());
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(201);
        String retryId = E2eStack.JSON.readTree(retried.body()).path("groupId").asText();
        Await.until("the retry's four runs started and released", Duration.ofSeconds(90), () -> {
            // one look per pass: a run that starts after it is released on the next pass, not counted unreleased
            List<String> seen = started();
            for (String id : seen) {
                if (!Files.exists(remote.resolve("go-" + id))) {
                    release(id, 0);
                }
            }
            return seen.size() == 8;
        }, stack::logs);
        JsonNode completed = Await.until("retry group " + retryId + " ended", Duration.ofSeconds(60), () -> group(retryId),
                g -> "COMPLETED".equals(g.path("status").asText()), stack::logs);
        assertThat(completed.path("counts").path("COMPLETED").asInt()).isEqualTo(4);
        assertThat(completed.path("retriedFrom").asText()).isEqualTo(groupId);
        assertAtMostTwoAtOnce();

        // the params were data: each run saw them literally, and nothing they mention ran
        try (Stream<Path> notes = Files.list(remote)) {
            List<Path> seen = notes.filter(p -> p.getFileName().toString().startsWith("note-")).toList();
            assertThat(seen).hasSize(8);
            for (Path file : seen) {
                assertThat(Files.readString(file)).isEqualTo(note);
            }
        }
        assertThat(pwned).doesNotExist();
    }

    private static JsonNode group(String groupId) throws Exception {
        return stack.get("/api/v1/task-groups/" + groupId);
    }

    private static void release(String runId, int exitCode) throws IOException {
        Files.writeString(remote.resolve("go-" + runId + ".tmp"), Integer.toString(exitCode));
        Files.move(remote.resolve("go-" + runId + ".tmp"), remote.resolve("go-" + runId));
    }

    /** Waits until {@code count} runs started and answers their ids in the order they started. */
    private static List<String> awaitStarted(int count) throws Exception {
        Await.until(count + " runs started", Duration.ofSeconds(90), () -> started().size() >= count, stack::logs);
        List<String> ids = started();
        assertThat(ids).as("runs started").hasSize(count);
        return ids;
    }

    private static List<String> started() throws IOException {
        try (Stream<Path> files = Files.list(remote)) {
            return files.filter(p -> p.getFileName().toString().startsWith("started-"))
                    .filter(p -> readLong(p) != null)
                    .sorted(java.util.Comparator.comparing(TaskGroupEndToEndIT::readLong))
                    .map(p -> p.getFileName().toString().substring("started-".length()))
                    .toList();
        }
    }

    /** From the machines' own clocks: no moment had more than two runs between started and ended. */
    private static void assertAtMostTwoAtOnce() throws IOException {
        List<long[]> edges = new ArrayList<>();
        for (String id : started()) {
            edges.add(new long[] {readLong(remote.resolve("started-" + id)), 1});
            Long end = readLong(remote.resolve("ended-" + id));
            if (end != null) {
                edges.add(new long[] {end, -1});
            }
        }
        edges.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int running = 0;
        int most = 0;
        for (long[] edge : edges) {
            running += (int) edge[1];
            most = Math.max(most, running);
        }
        assertThat(most).as("runs at once, by the machines' timestamps").isLessThanOrEqualTo(2);
    }

    private static Long readLong(Path file) {
        try {
            String text = Files.readString(file).strip();
            return text.isEmpty() ? null : Long.parseLong(text);
        } catch (IOException | NumberFormatException notYet) {
            return null;
        }
    }
}
