package com.rediacc.web;

/**
 * The MDC fields of a task's log lines, alike in queue-service and the bridges (docs/operations.md,
 * "Logs"): with JSON logs on they are keys of each line's {@code mdc} object.
 */
public final class LogFields {
    public static final String TASK_ID = "taskId";
    public static final String MACHINE = "machine";
    public static final String TEAM = "team";
    /** The bridge's attempt number of the task. */
    public static final String ATTEMPT = "attempt";
    /** The request's id, from its {@value #REQUEST_ID_HEADER} header or made up; a bridge sends one per attempt. */
    public static final String REQUEST_ID = "requestId";
    public static final String REQUEST_ID_HEADER = "X-Request-Id";
    /** The trace's id, with tracing on (the key Quarkus itself gives it on its request threads). */
    public static final String TRACE_ID = "traceId";

    private LogFields() {
    }
}
