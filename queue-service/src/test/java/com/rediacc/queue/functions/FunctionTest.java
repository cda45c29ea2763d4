package com.rediacc.queue.functions;

import com.rediacc.queue.TestSupport;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.rediacc.queue.TestSupport.admin;
import static com.rediacc.queue.TestSupport.bridge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** Functions against the real PostgreSQL: versions, declarations, tasks that name them. */
@QuarkusTest
class FunctionTest {
    private static final String DEPLOY_SCRIPT = "echo \"deploying $VERSION to $TARGET (dry run: $DRY_RUN, $REPLICAS replicas)\"";

    @Test
    void everyPutIsANewVersionAndTheNewestIsTheDefault() {
        String name = unique("deploy");
        put(name, deploy("v1 script")).then().statusCode(201).body("version", equalTo(1));
        put(name, deploy("v2 script")).then().statusCode(201).body("version", equalTo(2))
                .header("Location", org.hamcrest.Matchers.endsWith("/api/v1/teams/ops/functions/" + name + "/versions/2"));
        admin().get(path(name)).then().statusCode(200).body("version", equalTo(2)).body("script", equalTo("v2 script"));
        admin().get(path(name) + "/versions/1").then().statusCode(200).body("script", equalTo("v1 script"));
        List<Integer> versions = admin().get(path(name) + "/versions").then().statusCode(200).extract().path("items.version");
        assertThat(versions).containsExactly(2, 1);
        List<String> names = admin().get("/api/v1/teams/ops/functions").then().statusCode(200).extract().path("items.name");
        assertThat(names).contains(name);
    }

