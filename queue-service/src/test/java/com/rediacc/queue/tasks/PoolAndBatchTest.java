package com.rediacc.queue.tasks;

import com.rediacc.queue.TestSupport;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.rediacc.queue.TestSupport.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** A task that picks its machine from a pool, and many tasks in one call. */
@QuarkusTest
class PoolAndBatchTest {

    @Test
    void pickAnyTakesTheLeastBusyMatchingMachineThatIsNotPaused() {
        String team = "pool-" + UUID.randomUUID().toString().substring(0, 6);
        TestSupport.ensureTeam(team);
        String a = TestSupport.registerMachine(team, 1, List.of("build"));
        String b = TestSupport.registerMachine(team, 1, List.of("build"));
        String paused = TestSupport.registerMachine(team, 1, List.of("build"));
        TestSupport.registerMachine(team, 1, List.of("other"));
        admin().post("/api/v1/machines/" + paused + "/pause").then().statusCode(200);
        Map<String, Object> pooled = Map.of("command", "make", "selector", Map.of("team", team, "tags", List.of("build")),
                "pick", "ANY");

        List<String> picked = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            picked.add(admin().body(pooled).post("/api/v1/tasks").then().statusCode(201).extract().path("machine"));
        }
        // the least loaded each time: the two machines take turns, the paused one never
        assertThat(picked).containsExactlyInAnyOrder(a, b, a, b);
        assertThat(picked.get(0)).isNotEqualTo(picked.get(1));

