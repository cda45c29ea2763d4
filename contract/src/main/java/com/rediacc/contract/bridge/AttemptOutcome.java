package com.rediacc.contract.bridge;

/** How an attempt ended, as seen by the bridge. */
public enum AttemptOutcome {
    /** The command ran and exited 0. */
    SUCCEEDED,
    /** The command ran and exited non-zero, died by a signal, timed out or lost its connection. */
    FAILED,
    /** The command never ran: credential, connection, authentication or host key failure. */
    NOT_RUN,
    /** The bridge killed the command because the task was cancelled. */
    CANCELLED
}
