package com.rediacc.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** inspect queue shows a traced task's trace id, and nothing for a task that was not traced. */
class TaskTraceTest extends FakeApiTest {
    private static final String TRACED = "3f1c2d4e-1111-2222-3333-444455556666";
    private static final String UNTRACED = "9f1c2d4e-1111-2222-3333-444455556666";
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    @Test
    void inspectShowsTheTraceIdOfATracedTask() {
        api.answer("GET /tasks/" + TRACED, 200, """
                {"taskId": "%s", "status": "COMPLETED", "machine": "db-01", "team": "default", "command": "true",
                 "traceId": "%s"}""".formatted(TRACED, TRACE_ID));
        api.answer("GET /tasks/" + UNTRACED, 200, """
                {"taskId": "%s", "status": "COMPLETED", "machine": "db-01", "team": "default", "command": "true"}"""
                .formatted(UNTRACED));
        api.answer("GET /tasks/" + TRACED + "/history", 200, "{\"items\": []}");
        api.answer("GET /tasks/" + UNTRACED + "/history", 200, "{\"items\": []}");
        CliRun traced = run("inspect", "queue", TRACED);
        assertThat(traced.exit()).as(traced.err()).isZero();
        assertThat(traced.out()).containsPattern("Trace:\\s+" + TRACE_ID);
        CliRun untraced = run("inspect", "queue", UNTRACED);
        assertThat(untraced.exit()).as(untraced.err()).isZero();
        assertThat(untraced.out()).doesNotContain("Trace:");
    }
}
