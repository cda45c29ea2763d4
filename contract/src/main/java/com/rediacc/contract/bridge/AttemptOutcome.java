package com.rediacc.contract.bridge;

/** How an attempt ended, as seen by the bridge. */
public enum AttemptOutcome {
    /** The command ran and exited 0. */
    SUCCEEDED,
    /** The command ran and exited non-zero (or was killed). */
    FAILED,
    /** The command never ran: connection, authentication or host key verification failed. */
    NOT_RUN
}
