package com.rediacc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static com.rediacc.cli.FunctionCommandsTest.assertUsage;
import static org.assertj.core.api.Assertions.assertThat;

/** create task --function/--pool, create batch, and how a function task is shown. */
class TaskFunctionAndBatchTest extends FakeApiTest {
    private static final String TASK = "3f1c2d4e-1111-2222-3333-444455556666";
    private static final String OTHER = "9f1c2d4e-1111-2222-3333-444455556666";
    private static final String FUNCTION_TASK = """
            {"taskId": "%s", "status": "PENDING", "machine": "web-02", "team": "Production", "priority": 2,
             "command": "#!/bin/sh\\n./deploy.sh", "function": {"name": "deploy", "version": 3},
             "params": {"env": "prod", "replicas": "3"}, "vaultData": {"token": "[encrypted]"},
             "groupId": "3f2a1b2c-1111-2222-3333-444455556666", "held": true,
             "createdAt": "2026-12-06T10:00:00Z"}""".formatted(TASK);


    @Test
    void createTaskWithAFunctionSendsItsNameVersionAndParamsAsText() throws Exception {
        api.answer("POST /tasks", 201, FUNCTION_TASK);
        CliRun create = run("create", "task", "--machine", "web-02", "--function", "deploy", "--version", "3",
                "--param", "env=prod", "--param", "replicas=3", "--param", "note=a=b", "--param", "empty=", "--priority", "2");
        assertThat(create.exit()).as(create.err()).isZero();
        assertThat(create.out()).isEqualTo("task " + TASK + " created: PENDING on web-02, function deploy v3, priority 2\n");
        assertThat(api.only("POST").body()).isEqualTo(ApiClient.JSON.readTree("""
                {"machine": "web-02", "function": "deploy", "version": 3,
                 "params": {"env": "prod", "replicas": "3", "note": "a=b", "empty": ""}, "priority": 2}"""));
    }

