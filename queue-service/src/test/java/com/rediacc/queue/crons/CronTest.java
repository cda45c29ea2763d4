package com.rediacc.queue.crons;

import com.rediacc.contract.events.Topics;
import com.rediacc.queue.KafkaProbe;
import com.rediacc.queue.TestSupport;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.rediacc.queue.TestSupport.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * Crons against the real PostgreSQL and Kafka, on a clock the test moves: the scheduler runs when
 * the test calls it, at the time the test sets.
 */
@QuarkusTest
@TestProfile(CronClockProfile.class)
class CronTest {
    @Inject
    MutableClock clock;
    @Inject
    CronScheduler scheduler;
    @Inject
    CronLateRuns lateRuns;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "cronString          | 61 * * * *   | cronString",
            "cronString          | @reboot      | cronString",
            "timezone            | Mars/Olympus | timezone",
            "priority            | 9            | priority",
            "checkinMargin       | -1           | checkinMargin",
            "maxRuntimeInMinutes | 0            | maxRuntimeInMinutes",
            "overlap             | SOMETIMES    | overlap",
            "name                | Bad Name     | name",
            "command             | ''           | command",
            "tag                 | no spaces    | tag"})
    void aBadCronIsRefusedNamingItsFieldAndNothingIsStored(String field, String value, String reported) {
        String machine = TestSupport.registerMachine(1);
        String name = "bad-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> body = cron(name, machine, "0 3 * * *");
        body.put(field, field.equals("name") ? value : value.matches("-?\\d+") ? Integer.parseInt(value) : value);
        Response response = admin().body(body).post("/api/v1/crons");
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(400);
        assertThat(response.asString()).contains("\"" + reported + "\"");
        admin().get("/api/v1/crons/" + name).then().statusCode(404);
        admin().get("/api/v1/crons/" + body.get("name")).then().statusCode(404);
    }

    @Test
    void aCronOfAMachineOfAnotherTeamOrOfNoMachineIsRefused() {
        String machine = TestSupport.registerMachine("ops", 1);
        Map<String, Object> body = cron("team-" + UUID.randomUUID().toString().substring(0, 8), machine, "0 3 * * *");
        body.put("team", "default-other");
        admin().body(body).post("/api/v1/crons").then().statusCode(400).body("errors[0].field", equalTo("team"));
        body.put("machine", "no-such-machine");
        body.remove("team");
        admin().body(body).post("/api/v1/crons").then().statusCode(404);
    }

    @Test
    void aNewCronShowsItsNextFiveRunsInItsTimeZone() {
        clock.set(Instant.parse("2026-01-01T00:00:30Z"));
        String name = create(cron(unique("five"), TestSupport.registerMachine(1), "*/5 * * * *"));
        List<String> next = admin().get("/api/v1/crons/" + name).then().statusCode(200)
                .body("team", equalTo("ops")).body("timezone", equalTo("UTC")).body("overlap", equalTo("SKIP"))
                .extract().path("nextRuns");
        assertThat(next).containsExactly("2026-01-01T00:05:00Z", "2026-01-01T00:10:00Z", "2026-01-01T00:15:00Z",
                "2026-01-01T00:20:00Z", "2026-01-01T00:25:00Z");
    }

    @Test
    void aDueSlotRunsOnceAsATaskOfTheCron() {
        clock.set(Instant.parse("2026-02-01T00:00:30Z"));
        String machine = TestSupport.registerMachine(1);
        Map<String, Object> body = cron(unique("once"), machine, "*/5 * * * *");
        body.put("priority", 2);
        body.put("maxRetries", 1);
        body.put("timeoutSeconds", 600);
        body.put("maxRuntimeInMinutes", 3);
        String name = create(body);
        clock.set(Instant.parse("2026-02-01T00:05:00.200Z"));
        scheduler.runOnce().await().atMost(Duration.ofSeconds(30));
        scheduler.runOnce().await().atMost(Duration.ofSeconds(30));

        List<Map<String, Object>> runs = runs(name);
        assertThat(runs).hasSize(1);
        assertThat(runs.getFirst()).containsEntry("slot", "2026-02-01T00:05:00Z").containsEntry("kind", "SCHEDULED")
                .containsEntry("state", "SCHEDULED");
        String taskId = (String) runs.getFirst().get("taskId");
        admin().get("/api/v1/tasks/" + taskId).then().statusCode(200)
                .body("machine", equalTo(machine)).body("command", equalTo("echo from-cron"))
                .body("priority", equalTo(2)).body("maxRetries", equalTo(1))
                .body("timeoutSeconds", equalTo(180)) // maxRuntimeInMinutes 3 is shorter than timeoutSeconds 600
                .body("status", equalTo("PENDING"));
        admin().get("/api/v1/crons/" + name).then().body("nextRuns[0]", equalTo("2026-02-01T00:10:00Z"))
                .body("lastRun.taskId", equalTo(taskId));
    }

    @Test
    void onTheSpringForwardDayA0230SlotRunsOnceAt0300() {
        clock.set(Instant.parse("2025-03-29T12:00:00Z"));
        String name = create(paris(unique("spring")));
        assertThat(nextRuns(name)).startsWith("2025-03-30T01:00:00Z", "2025-03-31T00:30:00Z");
        clock.set(Instant.parse("2025-03-30T01:00:01Z")); // 03:00:01 CEST
        scheduler.runOnce().await().atMost(Duration.ofSeconds(30));
        clock.set(Instant.parse("2025-03-30T02:00:01Z"));
        scheduler.runOnce().await().atMost(Duration.ofSeconds(30));
        assertThat(runs(name)).extracting(run -> run.get("slot")).containsExactly("2025-03-30T01:00:00Z");
        assertThat(nextRuns(name).getFirst()).isEqualTo("2025-03-31T00:30:00Z");
    }

    @Test
    void onTheFallBackDayA0230SlotRunsOnceAtItsFirstOccurrence() {
        clock.set(Instant.parse("2025-10-25T12:00:00Z"));
        String name = create(paris(unique("fall")));
        clock.set(Instant.parse("2025-10-26T00:30:01Z")); // 02:30:01 CEST
        scheduler.runOnce().await().atMost(Duration.ofSeconds(30));
        clock.set(Instant.parse("2025-10-26T01:30:01Z")); // 02:30:01 CET, the same wall time again
        scheduler.runOnce().await().atMost(Duration.ofSeconds(30));
        assertThat(runs(name)).extracting(run -> run.get("slot")).containsExactly("2025-10-26T00:30:00Z");
        assertThat(nextRuns(name).getFirst()).isEqualTo("2025-10-27T01:30:00Z");
    }

    @Test
    void afterDowntimeTheMissedSlotsAreRecordedAndAlertedAndOnlyTheLatestRuns() throws Exception {
        clock.set(Instant.parse("2026-03-01T00:30:00Z"));
        String name = create(cron(unique("down"), TestSupport.registerMachine(1), "0 * * * *"));
        try (KafkaProbe alerts = new KafkaProbe(bootstrap, List.of(Topics.ALERTS))) {
            clock.set(Instant.parse("2026-03-01T04:02:00Z")); // down from 00:30 to 04:02: 01:00, 02:00, 03:00 missed
            scheduler.runOnce().await().atMost(Duration.ofSeconds(30));
            List<Map<String, Object>> runs = runs(name);
            assertThat(runs).extracting(run -> run.get("slot") + " " + run.get("kind") + " " + run.get("state"))
                    .containsExactly("2026-03-01T04:00:00Z CATCH_UP SCHEDULED", "2026-03-01T03:00:00Z SCHEDULED MISSED",
                            "2026-03-01T02:00:00Z SCHEDULED MISSED", "2026-03-01T01:00:00Z SCHEDULED MISSED");
            var missed = alerts.await(r -> r.key().equals(name) && r.value().contains(CronAlert.MISSED), 3,
                    Duration.ofSeconds(30));
            assertThat(missed).hasSize(3);
            assertThat(missed).extracting(r -> r.value()).anyMatch(v -> v.contains("2026-03-01T01:00:00Z"))
                    .anyMatch(v -> v.contains("2026-03-01T03:00:00Z"));
        }
    }

    @Test
    void aPausedCronDoesNotRunAndOnResumeMissesWhatPassedAndCatchesUpWithinTheMargin() {
        clock.set(Instant.parse("2026-04-01T00:00:30Z"));
        String name = create(cron(unique("pause"), TestSupport.registerMachine(1), "*/10 * * * *"));
        admin().post("/api/v1/crons/" + name + "/pause").then().statusCode(200).body("enabled", equalTo(false))
                .body("nextRuns.size()", equalTo(0));
        clock.set(Instant.parse("2026-04-01T00:21:00Z"));
        scheduler.runOnce().await().atMost(Duration.ofSeconds(30));
        assertThat(runs(name)).as("nothing runs while paused").isEmpty();
        admin().post("/api/v1/crons/" + name + "/resume").then().statusCode(200).body("enabled", equalTo(true));
        scheduler.runOnce().await().atMost(Duration.ofSeconds(30));
        assertThat(runs(name)).extracting(run -> run.get("slot") + " " + run.get("state"))
                .containsExactly("2026-04-01T00:20:00Z SCHEDULED", "2026-04-01T00:10:00Z MISSED");
    }

    @Test
    void overlapSkipRecordsTheSlotWithTheActiveRun() {
        clock.set(Instant.parse("2026-05-01T00:00:00Z"));
        String name = create(cron(unique("skip"), TestSupport.registerMachine(1), "0 0 1 1 *"));
        String first = trigger(name).path("taskId");
        clock.advance(Duration.ofSeconds(1));
        Response second = admin().post("/api/v1/crons/" + name + "/trigger");
        assertThat(second.statusCode()).isEqualTo(201);
        assertThat((String) second.path("state")).isEqualTo("SKIPPED");
        assertThat((String) second.path("detail")).contains(first);
        assertThat((Object) second.path("taskId")).isNull();
    }

    @Test
    void overlapAllowRunsSideBySide() {
        clock.set(Instant.parse("2026-05-02T00:00:00Z"));
        Map<String, Object> body = cron(unique("allow"), TestSupport.registerMachine(1), "0 0 1 1 *");
        body.put("overlap", "ALLOW");
        String name = create(body);
        String first = trigger(name).path("taskId");
        clock.advance(Duration.ofSeconds(1));
        String second = trigger(name).path("taskId");
        assertThat(second).isNotEqualTo(first);
        admin().get("/api/v1/tasks/" + first).then().body("status", equalTo("PENDING"));
        admin().get("/api/v1/tasks/" + second).then().body("status", equalTo("PENDING"));
    }

    @Test
    void overlapReplaceCancelsTheActiveRunAndStartsTheNew() {
        clock.set(Instant.parse("2026-05-03T00:00:00Z"));
        Map<String, Object> body = cron(unique("replace"), TestSupport.registerMachine(1), "0 0 1 1 *");
        body.put("overlap", "REPLACE");
        String name = create(body);
        String first = trigger(name).path("taskId");
        clock.advance(Duration.ofSeconds(1));
        String second = trigger(name).path("taskId");
        admin().get("/api/v1/tasks/" + first).then().body("status", equalTo("CANCELLED"));
        admin().get("/api/v1/tasks/" + second).then().body("status", equalTo("PENDING"));
        assertThat(runs(name)).extracting(run -> run.get("state")).containsExactly("SCHEDULED", "CANCELLED");
    }

    @Test
    void aRunNotStartedWithinTheCheckinMarginIsFlaggedLateAndAlertedOnce() throws Exception {
        clock.set(Instant.parse("2026-06-01T00:00:30Z"));
        Map<String, Object> body = cron(unique("late"), TestSupport.registerMachine(1), "*/5 * * * *");
        body.put("checkinMargin", 1);
        String name = create(body);
        try (KafkaProbe alerts = new KafkaProbe(bootstrap, List.of(Topics.ALERTS))) {
            clock.set(Instant.parse("2026-06-01T00:05:01Z"));
            scheduler.runOnce().await().atMost(Duration.ofSeconds(30));
            lateRuns.runOnce().await().atMost(Duration.ofSeconds(30));
            assertThat(runs(name).getFirst()).containsEntry("late", false);
            clock.set(Instant.parse("2026-06-01T00:06:01Z")); // one minute after its slot, not started
            lateRuns.runOnce().await().atMost(Duration.ofSeconds(30));
            lateRuns.runOnce().await().atMost(Duration.ofSeconds(30));
            assertThat(runs(name).getFirst()).containsEntry("late", true);
            assertThat(alerts.await(r -> r.key().equals(name) && r.value().contains(CronAlert.LATE), 1,
                    Duration.ofSeconds(30))).hasSize(1);
        }
    }

    @Test
    void whoMayDoWhat() {
        clock.set(Instant.parse("2026-07-01T00:00:00Z"));
        String name = create(cron(unique("roles"), TestSupport.registerMachine("ops", 1), "0 3 * * *"));
        String viewer = TestSupport.userWithRole("ops", "VIEWER");
        String operator = TestSupport.userWithRole("ops", "OPERATOR");
        String stranger = TestSupport.userWithRole("elsewhere", "ADMIN");
        TestSupport.as(viewer).get("/api/v1/crons/" + name).then().statusCode(200);
        TestSupport.as(viewer).post("/api/v1/crons/" + name + "/trigger").then().statusCode(403);
        TestSupport.as(operator).post("/api/v1/crons/" + name + "/trigger").then().statusCode(201);
        TestSupport.as(operator).post("/api/v1/crons/" + name + "/pause").then().statusCode(403);
        TestSupport.as(stranger).get("/api/v1/crons/" + name).then().statusCode(404);
        TestSupport.as(stranger).delete("/api/v1/crons/" + name).then().statusCode(404);
        admin().delete("/api/v1/crons/" + name).then().statusCode(204);
        admin().get("/api/v1/crons/" + name).then().statusCode(404);
    }

    private static Map<String, Object> cron(String name, String machine, String expression) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("machine", machine);
        body.put("command", "echo from-cron");
        body.put("cronString", expression);
        return body;
    }

    private static Map<String, Object> paris(String name) {
        Map<String, Object> body = cron(name, TestSupport.registerMachine(1), "30 2 * * *");
        body.put("timezone", "Europe/Paris");
        return body;
    }

    private static String create(Map<String, Object> body) {
        return admin().body(body).post("/api/v1/crons").then().statusCode(201).extract().path("name");
    }

    private static Response trigger(String name) {
        Response response = admin().post("/api/v1/crons/" + name + "/trigger");
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(201);
        return response;
    }

    private static List<Map<String, Object>> runs(String name) {
        return admin().get("/api/v1/crons/" + name + "/runs").then().statusCode(200).extract().path("items");
    }

    private static List<String> nextRuns(String name) {
        return admin().get("/api/v1/crons/" + name).then().statusCode(200).extract().path("nextRuns");
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
