package com.rediacc.queue.metrics;

import com.rediacc.queue.tasks.Task;
import com.rediacc.queue.tasks.TaskStatus;

import java.util.Locale;

/**
 * Why an attempt ended as it did, in a few classes for the metrics' {@code outcome} and
 * {@code reason} labels: from the task's status, exit code and error as the bridge reported them
 * (bridge-service's SshFailure messages, TaskAttempt's timeout, the state machine's "interrupted").
 */
public enum ErrorClass {
    COMPLETED, CANCELLED, EXIT_CODE, TIMEOUT, CONNECTION, AUTH, HOST_KEY, INTERRUPTED, OTHER;

    public static ErrorClass of(Task task) {
        if (task.status() == TaskStatus.COMPLETED) {
            return COMPLETED;
        }
        if (task.status() == TaskStatus.CANCELLED) {
            return CANCELLED;
        }
        String error = task.error() == null ? "" : task.error().toLowerCase(Locale.ROOT);
        if (error.startsWith("interrupted")) {
            return INTERRUPTED;
        }
        if (error.startsWith("timed out")) {
            return TIMEOUT;
        }
        if (error.startsWith("host key mismatch") || error.contains("registered host key")) {
            return HOST_KEY;
        }
        if (error.startsWith("authentication") || error.contains("credential")) {
            return AUTH;
        }
        if (error.startsWith("cannot connect") || error.startsWith("connection lost") || error.startsWith("cannot open a channel")) {
            return CONNECTION;
        }
        if (task.exitCode() != null && task.exitCode() != 0) {
            return EXIT_CODE;
        }
        return OTHER;
    }

    /** The label value: {@code host_key}, {@code exit_code}, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
