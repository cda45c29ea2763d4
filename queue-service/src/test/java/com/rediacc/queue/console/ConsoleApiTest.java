package com.rediacc.queue.console;

import com.rediacc.queue.TestSupport;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static com.rediacc.queue.TestSupport.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

/** The console's own reads: every filter of the task list's URL, the ids of a bulk action, a task without its output, teams kept apart. */
@QuarkusTest
class ConsoleApiTest {
    @Test
    void theTaskListAppliesEveryFilterOfItsUrl() {
        String machine = TestSupport.registerMachine("console-api", 1, List.of());
        String tagged = create(Map.of("machine", machine, "command", "echo NeedleInCommand", "tag", "gpu", "priority", 1));
        String plain = create(Map.of("machine", machine, "command", "echo plain", "priority", 4));

        assertThat(ids("machine=" + machine)).containsExactly(plain, tagged); // newest first
        assertThat(ids("machine=" + machine + "&tag=gpu")).containsExactly(tagged);
        assertThat(ids("machine=" + machine + "&q=needleincommand")).containsExactly(tagged);
        assertThat(ids("machine=" + machine + "&priority=4")).containsExactly(plain);
        assertThat(ids("machine=" + machine + "&status=PENDING,FAILED")).containsExactly(plain, tagged);
        assertThat(ids("machine=" + machine + "&status=COMPLETED")).isEmpty();
        assertThat(ids("id=" + tagged.substring(tagged.length() - 8))).containsExactly(tagged);
        assertThat(ids("id=" + tagged)).containsExactly(tagged);
        String future = Instant.now().plusSeconds(3600).toString();
        assertThat(ids("machine=" + machine + "&from=" + future)).isEmpty();
        assertThat(ids("machine=" + machine + "&to=" + future)).containsExactly(plain, tagged);
        admin().get("/api/v1/console/tasks?status=NOPE").then().statusCode(400);
        admin().get("/api/v1/console/tasks?from=yesterday").then().statusCode(400);

        admin().get("/api/v1/console/tasks/ids?action=cancel&machine=" + machine).then().statusCode(200)
                .body("ids", hasSize(2));
        admin().get("/api/v1/console/tasks/ids?action=retry&machine=" + machine).then().statusCode(200)
                .body("ids", hasSize(0));
        admin().get("/api/v1/console/tasks/ids?action=delete").then().statusCode(400);
    }

    @Test
    void aTaskIsShownWithoutItsOutputAndItsSecrets() {
        String machine = TestSupport.registerMachine("console-api", 1, List.of());
        String id = create(Map.of("machine", machine, "command", "echo detail"));
        String body = admin().get("/api/v1/console/tasks/" + id).then().statusCode(200)
                .body("taskId", equalTo(id)).body("command", equalTo("echo detail")).body("outputLength", equalTo(0))
                .extract().asString();
        assertThat(body).doesNotContain("\"output\"").doesNotContain("vaultData").doesNotContain("attemptToken")
                .doesNotContain("leaseToken");
        admin().get("/api/v1/console/overview").then().statusCode(200)
                .body("stats.byStatus.PENDING", notNullValue()).body("lastHour", hasSize(60));
        Map<String, Map<String, Integer>> counts = admin().get("/api/v1/console/machine-counts").then().statusCode(200)
                .extract().jsonPath().getMap("");
        assertThat(counts.get(machine)).containsEntry("PENDING", 1);
    }

    @Test
    void anotherTeamsTasksDoNotExist() {
        String mine = TestSupport.registerMachine("console-api-mine", 1, List.of());
        String theirs = TestSupport.registerMachine("console-api-theirs", 1, List.of());
        String myTask = create(Map.of("machine", mine, "command", "echo mine"));
        String theirTask = create(Map.of("machine", theirs, "command", "echo theirs"));
        String viewer = TestSupport.userWithRole("console-api-mine", "VIEWER");
        List<String> seen = TestSupport.as(viewer).get("/api/v1/console/tasks?limit=1000").then().statusCode(200)
                .extract().jsonPath().getList("items.taskId");
        assertThat(seen).contains(myTask).doesNotContain(theirTask);
        TestSupport.as(viewer).get("/api/v1/console/tasks?id=" + theirTask).then().statusCode(200).body("items", hasSize(0));
        TestSupport.as(viewer).get("/api/v1/console/tasks?team=console-api-theirs").then().statusCode(404);
        TestSupport.as(viewer).get("/api/v1/console/tasks/" + theirTask).then().statusCode(404);
        TestSupport.as(viewer).get("/api/v1/console/overview?team=console-api-theirs").then().statusCode(404);
        TestSupport.as(viewer).get("/api/v1/console/tasks/ids?action=cancel").then().statusCode(200)
                .body("ids", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(theirTask)));
        assertThat(TestSupport.as(viewer).get("/api/v1/console/machine-counts").then().statusCode(200)
                .extract().asString()).doesNotContain(theirs);
    }

    private static String create(Map<String, Object> body) {
        return admin().body(body).post("/api/v1/tasks").then().statusCode(201).extract().path("taskId");
    }

    @jakarta.inject.Inject
    io.vertx.mutiny.sqlclient.Pool pool;

    @Test
    void workThatLooksStuckIsShownWithItsReasonInTheOverviewAndTheList() {
        String machine = TestSupport.registerMachine("console-stuck", 1, List.of());
        String fresh = create(Map.of("machine", machine, "command", "echo fresh"));
        String waiting = create(Map.of("machine", machine, "command", "echo waiting"));
        String cancelling = create(Map.of("machine", machine, "command", "echo cancelling"));
        sql("UPDATE tasks SET not_before = now() - interval '10 minutes' WHERE task_id = '" + waiting + "'");
        sql("UPDATE tasks SET status = 'PROCESSING', started_at = now(), lease_expires_at = now() + interval '1 hour',"
                + " cancel_requested = true WHERE task_id = '" + cancelling + "'");

        Map<String, String> listed = new java.util.HashMap<>();
        admin().get("/api/v1/console/tasks?machine=" + machine).then().statusCode(200).extract().jsonPath()
                .<Map<String, Object>>getList("items").forEach(row -> listed.put((String) row.get("taskId"), (String) row.get("stuck")));
        assertThat(listed).containsEntry(waiting, "pending long past its notBefore")
                .containsEntry(cancelling, "cancel requested, still running").containsEntry(fresh, null);

        Map<String, String> overview = new java.util.HashMap<>();
        admin().get("/api/v1/console/overview?team=console-stuck").then().statusCode(200).extract().jsonPath()
                .<Map<String, Object>>getList("stuck").forEach(row -> overview.put((String) row.get("taskId"), (String) row.get("stuck")));
        assertThat(overview).containsEntry(waiting, "pending long past its notBefore")
                .containsEntry(cancelling, "cancel requested, still running").doesNotContainKey(fresh);
    }

    private void sql(String statement) {
        pool.query(statement).execute().await().atMost(java.time.Duration.ofSeconds(10));
    }

    private static List<String> ids(String query) {
        return admin().get("/api/v1/console/tasks?" + query).then().statusCode(200).extract().jsonPath().getList("items.taskId");
    }
}
