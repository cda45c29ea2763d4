package com.rediacc.web;

import java.time.Duration;
import java.util.List;

/**
 * The answer to a call that cannot be served because something it depends on is down: 503 with
 * {@code Retry-After} and a detail that names what is unavailable. Every service makes it here, so
 * clients (the CLI, the bridges) recognise it by its status and type alone.
 */
public final class Unavailable {
    /** The problem's type: this prefix, then the dependency, e.g. {@code urn:rediacc:unavailable:PostgreSQL}. */
    public static final String TYPE = "urn:rediacc:unavailable";
    public static final String POSTGRESQL = "PostgreSQL";
    public static final String VAULT_SERVICE = "vault-service";
    /** What a client is told to wait before it tries again: outages last seconds at least. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private Unavailable() {
    }

    /** {@code dependency} is down; {@code why} says how it failed, with nothing of the request in it. */
    public static ProblemException of(String dependency, String why) {
        return new ProblemException(type(dependency), 503, "Service unavailable", dependency + " is unavailable: " + why,
                List.of(), RETRY_AFTER);
    }

    public static String type(String dependency) {
        return TYPE + ":" + dependency;
    }

    /** PostgreSQL is down, if {@code failure} says so ({@link DatabaseFailures}); else {@code failure} itself. */
    public static Throwable orDatabase(Throwable failure) {
        return failure instanceof ProblemException ? failure
                : DatabaseFailures.reason(failure).<Throwable>map(why -> of(POSTGRESQL, why)).orElse(failure);
    }
}