    @Test
    void aDeletedFunctionIsGoneAndANewPutGoesOnNumbering() {
        String name = unique("gone");
        put(name, deploy("one")).then().statusCode(201);
        admin().delete(path(name)).then().statusCode(204);
        admin().get(path(name)).then().statusCode(404);
        admin().delete(path(name)).then().statusCode(404);
        put(name, deploy("again")).then().statusCode(201).body("version", equalTo(2));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"name\": \"1st\", \"type\": \"string\"}                                      | params[0].name",
            "{\"name\": \"PATH\", \"type\": \"string\"}                                     | params[0].name",
            "{\"name\": \"REDIACC_X\", \"type\": \"string\"}                                | params[0].name",
            "{\"name\": \"level\", \"type\": \"enum\"}                                      | params[0].values",
            "{\"name\": \"count\", \"type\": \"int\", \"default\": \"many\"}                | params[0].default",
            "{\"name\": \"token\", \"type\": \"string\", \"secret\": true, \"default\": \"x\"} | params[0].default",
            "{\"name\": \"size\"}                                                           | params[0].type"})
    void aBadDeclarationIsRefusedNamingItsFieldAndNothingIsStored(String param, String field) throws Exception {
        String name = unique("bad");
        Map<String, Object> body = new HashMap<>();
        body.put("script", "true");
        body.put("params", List.of(new com.fasterxml.jackson.databind.ObjectMapper().readValue(param, Map.class)));
        Response response = put(name, body);
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(400);
        assertThat(response.<List<String>>path("errors.field")).contains(field);
        admin().get(path(name)).then().statusCode(404);
    }

    @Test
    void aTaskNamingAFunctionRunsItsScriptWithItsDefaultsAndRecordsNameAndVersion() {
        String name = unique("deploy");
        put(name, deploy("old")).then().statusCode(201);
        put(name, deploy(DEPLOY_SCRIPT)).then().statusCode(201);
        String machine = TestSupport.registerMachine(1);
        Map<String, Object> body = Map.of("machine", machine, "function", name,
                "params", Map.of("VERSION", "1.2.3", "TARGET", "$(touch /tmp/pwned)", "REPLICAS", "3"));
        String id = admin().body(body).post("/api/v1/tasks").then().statusCode(201)
                .body("function.name", equalTo(name)).body("function.version", equalTo(2))
                .body("command", equalTo(DEPLOY_SCRIPT))
                .body("priority", equalTo(2)).body("timeoutSeconds", equalTo(120))
                .body("params.VERSION", equalTo("1.2.3")).body("params.TARGET", equalTo("$(touch /tmp/pwned)"))
                .body("params.DRY_RUN", equalTo("false")).body("params.REPLICAS", equalTo("3"))
                .extract().path("taskId");
        List<String> details = admin().get("/api/v1/tasks/" + id + "/history").then().extract().path("items.detail");
        assertThat(details.getFirst()).isEqualTo("function " + name + " v2");

        List<Map<String, Object>> claimed = bridge().body(Map.of("machine", machine, "bridgeId", "test-bridge", "max", 1))
                .post("/api/v1/bridge/claims").then().statusCode(200).extract().path("");
        assertThat(claimed.getFirst().get("command")).isEqualTo(DEPLOY_SCRIPT);
        assertThat(claimed.getFirst().get("environment")).isEqualTo(Map.of("VERSION", "1.2.3",
                "TARGET", "$(touch /tmp/pwned)", "DRY_RUN", "false", "REPLICAS", "3"));

        String pinned = admin().body(Map.of("machine", machine, "function", name, "version", 1, "priority", 5,
                        "params", Map.of("VERSION", "1", "TARGET", "t")))
                .post("/api/v1/tasks").then().statusCode(201).body("function.version", equalTo(1))
                .body("command", equalTo("old")).body("priority", equalTo(5)).extract().path("taskId");
        assertThat(pinned).isNotNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{}                                                    | params.VERSION",
            "{\"VERSION\": \"1\", \"TARGET\": \"t\", \"HOST\": \"x\"} | params.HOST",
            "{\"VERSION\": \"1\", \"TARGET\": \"t\", \"REPLICAS\": \"three\"} | params.REPLICAS",
            "{\"VERSION\": \"1\", \"TARGET\": \"t\", \"DRY_RUN\": \"yes\"} | params.DRY_RUN",
            "{\"VERSION\": \"1\", \"TARGET\": \"t\", \"MODE\": \"fast\"} | params.MODE",
            "{\"VERSION\": 7, \"TARGET\": \"t\"}                    | params.VERSION"})
    void badParamsAreRefusedNamingThemAndNothingIsStored(String params, String field) throws Exception {
        String name = unique("strict");
        put(name, deploy(DEPLOY_SCRIPT)).then().statusCode(201);
        String machine = TestSupport.registerMachine(1);
        Map<String, Object> body = Map.of("machine", machine, "function", name,
                "params", new com.fasterxml.jackson.databind.ObjectMapper().readValue(params, Map.class));
        Response response = admin().body(body).post("/api/v1/tasks");
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(400);
        assertThat(response.<List<String>>path("errors.field")).contains(field);
        admin().get("/api/v1/tasks?machine=" + machine).then().body("items.size()", equalTo(0));
    }

    @Test
    void commandAndFunctionAreExclusiveAndAnUnknownFunctionIs404() {
        String machine = TestSupport.registerMachine(1);
        admin().body(Map.of("machine", machine, "function", "x", "command", "true")).post("/api/v1/tasks")
                .then().statusCode(400).body("errors[0].field", equalTo("command"));
        admin().body(Map.of("machine", machine, "function", unique("nothing"))).post("/api/v1/tasks").then().statusCode(404);
        admin().body(Map.of("machine", machine, "command", "true", "params", Map.of())).post("/api/v1/tasks")
                .then().statusCode(400).body("errors[0].field", equalTo("params"));
    }

    @Test
    void onlyAdminsWriteFunctionsAndAnotherTeamsFunctionsDoNotExist() {
        String name = unique("roles");
        put(name, deploy("true")).then().statusCode(201);
        String operator = TestSupport.userWithRole("ops", "OPERATOR");
        String stranger = TestSupport.userWithRole("elsewhere", "ADMIN");
        TestSupport.as(operator).get(path(name)).then().statusCode(200);
        TestSupport.as(operator).body(deploy("x")).put(path(name)).then().statusCode(403);
        TestSupport.as(stranger).get(path(name)).then().statusCode(404);
        TestSupport.as(stranger).body(deploy("x")).put(path(name)).then().statusCode(404);
    }

    private static Map<String, Object> deploy(String script) {
        return Map.of("description", "deploys a version", "script", script,
                "params", List.of(
                        Map.of("name", "VERSION", "type", "string", "required", true),
                        Map.of("name", "TARGET", "type", "string", "required", true),
                        Map.of("name", "DRY_RUN", "type", "bool", "default", false),
                        Map.of("name", "REPLICAS", "type", "int"),
                        Map.of("name", "MODE", "type", "enum", "values", List.of("rolling", "all"))),
                "defaults", Map.of("priority", 2, "timeoutSeconds", 120));
    }

    private static Response put(String name, Map<String, Object> body) {
        TestSupport.ensureTeam("ops");
        return admin().body(body).put(path(name));
    }

    private static String path(String name) {
        return "/api/v1/teams/ops/functions/" + name;
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
