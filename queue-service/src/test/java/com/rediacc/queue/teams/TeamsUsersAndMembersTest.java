package com.rediacc.queue.teams;

import com.rediacc.queue.TestSupport;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.rediacc.queue.TestSupport.admin;
import static com.rediacc.queue.TestSupport.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/** Users, tokens, teams and memberships against the real PostgreSQL. */
@QuarkusTest
class TeamsUsersAndMembersTest {
    @Inject
    Pool pool;

    @Test
    void aUsersTokenIsShownOnceStoredOnlyAsAHashAndAuthenticatesThem() {
        String name = "u-" + UUID.randomUUID().toString().substring(0, 8);
        String token = admin().body(Map.of("name", name)).post("/api/v1/users")
                .then().statusCode(201).body("name", equalTo(name)).body("token", startsWith("rdc_"))
                .extract().path("token");
        as(token).get("/api/v1/users/me").then().statusCode(200)
                .body("name", equalTo(name)).body("globalAdmin", equalTo(false));
        admin().get("/api/v1/users").then().statusCode(200)
                .body("items.name", hasItem(name)).body("items.token", not(hasItem(token)));

        Row row = pool.preparedQuery("SELECT * FROM users WHERE name = $1").execute(Tuple.of(name))
                .await().indefinitely().iterator().next();
        for (int i = 0; i < row.size(); i++) {
            Object value = row.getValue(i);
            String text = value instanceof io.vertx.core.buffer.Buffer buffer ? buffer.toString() : String.valueOf(value);
            assertThat(text).doesNotContain(token).doesNotContain(token.substring(4));
        }
    }

    @Test
    void aReplacedTokenStopsWorkingAtOnce() {
        String team = TestSupport.ensureTeam("replace-" + UUID.randomUUID().toString().substring(0, 6));
        String old = TestSupport.userWithRole(team, "VIEWER");
        String name = as(old).get("/api/v1/users/me").then().statusCode(200).extract().path("name");
        String fresh = as(old).post("/api/v1/users/" + name + "/token").then().statusCode(200).extract().path("token");
        as(old).get("/api/v1/users/me").then().statusCode(401);
        as(fresh).get("/api/v1/users/me").then().statusCode(200).body("memberships[0].team", equalTo(team));
        // Another user's token is not theirs to replace.
        String other = TestSupport.userWithRole(team, "ADMIN");
        as(other).post("/api/v1/users/" + name + "/token").then().statusCode(403);
        as(fresh).get("/api/v1/users/me").then().statusCode(200);
    }

    @Test
    void membershipsGiveRolesThatChangeAndEndAtOnce() {
        String team = TestSupport.ensureTeam("roles-" + UUID.randomUUID().toString().substring(0, 6));
        String machine = TestSupport.registerMachine(team, 1);
        String name = "u-" + UUID.randomUUID().toString().substring(0, 8);
        String token = admin().body(Map.of("name", name)).post("/api/v1/users").then().statusCode(201).extract().path("token");
        Map<String, Object> task = Map.of("machine", machine, "command", "true");

        as(token).body(task).post("/api/v1/tasks").then().statusCode(404);
        admin().body(Map.of("user", name, "role", "VIEWER")).post("/api/v1/teams/" + team + "/members")
                .then().statusCode(201).body("role", equalTo("VIEWER"));
        as(token).body(task).post("/api/v1/tasks").then().statusCode(403);
        admin().body(Map.of("role", "OPERATOR")).patch("/api/v1/teams/" + team + "/members/" + name)
                .then().statusCode(200).body("role", equalTo("OPERATOR"));
        as(token).body(task).post("/api/v1/tasks").then().statusCode(201);
        as(token).get("/api/v1/teams/" + team + "/members").then().statusCode(200).body("items.user", hasItem(name));
        admin().delete("/api/v1/teams/" + team + "/members/" + name).then().statusCode(204);
        as(token).body(task).post("/api/v1/tasks").then().statusCode(404);
        as(token).get("/api/v1/teams/" + team).then().statusCode(404);
    }

