package com.rediacc.queue.tasks.lifecycle;

/** How an attempt ended, as the bridge saw it; the domain's reading of the bridge protocol's result. */
public record AttemptReport(Outcome outcome, Integer exitCode, String output, boolean outputTruncated, String error) {

    public enum Outcome {
        /** The command ran and exited 0. */
        SUCCEEDED,
        /** The command ran and failed: non-zero exit, signal, timeout. */
        FAILED,
        /** The connection to the machine broke while the command ran: it may still be running there. */
        CONNECTION_LOST,
        /** The command never ran: credential, connection, authentication, host key or vault failure. */
        NOT_RUN,
        /** The bridge killed the command because the task was cancelled. */
        CANCELLED
    }

    public AttemptReport {
        output = output == null ? "" : output;
    }
}