        admin().body(Map.of("command", "make", "selector", Map.of("team", team, "tags", List.of("gpu")), "pick", "ANY"))
                .post("/api/v1/tasks").then().statusCode(404);
        admin().body(Map.of("command", "make", "selector", Map.of("team", team), "pick", "ANY", "machine", a))
                .post("/api/v1/tasks").then().statusCode(400).body("errors[0].field", equalTo("machine"));
        admin().body(Map.of("command", "make", "selector", Map.of("team", team)))
                .post("/api/v1/tasks").then().statusCode(400).body("errors[0].field", equalTo("pick"));
    }

    @Test
    void aBatchAnswersPerItemAndABadItemFailsOnlyItself() {
        String machine = TestSupport.registerMachine(4);
        String key = "batch-" + UUID.randomUUID();
        List<Map<String, Object>> tasks = List.of(
                Map.of("machine", machine, "command", "echo 1"),
                Map.of("machine", machine, "command", "echo 2", "priority", 9),
                Map.of("machine", "m-nowhere-" + UUID.randomUUID(), "command", "echo 3"),
                Map.of("machine", machine, "command", "echo 4", "idempotencyKey", key),
                Map.of("machine", machine, "command", "echo 4", "idempotencyKey", key));
        Response answer = admin().body(Map.of("tasks", tasks)).post("/api/v1/tasks/batch");
        assertThat(answer.statusCode()).as(answer.asString()).isEqualTo(200);
        assertThat(answer.<List<Integer>>path("results.status")).containsExactly(201, 400, 404, 201, 200);
        assertThat(answer.<String>path("results[1].problem.errors[0].field")).isEqualTo("priority");
        assertThat(answer.<String>path("results[0].task.command")).isEqualTo("echo 1");
        assertThat(answer.<String>path("results[4].task.taskId")).isEqualTo(answer.path("results[3].task.taskId"));
        List<String> commands = admin().get("/api/v1/tasks?machine=" + machine).then().extract().path("items.command");
        assertThat(commands).containsExactlyInAnyOrder("echo 1", "echo 4");
    }

    @Test
    void aBatchKeepsEachItemsAuthorizationAndOrderWhetherItsMachineIsKnownOrLookedUp() {
        String team = "batch-" + UUID.randomUUID().toString().substring(0, 6);
        String other = "batch-" + UUID.randomUUID().toString().substring(0, 6);
        TestSupport.ensureTeam(team);
        TestSupport.ensureTeam(other);
        String mine = TestSupport.registerMachine(team, 2, List.of("web"));
        String theirs = TestSupport.registerMachine(other, 2);
        String operator = TestSupport.userWithRole(team, "OPERATOR");
        // both machines' teams are remembered by the admin's creates: the operator's items take the prepared-at-once path
        admin().body(Map.of("tasks", List.of(Map.of("machine", mine, "command", "warm"), Map.of("machine", theirs, "command", "warm"))))
                .post("/api/v1/tasks/batch").then().statusCode(200);

        List<Map<String, Object>> tasks = List.of(
                Map.of("machine", mine, "command", "echo a"),
                Map.of("machine", theirs, "command", "echo b"),
                Map.of("command", "echo c", "selector", Map.of("team", team, "tags", List.of("web")), "pick", "ANY"),
                Map.of("machine", mine, "command", ""),
                Map.of("machine", "m-nowhere-" + UUID.randomUUID(), "command", "echo e"),
                Map.of("machine", mine, "command", "echo f"));
        Response answer = TestSupport.as(operator).body(Map.of("tasks", tasks)).post("/api/v1/tasks/batch");

        assertThat(answer.statusCode()).as(answer.asString()).isEqualTo(200);
        assertThat(answer.<List<Integer>>path("results.status")).containsExactly(201, 404, 201, 400, 404, 201);
        assertThat(answer.<List<String>>path("results.task.command")).as("the created ones, in order")
                .containsExactly("echo a", "echo c", "echo f");
        assertThat(answer.<String>path("results[5].task.command")).isEqualTo("echo f");
        assertThat(answer.<String>path("results[3].problem.errors[0].field")).isEqualTo("command");
        assertThat(answer.<String>path("results[1].problem.detail")).doesNotContain(other);
        List<String> stored = admin().get("/api/v1/tasks?machine=" + mine).then().extract().path("items.command");
        assertThat(stored).as("newest first: seq follows the call's order").containsExactly("echo f", "echo c", "echo a", "warm");
        List<String> theirsStored = admin().get("/api/v1/tasks?machine=" + theirs).then().extract().path("items.command");
        assertThat(theirsStored).containsExactly("warm");
    }

    @Test
    void aBatchIsAtMostAThousandTasksAndNotEmpty() {
        String machine = TestSupport.registerMachine(1);
        List<Map<String, Object>> tooMany = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            tooMany.add(Map.of("machine", machine, "command", "true"));
        }
        admin().body(Map.of("tasks", tooMany)).post("/api/v1/tasks/batch").then().statusCode(400)
                .body("errors[0].field", equalTo("tasks"));
        admin().body(Map.of("tasks", List.of())).post("/api/v1/tasks/batch").then().statusCode(400);
        admin().get("/api/v1/tasks?machine=" + machine).then().body("items.size()", equalTo(0));
    }

    @Test
    void aBatchAnsweredWithIdsOnlyGivesEachItemsIdAndStatusInOrder() {
        String machine = TestSupport.registerMachine(1);
        String key = "ids-" + UUID.randomUUID();
        List<Map<String, Object>> tasks = List.of(
                Map.of("machine", machine, "command", "echo 1", "idempotencyKey", key),
                Map.of("machine", machine, "command", "echo 2", "priority", 99),
                Map.of("machine", machine, "command", "echo 3"),
                Map.of("machine", machine, "command", "echo 1", "idempotencyKey", key));
        Response answer = admin().body(Map.of("tasks", tasks)).post("/api/v1/tasks/batch?view=ids");

        assertThat(answer.statusCode()).as(answer.asString()).isEqualTo(200);
        assertThat(answer.<List<Integer>>path("results.status")).containsExactly(201, 400, 201, 200);
        assertThat(answer.<String>path("results[1].problem.errors[0].field")).isEqualTo("priority");
        assertThat(answer.<Map<String, Object>>path("results[0].task")).as("id and status only").containsOnlyKeys("taskId", "status");
        assertThat(answer.<String>path("results[3].task.taskId")).isEqualTo(answer.path("results[0].task.taskId"));
        List<String> newestFirst = admin().get("/api/v1/tasks?machine=" + machine).then().extract().path("items.taskId");
        assertThat(newestFirst).containsExactly(answer.<String>path("results[2].task.taskId"), answer.path("results[0].task.taskId"));
        assertThat(answer.<List<String>>path("results.task.status")).containsExactly("PENDING", "PENDING", "PENDING");
    }

    @Test
    void aBatchWithAnUnknownViewIsRefusedAndCreatesNothing() {
        String machine = TestSupport.registerMachine(1);
        admin().body(Map.of("tasks", List.of(Map.of("machine", machine, "command", "true"))))
                .post("/api/v1/tasks/batch?view=short").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("view"));
        admin().get("/api/v1/tasks?machine=" + machine).then().body("items.size()", equalTo(0));
    }

}
