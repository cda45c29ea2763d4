package com.rediacc.queue.tasks;

/** A validated request to enqueue a command on a machine. */
public record NewTask(String machine, String command, int priority) {
    public static final int DEFAULT_PRIORITY = 3;
}
