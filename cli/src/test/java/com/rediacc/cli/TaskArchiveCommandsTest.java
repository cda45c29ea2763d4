package com.rediacc.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The archive from the CLI: list queue --archived asks for it, inspect queue says a task is archived. */
class TaskArchiveCommandsTest extends FakeApiTest {
    private static final String TASK = "3f1c2d4e-1111-2222-3333-777788889999";

    @Test
    void listQueueArchivedAsksForTheArchiveWithTheUsualFilters() {
        api.answer("GET /tasks?machine=db-01&archived=true", 200, """
                {"items": [{"taskId": "%s", "status": "FAILED", "machine": "db-01", "team": "default", "priority": 3,
                            "command": "./backup.sh", "archived": true}], "nextCursor": null}""".formatted(TASK));
        CliRun list = run("list", "queue", "--archived", "--machine", "db-01");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains("FAILED").contains("db-01");
        assertThat(api.all("GET", "/tasks?machine=db-01&archived=true")).hasSize(1);
        api.answer("GET /tasks?machine=db-01", 200, "{\"items\": [], \"nextCursor\": null}");
        CliRun hot = run("list", "queue", "--machine", "db-01");
        assertThat(hot.exit()).as(hot.err()).isZero();
        assertThat(api.all("GET", "/tasks?machine=db-01")).hasSize(1);
    }

    @Test
    void inspectQueueShowsAnArchivedTaskAsArchived() {
        api.answer("GET /tasks/" + TASK, 200, """
                {"taskId": "%s", "status": "COMPLETED", "machine": "db-01", "team": "default", "command": "./backup.sh",
                 "archived": true}""".formatted(TASK));
        api.answer("GET /tasks/" + TASK + "/history", 200, "{\"items\": []}");
        CliRun inspect = run("inspect", "queue", TASK);
        assertThat(inspect.exit()).as(inspect.err()).isZero();
        assertThat(inspect.out()).containsPattern("Task:\\s+" + TASK + " \\(archived\\)");
    }
}
