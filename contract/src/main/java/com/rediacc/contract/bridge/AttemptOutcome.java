package com.rediacc.contract.bridge;

/** How an attempt ended, as seen by the bridge. */
public enum AttemptOutcome {
    /** The command ran and exited 0. */
    SUCCEEDED,
    /** The command ran and exited non-zero, died by a signal or timed out. */
    FAILED,
    /**
     * The connection to the machine broke while the command ran (the machine crashed or dropped off
     * the network): it may still run there, so its task is settled only once a bridge ended it.
     */
    CONNECTION_LOST,
    /** The command never ran: credential, connection, authentication or host key failure. */
    NOT_RUN,
    /** The bridge killed the command because the task was cancelled. */
    CANCELLED
}
