package com.rediacc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static com.rediacc.cli.FunctionCommandsTest.assertUsage;
import static com.rediacc.cli.FunctionCommandsTest.with;
import static org.assertj.core.api.Assertions.assertThat;

/** The task group commands against a fake API: the group sent, its progress followed, how they exit. */
class GroupCommandsTest extends FakeApiTest {
    static final String ID = "3f2a1b2c-1111-2222-3333-444455556666";
    static final String RETRY_ID = "9e8d7c6b-1111-2222-3333-444455556666";
    private static final String PATH = "/task-groups/" + ID;

    /** Group {@link #ID} with 4 tasks on web-01..04, 2 at a time, stopping after more than 25% failed. */
    static String group(String status, String counts, int held, int ended, boolean finished) {
        return """
                {"groupId": "%s", "team": "Production", "status": "%s", "function": "deploy", "functionVersion": 3,
                 "maxParallel": 2, "maxFailurePercent": 25, "tasks": 4, "counts": %s, "held": %d, "ended": %d,
                 %s "createdAt": "2026-12-06T10:00:00Z", "createdBy": "admin", %s
                 "machines": [
                   {"machine": "web-01", "taskId": "a1000000-0000-0000-0000-000000000001", "status": "COMPLETED", "held": false,
                    "exitCode": 0, "attempts": 1},
                   {"machine": "web-02", "taskId": "a1000000-0000-0000-0000-000000000002", "status": "FAILED", "held": false,
                    "exitCode": 3, "error": "exit code 3", "attempts": 2},
                   {"machine": "web-03", "taskId": "a1000000-0000-0000-0000-000000000003", "status": "PROCESSING", "held": false,
                    "attempts": 1},
                   {"machine": "web-04", "taskId": "a1000000-0000-0000-0000-000000000004", "status": "PENDING", "held": true,
                    "attempts": 0}]}"""
                .formatted(ID, status, counts, held, ended,
                        status.equals("STOPPED") ? "\"detail\": \"group stopped: 2 of its 4 tasks failed, more than maxFailures 25%\"," : "",
                        finished ? "\"finishedAt\": \"2026-12-06T10:05:00Z\"," : "");
    }


    @Test
    void createSendsTheFunctionThePoolAndTheLimits() throws Exception {
        api.answer("POST /task-groups", 201, group("RUNNING", "{\"PENDING\": 4}", 2, 0, false));
        CliRun create = run("group", "create", "--pool", "Production:web,eu", "--function", "deploy", "--version", "3",
                "--param", "env=prod", "--param", "replicas=3", "--max-parallel", "2", "--max-failures", "25%",
                "--timeout", "15m", "--priority", "2", "--alert");
        assertThat(create.exit()).as(create.err()).isZero();
        assertThat(create.out()).isEqualTo("group " + ID + " created: 4 tasks (team Production), 2 at a time, "
                + "stops after more than 25% failed\n");
        assertThat(api.only("POST").body()).isEqualTo(ApiClient.JSON.readTree("""
                {"function": "deploy", "version": 3, "params": {"env": "prod", "replicas": "3"},
                 "selector": {"team": "Production", "tags": ["web", "eu"]}, "maxParallel": 2, "maxFailures": "25%",
                 "timeoutSeconds": 900, "priority": 2, "failureAction": "ALERT"}"""));
        assertThat(run("group", "create", "--pool", "Production", "--command", "uptime", "-q").out()).isEqualTo(ID + "\n");
    }

    @Test
    void createOnNamedMachinesSendsThemAndACountOfFailures() throws Exception {
        api.answer("POST /task-groups", 201, group("RUNNING", "{\"PENDING\": 4}", 2, 0, false));
        CliRun create = run("group", "create", "--machine", "web-01,web-02", "--machine", "web-03", "--command", "./vacuum.sh",
                "--max-failures", "2", "--retries", "1", "--on-exit", "./report.sh");
        assertThat(create.exit()).as(create.err()).isZero();
        assertThat(api.only("POST").body()).isEqualTo(ApiClient.JSON.readTree("""
                {"command": "./vacuum.sh", "machines": ["web-01", "web-02", "web-03"], "maxFailures": 2, "maxRetries": 1,
                 "onExit": {"command": "./report.sh"}}"""));
    }

