package com.rediacc.queue.tasks;

import com.rediacc.queue.TestSupport;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static com.rediacc.queue.TestSupport.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/** POST /api/v1/tasks against the real PostgreSQL: accepted tasks, and bad input that stores nothing. */
@QuarkusTest
class CreateTaskTest {
    @jakarta.inject.Inject
    io.vertx.mutiny.sqlclient.Pool pool;

    private String machine;

    @BeforeEach
    void machine() {
        machine = TestSupport.registerMachine(1);
    }

    @Test
    void storesAPendingTaskAndAnswersWithItsLocation() {
        var created = admin().body(Map.of("machine", machine, "command", "uname -a", "priority", 1))
                .post("/api/v1/tasks")
                .then().statusCode(201)
                .body("status", equalTo("PENDING"))
                .body("priority", equalTo(1))
                .body("team", equalTo("ops"))
                .body("machine", equalTo(machine))
                .body("attempts", equalTo(0))
                .body("createdAt", notNullValue())
                .body("exitCode", nullValue())
                .body("leaseToken", nullValue())
                .extract();
        String id = created.path("taskId");
        assertThat(created.header("Location")).endsWith("/api/v1/tasks/" + id);

        admin().get("/api/v1/tasks/" + id).then().statusCode(200)
                .body("taskId", equalTo(id)).body("command", equalTo("uname -a"));
        admin().queryParam("machine", machine).get("/api/v1/tasks").then().statusCode(200)
                .body("items.taskId", hasItem(id));
        admin().get("/api/v1/tasks/" + id + "/history").then().statusCode(200)
                .body("items.size()", equalTo(1))
                .body("items[0].from", nullValue())
                .body("items[0].to", equalTo("PENDING"))
                .body("items[0].at", equalTo(created.path("createdAt")))
                .body("items[0].actor", notNullValue());
    }

    /**
     * The machine's team is remembered for authorizing creates. When the machine is deleted behind
     * this replica's back (by another replica) and its name registered in another team, the batch
     * finds the team changed: the create is authorized again, against the new team.
     */
    @Test
    void aMachineRegisteredAgainInAnotherTeamIsAuthorizedByItsNewTeam() {
        String first = TestSupport.ensureTeam("t1-" + UUID.randomUUID().toString().substring(0, 6));
        String second = TestSupport.ensureTeam("t2-" + UUID.randomUUID().toString().substring(0, 6));
        String name = TestSupport.registerMachine(first, 1);
        String firstOperator = TestSupport.userWithRole(first, "OPERATOR");
        String secondOperator = TestSupport.userWithRole(second, "OPERATOR");
        String earlier = TestSupport.as(firstOperator).body(Map.of("machine", name, "command", "true"))
                .post("/api/v1/tasks").then().statusCode(201).extract().path("taskId");
        admin().post("/api/v1/tasks/" + earlier + "/cancel").then().statusCode(200);
        pool.preparedQuery("DELETE FROM machines WHERE name = $1").execute(io.vertx.mutiny.sqlclient.Tuple.of(name))
                .await().indefinitely();
        admin().body(Map.of("name", name, "team", second, "host", "127.0.0.1", "port", 22, "user", "root",
                        "hostKey", TestSupport.hostKey(), "credential", "key-" + name, "maxConcurrency", 1))
                .post("/api/v1/machines").then().statusCode(201);

        TestSupport.as(secondOperator).body(Map.of("machine", name, "command", "true"))
                .post("/api/v1/tasks").then().statusCode(201).body("team", equalTo(second));
        TestSupport.as(firstOperator).body(Map.of("machine", name, "command", "true"))
                .post("/api/v1/tasks").then().statusCode(404);
    }

    /** The 201 is built from the request and what the database decided; it must be what a read returns. */
    @Test
    void theCreatedAnswerIsTheStoredTask() {
        Map<String, Object> body = new HashMap<>(Map.of("machine", machine, "command", "echo 'all fields'",
                "priority", 2, "maxRetries", 3, "retryDelay", 7, "retryBackoff", "EXPONENTIAL", "failureAction", "ALERT",
                "tag", "gpu", "resumable", true, "timeoutSeconds", 90));
        body.put("notBefore", Instant.now().plusSeconds(3600).truncatedTo(ChronoUnit.SECONDS).plusNanos(123_456_789).toString());
        body.put("idempotencyKey", "same-" + UUID.randomUUID());
        Map<String, Object> created = admin().body(body).post("/api/v1/tasks").then().statusCode(201)
                .extract().jsonPath().getMap("");
        Map<String, Object> read = admin().get("/api/v1/tasks/" + created.get("taskId")).then().statusCode(200)
                .extract().jsonPath().getMap("");
        assertThat(created).isEqualTo(read)
                .containsEntry("retryCount", 3).containsEntry("tag", "gpu").containsEntry("output", "");
        // stored to the microsecond, and answered so
        assertThat((String) created.get("notBefore")).containsPattern("\\.12345[67]Z$");

        Map<String, Object> plain = admin().body(Map.of("machine", machine, "command", "true")).post("/api/v1/tasks")
                .then().statusCode(201).extract().jsonPath().getMap("");
        assertThat(plain).isEqualTo(admin().get("/api/v1/tasks/" + plain.get("taskId"))
                .then().statusCode(200).extract().jsonPath().getMap(""));
    }

