package com.rediacc.queue.groups;

import com.rediacc.queue.TestSupport;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.rediacc.queue.TestSupport.admin;
import static com.rediacc.queue.TestSupport.bridge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/** Task groups against the real PostgreSQL, driven through the bridge endpoints as a bridge would. */
@QuarkusTest
class TaskGroupTest {

    @Test
    void aGroupRollsOutMaxParallelMachinesAtATimeAndCompletes() {
        List<String> machines = machines("ops", 4);
        Response created = admin().body(Map.of("command", "uptime", "machines", machines, "maxParallel", 2))
                .post("/api/v1/task-groups");
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(201);
        String groupId = created.path("groupId");
        assertThat(created.<Integer>path("tasks")).isEqualTo(4);
        assertThat(created.<Integer>path("held")).isEqualTo(2);
        assertThat(created.<List<String>>path("machines.machine")).containsExactlyElementsOf(machines);

        // held tasks are not claimable: only the first two machines have work
        assertThat(claim(machines.get(2))).isEmpty();
        assertThat(claim(machines.get(3))).isEmpty();
        Map<String, Object> first = claim(machines.get(0)).getFirst();
        Map<String, Object> second = claim(machines.get(1)).getFirst();

        finish(first, "SUCCEEDED", 0);
        group(groupId).then().body("held", equalTo(1)).body("status", equalTo("RUNNING"));
        Map<String, Object> third = claim(machines.get(2)).getFirst();
        assertThat(claim(machines.get(3))).isEmpty();

        finish(second, "SUCCEEDED", 0);
        finish(third, "SUCCEEDED", 0);
        finish(claim(machines.get(3)).getFirst(), "SUCCEEDED", 0);
        group(groupId).then().body("status", equalTo("COMPLETED")).body("ended", equalTo(4))
                .body("counts.COMPLETED", equalTo(4)).body("held", equalTo(0));
        List<String> ids = admin().get("/api/v1/task-groups?team=ops").then().statusCode(200).extract().path("items.groupId");
        assertThat(ids).contains(groupId);
    }

    @Test
    void tooManyFailuresStopTheRestWithTheReasonAndRetryRunsOnlyWhatDidNotSucceed() {
        List<String> machines = machines("ops", 4);
        String groupId = admin().body(Map.of("command", "deploy", "machines", machines, "maxParallel", 1,
                        "maxFailures", 1, "maxRetries", 0))
                .post("/api/v1/task-groups").then().statusCode(201).extract().path("groupId");

        finish(claim(machines.get(0)).getFirst(), "SUCCEEDED", 0);
        finish(claim(machines.get(1)).getFirst(), "FAILED", 3);
        group(groupId).then().body("status", equalTo("RUNNING"));
        finish(claim(machines.get(2)).getFirst(), "FAILED", 4);

        Response stopped = group(groupId);
        stopped.then().body("status", equalTo("STOPPED")).body("detail", startsWith("group stopped: 2 of its 4 tasks failed"))
                .body("counts.COMPLETED", equalTo(1)).body("counts.FAILED", equalTo(2))
                .body("counts.CANCELLED", equalTo(1));
        String lastTask = stopped.path("machines[3].taskId");
        admin().get("/api/v1/tasks/" + lastTask).then().body("status", equalTo("CANCELLED"))
                .body("error", startsWith("group stopped"));
        assertThat(claim(machines.get(3))).isEmpty();

        Response retried = admin().post("/api/v1/task-groups/" + groupId + "/retry");
        assertThat(retried.statusCode()).as(retried.asString()).isEqualTo(201);
        assertThat(retried.<String>path("retriedFrom")).isEqualTo(groupId);
        assertThat(retried.<List<String>>path("machines.machine")).containsExactly(machines.get(1), machines.get(2), machines.get(3));
        assertThat(claim(machines.get(0))).isEmpty();
        assertThat(claim(machines.get(1))).hasSize(1);
        // the first group is ended: a second retry of it makes another group, a retry of a running one is refused
        admin().post("/api/v1/task-groups/" + retried.path("groupId") + "/retry").then().statusCode(409);
    }

