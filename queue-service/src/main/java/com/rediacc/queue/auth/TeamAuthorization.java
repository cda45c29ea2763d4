package com.rediacc.queue.auth;

import com.rediacc.web.ProblemException;

import java.util.function.Supplier;

/**
 * A caller's right in a team, checked by a service that learns the team only from what it reads:
 * throws {@code invisible} (a 404, for a team the caller may not see) or a 403 to refuse. Resources
 * make one from {@link Requester#require} with the role the call needs.
 */
@FunctionalInterface
public interface TeamAuthorization {
    void check(String team, Supplier<ProblemException> invisible);
}
