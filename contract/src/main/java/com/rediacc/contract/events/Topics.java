package com.rediacc.contract.events;

/** Kafka topic names shared by producers and consumers. */
public final class Topics {
    /** Key = machine name. "Machine M has ready work": a wake-up for bridges, not the task itself. */
    public static final String DISPATCH = "rediacc.task.dispatch";
    /** Key = taskId. Every lifecycle transition of a task. */
    public static final String TASK_EVENTS = "rediacc.task.events";
    /** Final failures with failureAction ALERT, missed cron runs. */
    public static final String ALERTS = "rediacc.alerts";

    private Topics() {
    }
}