    @Test
    void aPercentageLimitCountsAgainstTheGroupsSize() {
        List<String> machines = machines("ops", 4);
        String groupId = admin().body(Map.of("command", "true", "machines", machines, "maxParallel", 1,
                        "maxFailures", "25%", "maxRetries", 0))
                .post("/api/v1/task-groups").then().statusCode(201).body("maxFailurePercent", equalTo(25))
                .extract().path("groupId");
        finish(claim(machines.get(0)).getFirst(), "FAILED", 1);
        group(groupId).then().body("status", equalTo("RUNNING"));
        finish(claim(machines.get(1)).getFirst(), "FAILED", 1);
        group(groupId).then().body("status", equalTo("STOPPED")).body("counts.CANCELLED", equalTo(2));
    }

    @Test
    void aGroupIsCreatedWholeOrNotAtAll() {
        List<String> machines = machines("ops", 2);
        String stranger = machines("elsewhere", 1).getFirst();
        String missing = "m-missing-" + UUID.randomUUID().toString().substring(0, 6);

        admin().body(Map.of("command", "true", "machines", List.of(machines.get(0), missing, machines.get(1))))
                .post("/api/v1/task-groups").then().statusCode(404);
        admin().body(Map.of("command", "true", "machines", List.of(machines.get(0), stranger)))
                .post("/api/v1/task-groups").then().statusCode(400).body("errors[0].field", equalTo("machines"));
        String operator = TestSupport.userWithRole("ops", "OPERATOR");
        TestSupport.as(operator).body(Map.of("command", "true", "machines", List.of(machines.get(0), stranger)))
                .post("/api/v1/task-groups").then().statusCode(404);
        for (String machine : machines) {
            admin().get("/api/v1/tasks?machine=" + machine).then().body("items.size()", equalTo(0));
        }
    }

    @Test
    void badSettingsAreRefusedNamingTheirField() {
        List<String> machines = machines("ops", 1);
        Map<String, Object> good = Map.of("command", "true", "machines", machines);
        assertRefused(with(good, "maxFailures", "many"), "maxFailures");
        assertRefused(with(good, "maxFailures", "150%"), "maxFailures");
        assertRefused(with(good, "maxFailures", -1), "maxFailures");
        assertRefused(with(good, "maxParallel", 0), "maxParallel");
        assertRefused(with(good, "machines", List.of()), "machines");
        assertRefused(Map.of("command", "true"), "machines");
        assertRefused(Map.of("command", "true", "machines", machines, "selector", Map.of("team", "ops")), "machines");
        assertRefused(with(good, "priority", 9), "priority");
        admin().get("/api/v1/tasks?machine=" + machines.getFirst()).then().body("items.size()", equalTo(0));
    }

    @Test
    void aSelectorTakesTheTeamsMachinesWithEveryTagButNotPausedOnes() {
        String team = "sel-" + UUID.randomUUID().toString().substring(0, 6);
        TestSupport.ensureTeam(team);
        String web1 = TestSupport.registerMachine(team, 1, List.of("web", "eu"));
        String web2 = TestSupport.registerMachine(team, 1, List.of("web", "eu"));
        String paused = TestSupport.registerMachine(team, 1, List.of("web", "eu"));
        TestSupport.registerMachine(team, 1, List.of("web"));
        TestSupport.registerMachine(team, 1, List.of("db", "eu"));
        admin().post("/api/v1/machines/" + paused + "/pause").then().statusCode(200);

        Response created = admin().body(Map.of("command", "true", "selector", Map.of("team", team, "tags", List.of("web", "eu"))))
                .post("/api/v1/task-groups");
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(201);
        assertThat(created.<List<String>>path("machines.machine")).containsExactlyInAnyOrder(web1, web2);

        admin().body(Map.of("command", "true", "selector", Map.of("team", team, "tags", List.of("gpu"))))
                .post("/api/v1/task-groups").then().statusCode(404);
        String viewer = TestSupport.userWithRole(team, "VIEWER");
        TestSupport.as(viewer).body(Map.of("command", "true", "selector", Map.of("team", team)))
                .post("/api/v1/task-groups").then().statusCode(403);
        TestSupport.as(viewer).get("/api/v1/task-groups/" + created.path("groupId")).then().statusCode(200);
        TestSupport.as(viewer).post("/api/v1/task-groups/" + created.path("groupId") + "/cancel").then().statusCode(403);
    }