    @Test
    void priorityDefaultsToThree() {
        admin().body(Map.of("machine", machine, "command", "true"))
                .post("/api/v1/tasks").then().statusCode(201).body("priority", equalTo(3));
    }

    @Test
    void malformedJsonIsAProblem() {
        admin().body("{\"machine\": ").post("/api/v1/tasks")
                .then().statusCode(400).contentType("application/problem+json")
                .body("title", equalTo("Malformed JSON"))
                .body("detail", containsString("not valid JSON"));
        assertNoTasks();
    }

    @Test
    void missingMachineAndCommandAreBothReported() {
        admin().body(Map.of("priority", 2)).post("/api/v1/tasks")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("machine"))
                .body("errors.field", hasItem("command"));
        assertNoTasks();
    }

    @Test
    void unknownMachineIs404() {
        admin().body(Map.of("machine", "no-such-machine", "command", "true")).post("/api/v1/tasks")
                .then().statusCode(404).contentType("application/problem+json")
                .body("detail", containsString("no-such-machine"));
    }

    @Test
    void priorityOutsideOneToFiveIsRejected() {
        for (int priority : new int[] {0, 6, -1}) {
            admin().body(Map.of("machine", machine, "command", "true", "priority", priority)).post("/api/v1/tasks")
                    .then().statusCode(400).body("errors[0].field", equalTo("priority"));
        }
        assertNoTasks();
    }

    @Test
    void commandOver64KiBIsRejected() {
        admin().body(Map.of("machine", machine, "command", "x".repeat(64 * 1024 + 1))).post("/api/v1/tasks")
                .then().statusCode(400).body("errors[0].field", equalTo("command"))
                .body("detail", containsString("65536"));
        assertNoTasks();
        admin().body(Map.of("machine", machine, "command", "x".repeat(64 * 1024))).post("/api/v1/tasks")
                .then().statusCode(201);
    }

    @Test
    void unknownFieldIsRejectedNotIgnored() {
        admin().body(Map.of("machine", machine, "command", "true", "priorty", 1)).post("/api/v1/tasks")
                .then().statusCode(400).body("detail", containsString("priorty"));
        assertNoTasks();
    }

    @Test
    void wrongTypeNamesTheField() {
        admin().body(Map.of("machine", machine, "command", "true", "priority", "high")).post("/api/v1/tasks")
                .then().log().ifValidationFails().statusCode(400).body("errors[0].field", equalTo("priority"));
    }

    @Test
    void missingOrBadTokenIs401() {
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("machine", machine, "command", "true"))
                .post("/api/v1/tasks").then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Bearer"));
        RestAssured.given().header("Authorization", "Bearer nope").contentType(ContentType.JSON)
                .body(Map.of("machine", machine, "command", "true"))
                .post("/api/v1/tasks").then().statusCode(401);
        // The bridge token is not a user token.
        RestAssured.given().header("Authorization", "Bearer " + TestSupport.BRIDGE_TOKEN)
                .get("/api/v1/tasks").then().statusCode(401);
        assertNoTasks();
    }

    @Test
    void unknownTaskIs404() {
        admin().get("/api/v1/tasks/" + UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json");
        admin().get("/api/v1/tasks/not-a-uuid").then().statusCode(404);
    }

    @Test
    void listRejectsBadFiltersAndPages() {
        admin().queryParam("status", "DONE").get("/api/v1/tasks").then().statusCode(400)
                .body("errors[0].field", equalTo("status"));
        admin().queryParam("limit", 1001).get("/api/v1/tasks").then().statusCode(400);
        String first = TestSupport.createTask(machine, "echo 1", 3);
        String second = TestSupport.createTask(machine, "echo 2", 3);
        String cursor = admin().queryParam("machine", machine).queryParam("limit", 1).get("/api/v1/tasks")
                .then().statusCode(200).body("items[0].taskId", equalTo(second))
                .extract().path("nextCursor");
        admin().queryParam("machine", machine).queryParam("limit", 1).queryParam("cursor", cursor)
                .get("/api/v1/tasks").then().statusCode(200).body("items[0].taskId", equalTo(first));
    }

    private void assertNoTasks() {
        admin().queryParam("machine", machine).get("/api/v1/tasks").then().statusCode(200)
                .body("items.size()", equalTo(0));
    }
}