    @Test
    void followingTheOutputOfAnUnknownOrInvisibleTaskIsA404BeforeAnyStream() {
        String team = TestSupport.ensureTeam("follow-" + UUID.randomUUID().toString().substring(0, 6));
        String task = TestSupport.createTask(TestSupport.registerMachine(team, 1), "true", 3);
        String outsider = TestSupport.userWithRole(TestSupport.ensureTeam("elsewhere"), "ADMIN");
        admin().get("/api/v1/tasks/" + UUID.randomUUID() + "/output?follow=true").then().statusCode(404)
                .contentType("application/problem+json");
        as(outsider).get("/api/v1/tasks/" + task + "/output?follow=true").then().statusCode(404);
        admin().post("/api/v1/tasks/" + task + "/cancel").then().statusCode(200);
        admin().get("/api/v1/tasks/" + task + "/output?follow=true").then().statusCode(200);
    }

    @Test
    void badInputIsRefusedFieldByFieldAndStoresNothing() {
        String team = TestSupport.ensureTeam("valid-" + UUID.randomUUID().toString().substring(0, 6));
        String user = "u-" + UUID.randomUUID().toString().substring(0, 8);
        admin().body(Map.of("name", user)).post("/api/v1/users").then().statusCode(201);
        long users = count("users");
        long teams = count("teams");
        long members = count("team_members");
        long machines = count("machines");

        record Bad(String path, Object body, String field) {
        }
        Map<String, Object> machine = validMachine(team);
        List<Bad> cases = List.of(
                new Bad("/api/v1/users", Map.of(), "name"),
                new Bad("/api/v1/users", Map.of("name", "Upper"), "name"),
                new Bad("/api/v1/users", Map.of("name", "-dash"), "name"),
                new Bad("/api/v1/users", Map.of("name", "x".repeat(64)), "name"),
                new Bad("/api/v1/users", Map.of("name", "bootstrap-admin"), "name"),
                new Bad("/api/v1/users", Map.of("name", "ok", "extra", 1), "extra"),
                new Bad("/api/v1/teams", Map.of(), "name"),
                new Bad("/api/v1/teams", Map.of("name", "has space"), "name"),
                new Bad("/api/v1/teams", Map.of("name", "_lead"), "name"),
                new Bad("/api/v1/teams", Map.of("name", "t".repeat(64)), "name"),
                new Bad("/api/v1/teams/" + team + "/members", Map.of("user", user), "role"),
                new Bad("/api/v1/teams/" + team + "/members", Map.of("user", user, "role", "OWNER"), "role"),
                new Bad("/api/v1/teams/" + team + "/members", Map.of("role", "VIEWER"), "user"),
                new Bad("/api/v1/machines", with(machine, "name", "Bad_Name"), "name"),
                new Bad("/api/v1/machines", with(machine, "name", "n".repeat(64)), "name"),
                new Bad("/api/v1/machines", with(machine, "port", 0), "port"),
                new Bad("/api/v1/machines", with(machine, "port", 65536), "port"),
                new Bad("/api/v1/machines", with(machine, "port", "ssh"), "port"),
                new Bad("/api/v1/machines", with(machine, "hostKey", "ssh-ed25519 notbase64!"), "hostKey"),
                new Bad("/api/v1/machines", with(machine, "hostKey", "hello"), "hostKey"),
                new Bad("/api/v1/machines", with(machine, "host", "bad host"), "host"),
                new Bad("/api/v1/machines", with(machine, "user", "Root User"), "user"),
                new Bad("/api/v1/machines", with(machine, "credential", ""), "credential"),
                new Bad("/api/v1/machines", with(machine, "maxConcurrency", 0), "maxConcurrency"),
                new Bad("/api/v1/machines", with(machine, "tags", List.of("ok", "not ok")), "tags[1]"),
                new Bad("/api/v1/machines", with(machine, "team", "no such team!"), "team"));
        for (Bad bad : cases) {
            admin().body(bad.body()).post(bad.path()).then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("errors.field", hasItem(bad.field()));
        }
        String existing = TestSupport.registerMachine(team, 1);
        long machinesWithOne = count("machines");
        admin().body(Map.of("port", 70000, "maxConcurrency", -1)).patch("/api/v1/machines/" + existing)
                .then().statusCode(400).body("errors.field", hasItem("port")).body("errors.field", hasItem("maxConcurrency"));
        admin().body(Map.of("team", "elsewhere")).patch("/api/v1/machines/" + existing)
                .then().statusCode(400).body("errors.field", hasItem("team"));
        admin().get("/api/v1/machines/" + existing).then().statusCode(200).body("port", equalTo(22))
                .body("maxConcurrency", equalTo(1));

        assertThat(count("users")).isEqualTo(users);
        assertThat(count("teams")).isEqualTo(teams);
        assertThat(count("team_members")).isEqualTo(members);
        assertThat(machinesWithOne).isEqualTo(machines + 1);
    }

