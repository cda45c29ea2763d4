package com.rediacc.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A task's onExit follow-up: create task --on-exit sends it, inspect queue shows both ends of the link. */
class TaskOnExitTest extends FakeApiTest {
    private static final String ENDED = "3f1c2d4e-1111-2222-3333-444455556666";
    private static final String FOLLOW_UP = "9f1c2d4e-1111-2222-3333-444455556666";

    @Test
    void createTaskSendsTheOnExitCommand() {
        api.answer("POST /tasks", 201, """
                {"taskId": "%s", "status": "PENDING", "machine": "db-01", "priority": 3, "onExit": {"command": "./notify.sh"}}"""
                .formatted(ENDED));
        CliRun create = run("create", "task", "--machine", "db-01", "--command", "./backup.sh",
                "--on-exit", "./notify.sh");
        assertThat(create.exit()).as(create.err()).isZero();
        assertThat(create.out()).isEqualTo("task " + ENDED + " created: PENDING on db-01, priority 3\n");
        assertThat(api.only("POST").body().path("onExit").path("command").asText()).isEqualTo("./notify.sh");
        assertThat(api.only("POST").body().has("resumable")).isFalse();
    }

    @Test
    void inspectShowsTheOnExitCommandAndTheTaskAFollowUpFollows() {
        api.answer("GET /tasks/" + ENDED, 200, """
                {"taskId": "%s", "status": "COMPLETED", "machine": "db-01", "team": "default", "command": "./backup.sh",
                 "onExit": {"command": "./notify.sh"}}""".formatted(ENDED));
        api.answer("GET /tasks/" + FOLLOW_UP, 200, """
                {"taskId": "%s", "status": "PENDING", "machine": "db-01", "team": "default", "command": "./notify.sh",
                 "onExitOf": "%s"}""".formatted(FOLLOW_UP, ENDED));
        api.answer("GET /tasks/" + ENDED + "/history", 200, "{\"items\": []}");
        api.answer("GET /tasks/" + FOLLOW_UP + "/history", 200, "{\"items\": []}");
        CliRun ended = run("inspect", "queue", ENDED);
        assertThat(ended.exit()).as(ended.err()).isZero();
        assertThat(ended.out()).containsPattern("On exit:\\s+./notify.sh").doesNotContain("On exit of:");
        CliRun followUp = run("inspect", "queue", FOLLOW_UP);
        assertThat(followUp.out()).containsPattern("On exit of:\\s+" + ENDED).doesNotContain("On exit:");
    }
}