    @Test
    void cancellingAGroupEndsHeldAndWaitingTasksAndAsksRunningOnesToStop() {
        List<String> machines = machines("ops", 3);
        String groupId = admin().body(Map.of("command", "sleep 600", "machines", machines, "maxParallel", 2))
                .post("/api/v1/task-groups").then().statusCode(201).extract().path("groupId");
        Map<String, Object> running = claim(machines.get(0)).getFirst();
        bridge().body(Map.of("leaseToken", running.get("leaseToken"))).post("/api/v1/bridge/tasks/" + running.get("taskId") + "/start")
                .then().statusCode(204);

        admin().post("/api/v1/task-groups/" + groupId + "/cancel").then().statusCode(200)
                .body("status", equalTo("CANCELLED")).body("counts.CANCELLED", equalTo(2));
        bridge().body(Map.of("leaseToken", running.get("leaseToken"), "outputOffset", 0, "outputChunk", ""))
                .post("/api/v1/bridge/tasks/" + running.get("taskId") + "/heartbeat").then().statusCode(200)
                .body("cancelRequested", equalTo(true));
        assertThat(group(groupId).<String>path("finishedAt")).isNull();
        bridge().body(Map.of("leaseToken", running.get("leaseToken"), "outcome", "CANCELLED", "error", "cancelled while running"))
                .post("/api/v1/bridge/tasks/" + running.get("taskId") + "/finish").then().statusCode(204);
        group(groupId).then().body("counts.CANCELLED", equalTo(3)).body("finishedAt", org.hamcrest.Matchers.notNullValue());
    }

    private static void assertRefused(Map<String, Object> body, String field) {
        Response response = admin().body(body).post("/api/v1/task-groups");
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(400);
        assertThat(response.<List<String>>path("errors.field")).as(response.asString()).contains(field);
    }

    private static Map<String, Object> with(Map<String, Object> body, String key, Object value) {
        Map<String, Object> copy = new HashMap<>(body);
        copy.put(key, value);
        return copy;
    }

    private static Response group(String groupId) {
        Response response = admin().get("/api/v1/task-groups/" + groupId);
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        return response;
    }

    private static List<String> machines(String team, int count) {
        return java.util.stream.IntStream.range(0, count).mapToObj(i -> TestSupport.registerMachine(team, 1)).toList();
    }


    static List<Map<String, Object>> claim(String machine) {
        return bridge().body(Map.of("machine", machine, "bridgeId", "test-bridge", "max", 5))
                .post("/api/v1/bridge/claims").then().statusCode(200).extract().path("");
    }

    static void finish(Map<String, Object> claimed, String outcome, int exitCode) {
        String id = (String) claimed.get("taskId");
        Object token = claimed.get("leaseToken");
        bridge().body(Map.of("leaseToken", token)).post("/api/v1/bridge/tasks/" + id + "/start").then().statusCode(204);
        bridge().body(Map.of("leaseToken", token, "outcome", outcome, "exitCode", exitCode, "output", "",
                "outputTruncated", false)).post("/api/v1/bridge/tasks/" + id + "/finish").then().statusCode(204);
    }
}