    @Test
    void theVerbFirstFormsDoTheSame() throws Exception {
        api.answer("POST /task-groups", 201, group("RUNNING", "{\"PENDING\": 4}", 2, 0, false));
        CliRun create = run("create", "group", "--pool", "Production:web", "--command", "uptime", "--max-parallel", "2",
                "--max-failures", "1");
        assertThat(create.exit()).as(create.err()).isZero();
        assertThat(api.only("POST").body()).isEqualTo(ApiClient.JSON.readTree("""
                {"command": "uptime", "selector": {"team": "Production", "tags": ["web"]}, "maxParallel": 2, "maxFailures": 1}"""));
        api.answer("GET " + PATH, 200, group("RUNNING", "{\"PENDING\": 4}", 2, 0, false));
        CliRun inspect = run("inspect", "group", ID);
        assertThat(inspect.exit()).as(inspect.err()).isZero();
        assertThat(inspect.out()).contains("web-04");
        CliRun dryRun = run("cancel", "group", ID);
        assertThat(dryRun.exit()).isEqualTo(2);
        assertThat(api.requests.stream().filter(r -> r.method().equals("POST") && r.path().endsWith("/cancel"))).isEmpty();
    }

    @Test
    void badInputIsAUsageErrorBeforeAnyCall() {
        String[] base = {"group", "create", "--machine", "web-01"};
        assertUsage(run(with(base, "--command", "c", "--function", "f")), "use --command or --function, not both");
        assertUsage(run(base), "missing required option: --command or --function");
        assertUsage(run("group", "create", "--command", "c"), "missing required option: --machine or --pool");
        assertUsage(run("group", "create", "--command", "c", "--machine", "m", "--pool", "Production"),
                "use --machine or --pool, not both");
        assertUsage(run(with(base, "--command", "c", "--max-failures", "abc")),
                "--max-failures must be a count (e.g. 2) or a percentage of the tasks (e.g. 25%), not 'abc'");
        assertUsage(run(with(base, "--command", "c", "--max-failures", "150%")), "a percentage is at most 100%");
        assertUsage(run(with(base, "--command", "c", "--max-failures", "-1")), "--max-failures must be a count");
        assertUsage(run(with(base, "--command", "c", "--max-parallel", "0")), "--max-parallel must be 1 or more");
        assertUsage(run(with(base, "--function", "f", "--param", "env")), "--param 'env' is not KEY=VALUE (e.g. --param env=prod)");
        assertUsage(run(with(base, "--function", "f", "--param", "=prod")), "--param '=prod' is not KEY=VALUE");
        assertUsage(run(with(base, "--function", "f", "--param", "a=1", "--param", "a=2")), "--param a is given twice");
        assertUsage(run(with(base, "--command", "c", "--param", "a=1")), "--param goes with --function only");
        assertUsage(run(with(base, "--command", "c", "--version", "2")), "--version goes with --function only");
        assertUsage(run(with(base, "--function", "f", "--version", "0")), "--version must be 1 or more");
        assertUsage(run(with(base, "--function", "f", "--vault-file", "v.json")),
                "--vault-file does not go with --function: a function takes its secrets as secret params");
        assertUsage(run("group", "create", "--pool", ":web", "--command", "c"), "--pool ':web' names no team");
        assertUsage(run("group", "create", "--pool", "Production:web,", "--command", "c"), "has an empty tag");
        assertUsage(run(with(base, "--command", "c", "--wait", "--interval", "soon")), "'soon' is not a duration");
        assertThat(api.requests).isEmpty();
    }