    @Test
    void duplicatesAndUnknownReferencesAreClearErrors() {
        String team = TestSupport.ensureTeam("dup-" + UUID.randomUUID().toString().substring(0, 6));
        admin().body(Map.of("name", team)).post("/api/v1/teams").then().statusCode(409);
        admin().body(Map.of("user", "nobody-" + UUID.randomUUID().toString().substring(0, 6), "role", "VIEWER"))
                .post("/api/v1/teams/" + team + "/members").then().statusCode(404);
        admin().body(Map.of("user", "someone", "role", "VIEWER"))
                .post("/api/v1/teams/no-such-team-" + UUID.randomUUID().toString().substring(0, 6) + "/members")
                .then().statusCode(404);
        admin().body(validMachine("no-such-team")).post("/api/v1/machines").then().statusCode(404);
        RestAssured.given().get("/api/v1/users/me").then().statusCode(401);
    }

    @Test
    void aMachineIsUpdatedAndDeletedOnlyOnceItsTasksHaveEnded() {
        String team = TestSupport.ensureTeam("crud-" + UUID.randomUUID().toString().substring(0, 6));
        String machine = TestSupport.registerMachine(team, 1);
        admin().body(Map.of("port", 2222, "tags", List.of("linux"), "maxConcurrency", 4))
                .patch("/api/v1/machines/" + machine).then().statusCode(200)
                .body("port", equalTo(2222)).body("maxConcurrency", equalTo(4)).body("tags", equalTo(List.of("linux")));
        String task = TestSupport.createTask(machine, "true", 3);
        admin().delete("/api/v1/machines/" + machine).then().statusCode(409);
        admin().post("/api/v1/tasks/" + task + "/cancel").then().statusCode(200);
        admin().delete("/api/v1/machines/" + machine).then().statusCode(204);
        admin().get("/api/v1/machines/" + machine).then().statusCode(404);
        admin().delete("/api/v1/machines/" + machine).then().statusCode(404);
        // The task keeps its history; the name can be registered again.
        admin().get("/api/v1/tasks/" + task + "/history").then().statusCode(200);
        admin().body(validMachine(team, machine)).post("/api/v1/machines").then().statusCode(201);
    }

    private long count(String table) {
        return pool.query("SELECT count(*) FROM " + table).execute().await().indefinitely().iterator().next().getLong(0);
    }

    private static Map<String, Object> validMachine(String team) {
        return validMachine(team, "m-" + UUID.randomUUID().toString().substring(0, 8));
    }

    private static Map<String, Object> validMachine(String team, String name) {
        return Map.of("name", name, "team", team, "host", "127.0.0.1", "port", 22, "user", "root",
                "hostKey", TestSupport.hostKey(), "credential", "key");
    }

    private static Map<String, Object> with(Map<String, Object> body, String field, Object value) {
        Map<String, Object> changed = new HashMap<>(body);
        changed.put(field, value);
        return changed;
    }
}