    @Test
    void createTaskOnAPoolSendsASelectorToPickAny() throws Exception {
        api.answer("POST /tasks", 201, FUNCTION_TASK);
        CliRun create = run("create", "task", "--pool", "Production:eu,ssd", "--function", "deploy");
        assertThat(create.exit()).as(create.err()).isZero();
        assertThat(create.out()).isEqualTo("task " + TASK + " created: PENDING on web-02 (picked from team Production with tags "
                + "eu, ssd), function deploy v3, priority 2\n");
        assertThat(api.only("POST").body()).isEqualTo(ApiClient.JSON.readTree("""
                {"selector": {"team": "Production", "tags": ["eu", "ssd"]}, "pick": "ANY", "function": "deploy"}"""));

        api.answer("POST /tasks", 404, """
                {"title": "Not Found", "status": 404, "detail": "no machine of team 'Production' with tags [gpu] can take the task (none, or all paused)"}""");
        CliRun none = run("create", "task", "--pool", "Production:gpu", "--command", "nvidia-smi");
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).contains("no machine of team 'Production' with tags [gpu] can take the task (none, or all paused) "
                + "(HTTP 404 Not Found)");
        assertThat(api.requests.getLast().body()).isEqualTo(ApiClient.JSON.readTree("""
                {"selector": {"team": "Production", "tags": ["gpu"]}, "pick": "ANY", "command": "nvidia-smi"}"""));
    }

    @Test
    void createTaskRefusesMixedOrIncompleteTargetsAndWorkBeforeAnyCall() {
        assertUsage(run("create", "task", "--command", "c"), "Missing required option: '--machine=NAME' (or --pool TEAM[:TAG,...])");
        assertUsage(run("create", "task", "--machine", "m", "--pool", "Production", "--command", "c"), "use --machine or --pool, not both");
        assertUsage(run("create", "task", "--machine", "m"), "missing required option: --command or --function");
        assertUsage(run("create", "task", "--machine", "m", "--command", "c", "--function", "f"), "use --command or --function, not both");
        assertUsage(run("create", "task", "--machine", "m", "--function", "f", "--param", "env"), "--param 'env' is not KEY=VALUE");
        assertUsage(run("create", "task", "--machine", "m", "--command", "c", "--param", "a=1"), "--param goes with --function only");
        assertUsage(run("create", "task", "--machine", "m", "--function", "f", "--vault-file", "v.json"),
                "a function takes its secrets as secret params");
        assertUsage(run("create", "task", "--pool", "", "--command", "c"), "names no team");
        assertThat(api.requests).isEmpty();
    }

    @Test
    void aFunctionsParamTheServerRefusesIsAFailureNamingTheParam() {
        api.answer("POST /tasks", 400, """
                {"title": "Bad Request", "status": 400, "detail": "invalid request",
                 "errors": [{"field": "params.env", "message": "must be one of [staging, prod]"}]}""");
        CliRun bad = run("create", "task", "--machine", "web-02", "--function", "deploy", "--param", "env=dev");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("(HTTP 400 Bad Request)").contains("params.env: must be one of [staging, prod]");
    }

    @Test
    void inspectAndListShowTheFunctionItsParamsItsGroupAndItsScript() {
        api.answer("GET /tasks/" + TASK, 200, FUNCTION_TASK);
        api.answer("GET /tasks/" + TASK + "/history", 200, "{\"items\": []}");
        CliRun inspect = run("inspect", "queue", TASK);
        assertThat(inspect.exit()).as(inspect.err()).isZero();
        assertThat(inspect.out()).containsPattern("Function:\\s+deploy v3\n").containsPattern("Params:\\s+env=prod replicas=3\n")
                .containsPattern("Group:\\s+3f2a1b2c-1111-2222-3333-444455556666 \\(held: waits for the group to release it\\)")
                .contains("Script: (function deploy v3)\n  #!/bin/sh\n  ./deploy.sh\n")
                .doesNotContain("Command:");
        api.answer("GET /tasks", 200, "{\"items\": [" + FUNCTION_TASK + "]}");
        assertThat(run("list", "queue").out().lines().toList().get(1)).endsWith("function deploy v3 env=prod replicas=3");
    }

    @Test
    void createBatchSendsTheFileAndPrintsALinePerItemInOrder() throws Exception {
        Path file = dir.resolve("tasks.json");
        Files.writeString(file, """
                [{"machine": "web-01", "command": "uptime"},
                 {"machine": "web-02", "function": "deploy", "params": {"env": "prod"}, "idempotencyKey": "k"},
                 {"machine": "gone", "command": "uptime"}]""");
        api.answer("POST /tasks/batch", 200, """
                {"results": [
                  {"status": 201, "task": {"taskId": "%s", "status": "PENDING", "machine": "web-01", "priority": 3}},
                  {"status": 200, "task": {"taskId": "%s", "status": "COMPLETED", "machine": "web-02", "priority": 3,
                                           "function": {"name": "deploy", "version": 3}}},
                  {"status": 404, "problem": {"title": "Not Found", "status": 404, "detail": "no machine 'gone'"}}]}"""
                .formatted(TASK, OTHER));
        CliRun batch = run("create", "batch", "--file", file.toString());
        assertThat(batch.exit()).isEqualTo(1);
        assertThat(api.only("POST").body()).isEqualTo(ApiClient.JSON.readTree("{\"tasks\": " + Files.readString(file) + "}"));
        List<String> lines = batch.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).matches("#\\s+STATUS\\s+TASK\\s+MACHINE\\s+DETAIL");
        assertThat(lines.get(1)).matches("1\\s+201 created\\s+" + TASK + "\\s+web-01\\s+PENDING, priority 3");
        assertThat(lines.get(2)).matches("2\\s+200 existing\\s+" + OTHER + "\\s+web-02\\s+COMPLETED, priority 3, function deploy v3");
        assertThat(lines.get(3)).matches("3\\s+404 refused\\s+no machine 'gone' \\(HTTP 404 Not Found\\)");
        assertThat(batch.err()).isEqualTo("1 created, 1 already existed (idempotency key), 1 refused\n");

        api.answer("POST /tasks/batch?view=ids", 200, """
                {"results": [{"status": 201, "task": {"taskId": "%s", "status": "PENDING"}},
                  {"status": 200, "task": {"taskId": "%s", "status": "COMPLETED"}},
                  {"status": 404, "problem": {"title": "Not Found", "status": 404, "detail": "no machine 'gone'"}}]}"""
                .formatted(TASK, OTHER));
        CliRun quiet = run("create", "batch", "--file", file.toString(), "-q");
        assertThat(quiet.out()).as("-q asks only for the ids").isEqualTo(TASK + "\n" + OTHER + "\n");
        assertThat(api.all("POST", "/tasks/batch?view=ids")).hasSize(1);
        assertThat(run("create", "batch", "--file", file.toString(), "-o", "json").out()).contains("\"results\"");
    }

    @Test
    void createBatchTakesTasksInAnObjectOrYamlAndShowsEachRefusalsFields() throws Exception {
        Path yaml = dir.resolve("tasks.yaml");
        Files.writeString(yaml, "tasks:\n  - machine: web-01\n    command: uptime\n    priority: 9\n");
        api.answer("POST /tasks/batch", 200, """
                {"results": [{"status": 400, "problem": {"title": "Bad Request", "status": 400, "detail": "invalid request",
                  "errors": [{"field": "priority", "message": "must be between 1 (highest) and 5 (lowest)"},
                             {"field": "tag", "message": "must be letters"}]}}]}""");
        CliRun batch = run("create", "batch", "-f", yaml.toString());
        assertThat(batch.exit()).isEqualTo(1);
        JsonNode sent = api.only("POST").body();
        assertThat(sent).isEqualTo(ApiClient.JSON.readTree(
                "{\"tasks\": [{\"machine\": \"web-01\", \"command\": \"uptime\", \"priority\": 9}]}"));
        assertThat(batch.out()).contains("400 refused").contains("invalid request (HTTP 400 Bad Request): "
                + "priority: must be between 1 (highest) and 5 (lowest); tag: must be letters");
        assertThat(batch.err()).isEqualTo("0 created, 0 already existed (idempotency key), 1 refused\n");

        api.answer("POST /tasks/batch", 200, """
                {"results": [{"status": 201, "task": {"taskId": "%s", "status": "PENDING", "machine": "web-01", "priority": 3}}]}"""
                .formatted(TASK));
        Path object = dir.resolve("one.json");
        Files.writeString(object, "{\"tasks\": [{\"machine\": \"web-01\", \"command\": \"uptime\"}]}");
        assertThat(run("create", "batch", "--file", object.toString()).exit()).isZero();
    }

    @Test
    void createBatchRefusesAFileThatIsNotAListOfTasksBeforeAnyCall() throws Exception {
        assertUsage(run("create", "batch"), "Missing required option: '--file=FILE'");
        assertUsage(run("create", "batch", "--file", dir.resolve("none.json").toString()), "cannot read --file");
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"machine\": \"web-01\", \"command\": \"uptime\"}");
        assertUsage(run("create", "batch", "--file", file.toString()), "must hold a JSON array of tasks or {\"tasks\": [...]}");
        Files.writeString(file, "[]");
        assertUsage(run("create", "batch", "--file", file.toString()), "holds no tasks");
        Files.writeString(file, "[{\"machine\": \"a\", \"command\": \"c\"}, \"uptime\"]");
        assertUsage(run("create", "batch", "--file", file.toString()), "task 2 is not a JSON object");
        Files.writeString(file, "[" + "{},".repeat(1000) + "{}]");
        assertUsage(run("create", "batch", "--file", file.toString()), "holds 1001 tasks; a batch takes at most 1000 (split the file)");
        Files.writeString(file, "[{\"machine\": ");
        assertUsage(run("create", "batch", "--file", file.toString()), "is not JSON");
        assertThat(api.requests).isEmpty();
    }
}
