package com.rediacc.queue.auth;

/** A member's role in a team; each role may do what the roles below it may. */
public enum Role {
    /** Reads the team's tasks, output, machines, vault names and stats. */
    VIEWER,
    /** Also creates, cancels and retries tasks. */
    OPERATOR,
    /** Also manages machines, members, the vault and the audit trail. */
    ADMIN;

    public boolean includes(Role needed) {
        return compareTo(needed) >= 0;
    }
}
