package com.rediacc.cli;

/** A failure with a message for the operator (no stack trace) and the exit code to leave with. */
final class CliException extends RuntimeException {
    static final int FAILED = 1;
    static final int USAGE = 2;
    /** The server cannot be reached, or answered 503 (something it needs is down): try again later. */
    static final int UNAVAILABLE = 3;

    final int exitCode;
    final String hint;

    CliException(String message) {
        this(message, null, FAILED);
    }

    CliException(String message, String hint, int exitCode) {
        super(message);
        this.hint = hint;
        this.exitCode = exitCode;
    }
}
