package com.rediacc.queue.auth;

import com.rediacc.web.ProblemException;
import jakarta.enterprise.context.RequestScoped;

import java.util.function.Supplier;

/**
 * The current request's caller, and what the audit trail should say about the request: the team
 * and the target the call acted on, as the resource learns them.
 */
@RequestScoped
public class Requester {
    private Caller caller;
    private String requestId;
    private String team;
    private String target;
    private boolean auditRecorded;

    public Caller caller() {
        return caller;
    }

    void authenticated(Caller caller, String requestId) {
        this.caller = caller;
        this.requestId = requestId;
    }

    public String requestId() {
        return requestId;
    }

    public String name() {
        return caller.name();
    }

    /**
     * Lets the call go on only if the caller has at least {@code needed} in {@code team}. A team the
     * caller does not belong to answers with {@code invisible} (a 404: its resources do not exist
     * for them); a role too low is a 403.
     */
    public void require(String team, Role needed, Supplier<ProblemException> invisible) {
        this.team = team;
        if (!caller.sees(team)) {
            throw invisible.get();
        }
        if (!caller.may(team, needed)) {
            throw ProblemException.forbidden("this needs the " + needed + " role in team '" + team + "'; you are "
                    + caller.role(team).map(Role::name).orElse("not a member"));
        }
    }

    /** Only global admins may do this (manage users and teams, read system-wide records). */
    public void requireGlobalAdmin(String what) {
        if (!caller.globalAdmin()) {
            throw ProblemException.forbidden(what + " needs a global admin token");
        }
    }

    public Requester target(String target) {
        this.target = target;
        return this;
    }

    /** The call's audit record was stored with its change, in one transaction; AuditFilter adds none. */
    public void auditRecorded(String team, String target) {
        this.team = team;
        this.target = target;
        this.auditRecorded = true;
    }

    public boolean isAuditRecorded() {
        return auditRecorded;
    }

    public String team() {
        return team;
    }

    public String target() {
        return target;
    }
}
