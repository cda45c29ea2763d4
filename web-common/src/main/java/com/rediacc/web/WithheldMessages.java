package com.rediacc.web;

/**
 * A copy of an exception chain fit for the log: the same exception types and stack frames, none of
 * their messages. A message might quote request data, such as a secret in a request body.
 */
public final class WithheldMessages {
    private static final int MAX_CAUSES = 10;

    private WithheldMessages() {
    }

    public static Throwable of(Throwable e) {
        return copy(e, 0);
    }

    private static Throwable copy(Throwable e, int depth) {
        Throwable cause = e.getCause() != null && e.getCause() != e && depth < MAX_CAUSES
                ? copy(e.getCause(), depth + 1) : null;
        Throwable copy = new Withheld(e.getClass().getName(), cause);
        copy.setStackTrace(e.getStackTrace());
        return copy;
    }

    /** Stands for an exception of the type it names. */
    private static final class Withheld extends RuntimeException {
        Withheld(String type, Throwable cause) {
            super(type, cause);
        }
    }
}