    @Test
    void waitPrintsAProgressLinePerChangeAndExitsZeroWhenEveryTaskCompleted() {
        api.answer("POST /task-groups", 201, group("RUNNING", "{\"PENDING\": 4}", 2, 0, false));
        api.answers("GET " + PATH,
                group("RUNNING", "{\"COMPLETED\": 1, \"PROCESSING\": 1, \"PENDING\": 2}", 1, 1, false),
                group("RUNNING", "{\"COMPLETED\": 1, \"PROCESSING\": 1, \"PENDING\": 2}", 1, 1, false),
                group("RUNNING", "{\"COMPLETED\": 3, \"PROCESSING\": 1}", 0, 3, false),
                group("COMPLETED", "{\"COMPLETED\": 4}", 0, 4, true));
        CliRun wait = run("group", "create", "--pool", "Production", "--function", "deploy", "--wait", "--interval", "0");
        assertThat(wait.exit()).as(wait.err()).isZero();
        assertThat(wait.err().lines().toList()).containsExactly(
                "group " + ID + " created: 4 tasks (team Production), 2 at a time, stops after more than 25% failed; "
                        + "waiting for it to end",
                "group 3f2a1b2c: 0/4 ended, 2 running, 2 held",
                "group 3f2a1b2c: 1/4 ended (1 COMPLETED), 2 running, 1 held",
                "group 3f2a1b2c: 3/4 ended (3 COMPLETED), 1 running, 0 held",
                "group 3f2a1b2c COMPLETED: 4/4 ended (4 COMPLETED), 0 running, 0 held",
                "group " + ID + " COMPLETED: 4 COMPLETED");
        assertThat(api.all("GET", PATH)).hasSize(4);
        List<String> machines = wait.out().lines().toList();
        assertThat(machines.getFirst()).matches("MACHINE\\s+TASK\\s+STATUS\\s+EXIT\\s+TRIES\\s+ERROR");
        assertThat(machines).hasSize(5);
    }

    @Test
    void waitOnATerminalRewritesOneLine() {
        api.answer("POST /task-groups", 201, group("RUNNING", "{\"PENDING\": 4}", 2, 0, false));
        api.answers("GET " + PATH,
                group("RUNNING", "{\"COMPLETED\": 3, \"PROCESSING\": 1}", 0, 3, false),
                group("COMPLETED", "{\"COMPLETED\": 4}", 0, 4, true));
        CliRun wait = api.run(dir.resolve("config"), true, "group", "create", "--pool", "Production", "--command", "true",
                "--wait", "--interval", "0");
        assertThat(wait.exit()).as(wait.err()).isZero();
        assertThat(wait.err()).contains("waiting for it to end\n"
                + "\rgroup 3f2a1b2c: 0/4 ended, 2 running, 2 held\u001b[K"
                + "\rgroup 3f2a1b2c: 3/4 ended (3 COMPLETED), 1 running, 0 held\u001b[K"
                + "\rgroup 3f2a1b2c COMPLETED: 4/4 ended (4 COMPLETED), 0 running, 0 held\u001b[K\n"
                + "group " + ID + " COMPLETED: 4 COMPLETED\n");
    }

    @Test
    void waitExitsOneWhenTheGroupStoppedWithTheReasonAndWhatToDoNext() {
        api.answer("POST /task-groups", 201, group("RUNNING", "{\"PENDING\": 4}", 2, 0, false));
        api.answers("GET " + PATH,
                group("STOPPED", "{\"COMPLETED\": 1, \"FAILED\": 2, \"PROCESSING\": 1}", 0, 3, false),
                group("STOPPED", "{\"COMPLETED\": 2, \"FAILED\": 2}", 0, 4, true));
        CliRun wait = run("group", "create", "--pool", "Production", "--command", "true", "--wait", "--interval", "0");
        assertThat(wait.exit()).isEqualTo(1);
        assertThat(wait.err()).contains("group 3f2a1b2c STOPPED: 3/4 ended (1 COMPLETED, 2 FAILED), 1 running, 0 held\n")
                .contains("error: group " + ID + " STOPPED (group stopped: 2 of its 4 tasks failed, more than maxFailures 25%): "
                        + "2 COMPLETED, 2 FAILED\n")
                .contains("hint: see its machines: rediacc group show " + ID + "; run the failed and cancelled ones again: "
                        + "rediacc group retry " + ID);
        assertThat(wait.out()).containsPattern("web-02\\s+a1000000-0000-0000-0000-000000000002\\s+FAILED\\s+3\\s+2\\s+exit code 3");
    }

    @Test
    void waitExitsOneWhenACompletedGroupHasAFailedTaskAndWhenItWasCancelled() {
        api.answer("POST /task-groups", 201, group("COMPLETED", "{\"COMPLETED\": 3, \"FAILED\": 1}", 0, 4, true));
        CliRun completed = run("group", "create", "--pool", "Production", "--command", "true", "--wait", "--interval", "0");
        assertThat(completed.exit()).isEqualTo(1);
        assertThat(completed.err()).contains("error: group " + ID + " COMPLETED: 3 COMPLETED, 1 FAILED");
        assertThat(api.all("GET", PATH)).isEmpty();

        api.answer("POST /task-groups", 201, group("RUNNING", "{\"PENDING\": 4}", 2, 0, false));
        api.answers("GET " + PATH, group("CANCELLED", "{\"COMPLETED\": 1, \"CANCELLED\": 3}", 0, 4, true));
        CliRun cancelled = run("group", "create", "--pool", "Production", "--command", "true", "--wait", "--interval", "0");
        assertThat(cancelled.exit()).isEqualTo(1);
        assertThat(cancelled.err()).contains("error: group " + ID + " CANCELLED: 1 COMPLETED, 3 CANCELLED");
    }

    @Test
    void waitQuietPrintsOnlyTheIdAndJsonTheEndedGroup() throws Exception {
        api.answer("POST /task-groups", 201, group("RUNNING", "{\"PENDING\": 4}", 2, 0, false));
        api.answers("GET " + PATH, group("COMPLETED", "{\"COMPLETED\": 4}", 0, 4, true));
        CliRun quiet = run("group", "create", "--pool", "Production", "--command", "true", "--wait", "--interval", "0", "-q");
        assertThat(quiet.exit()).isZero();
        assertThat(quiet.out()).isEqualTo(ID + "\n");
        assertThat(quiet.err()).isEmpty();
        CliRun json = run("group", "create", "--pool", "Production", "--command", "true", "--wait", "--interval", "0", "-o", "json");
        assertThat(json.exit()).isZero();
        JsonNode ended = ApiClient.JSON.readTree(json.out());
        assertThat(ended.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(json.err()).contains("group 3f2a1b2c COMPLETED: 4/4 ended");
    }

    @Test
    void listShowsEachGroupWithWhatItRuns() {
        api.answer("GET /task-groups?team=Production", 200, "{\"items\": [" + group("RUNNING", "{}", 0, 0, false) + ", "
                + group("COMPLETED", "{}", 0, 0, true).replace("\"function\": \"deploy\", \"functionVersion\": 3,",
                "\"command\": \"./vacuum.sh\",").replace(ID, RETRY_ID) + "], \"nextCursor\": \"" + RETRY_ID + "\"}");
        CliRun list = run("group", "list", "--team", "Production");
        assertThat(list.exit()).as(list.err()).isZero();
        List<String> lines = list.out().lines().toList();
        assertThat(lines.getFirst()).matches("ID\\s+STATUS\\s+TEAM\\s+TASKS\\s+PARALLEL\\s+AGE\\s+RUNS");
        assertThat(lines.get(1)).matches(ID + "\\s+RUNNING\\s+Production\\s+4\\s+2\\s+\\S+\\s+function deploy v3");
        assertThat(lines.get(2)).matches(RETRY_ID + "\\s+COMPLETED\\s+Production\\s+4\\s+2\\s+\\S+\\s+./vacuum.sh");
        assertThat(list.err()).contains("more: --cursor " + RETRY_ID);
        assertThat(run("group", "list", "--team", "Production", "-q").out()).isEqualTo(ID + "\n" + RETRY_ID + "\n");
        assertThat(run("group", "list", "--team", "Production", "-o", "wide").out().lines().findFirst().orElseThrow())
                .contains("MAX FAILURES").contains("RETRY OF");
    }

    @Test
    void showPrintsTheCountsAndATableOfMachinesAndQuietTheTaskIds() {
        api.answer("GET " + PATH, 200, group("STOPPED", "{\"COMPLETED\": 1, \"FAILED\": 1, \"PROCESSING\": 1, \"PENDING\": 1}", 1, 2, false));
        CliRun show = run("group", "show", ID);
        assertThat(show.exit()).as(show.err()).isZero();
        assertThat(show.out()).containsPattern("Group:\\s+" + ID)
                .containsPattern("Status:\\s+STOPPED \\(group stopped: 2 of its 4 tasks failed, more than maxFailures 25%\\)")
                .containsPattern("Runs:\\s+function deploy v3")
                .containsPattern("Tasks:\\s+4: 2 ended, 1 running, 1 held")
                .containsPattern("Counts:\\s+1 COMPLETED, 1 FAILED, 1 PENDING, 1 PROCESSING")
                .containsPattern("Max parallel:\\s+2").containsPattern("Max failures:\\s+25%")
                .contains("Machines:\n")
                .containsPattern("web-01\\s+a1000000-0000-0000-0000-000000000001\\s+COMPLETED\\s+0\\s+1")
                .containsPattern("web-04\\s+a1000000-0000-0000-0000-000000000004\\s+HELD\\s+0")
                .doesNotContain("Finished:");
        assertThat(run("group", "show", ID, "-q").out().lines().toList())
                .containsExactly("a1000000-0000-0000-0000-000000000001", "a1000000-0000-0000-0000-000000000002",
                        "a1000000-0000-0000-0000-000000000003", "a1000000-0000-0000-0000-000000000004");
    }

    @Test
    void cancelWithoutConfirmOnlySaysWhatItWouldCancel() {
        api.answer("GET " + PATH, 200, group("RUNNING", "{\"COMPLETED\": 1, \"FAILED\": 1, \"PROCESSING\": 1, \"PENDING\": 1}", 1, 2, false));
        api.answer("POST " + PATH + "/cancel", 200, group("CANCELLED", "{\"COMPLETED\": 1, \"FAILED\": 1, \"CANCELLED\": 2}", 0, 4, true));
        CliRun dry = run("group", "cancel", ID);
        assertThat(dry.exit()).isEqualTo(2);
        assertThat(dry.err()).isEqualTo("would cancel group " + ID + " (team Production): 2 tasks not ended (1 running, 1 held); "
                + "nothing changed: add --confirm\n");
        assertThat(api.requests).extracting(FakeApi.Request::method).containsExactly("GET");
        CliRun cancel = run("group", "cancel", ID, "--confirm");
        assertThat(cancel.exit()).isZero();
        assertThat(cancel.err()).isEqualTo("group " + ID + " CANCELLED: 1 COMPLETED, 1 FAILED, 2 CANCELLED\n");
        assertThat(api.only("POST").path()).isEqualTo(PATH + "/cancel");
    }

    @Test
    void retryCreatesTheLinkedGroupAndCanFollowIt() {
        String retried = group("RUNNING", "{\"PENDING\": 4}", 2, 0, false).replace(ID, RETRY_ID)
                .replace("\"createdBy\"", "\"retriedFrom\": \"" + ID + "\", \"createdBy\"");
        api.answer("POST " + PATH + "/retry", 201, retried);
        CliRun retry = run("group", "retry", ID);
        assertThat(retry.exit()).as(retry.err()).isZero();
        assertThat(retry.out()).isEqualTo("group " + RETRY_ID + " created (retry of " + ID + "): 4 tasks (team Production), "
                + "2 at a time, stops after more than 25% failed\n");

        api.answers("GET /task-groups/" + RETRY_ID, group("COMPLETED", "{\"COMPLETED\": 4}", 0, 4, true).replace(ID, RETRY_ID));
        CliRun wait = run("group", "retry", ID, "--wait", "--interval", "0");
        assertThat(wait.exit()).as(wait.err()).isZero();
        assertThat(wait.err()).contains("group 9e8d7c6b COMPLETED: 4/4 ended (4 COMPLETED)");

        api.answer("POST " + PATH + "/retry", 409, """
                {"title": "Conflict", "status": 409, "detail": "task group %s still runs; cancel it or wait for its end"}""".formatted(ID));
        CliRun running = run("group", "retry", ID);
        assertThat(running.exit()).isEqualTo(1);
        assertThat(running.err()).contains("task group " + ID + " still runs; cancel it or wait for its end (HTTP 409 Conflict)");
    }
}
