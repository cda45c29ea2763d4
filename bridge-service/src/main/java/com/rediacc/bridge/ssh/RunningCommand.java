package com.rediacc.bridge.ssh;

import java.time.Duration;

/** A command started on a machine, until its channel is closed. */
public interface RunningCommand extends AutoCloseable {
    /** Waits for the command to end; null when {@code timeout} passed first (null timeout: no limit). */
    ExecResult await(Duration timeout) throws SshFailure;

    /** Ends the command and everything it started; returns once it ended, or after a few seconds at most. */
    void kill();

    /** Output so far, for streaming (no partial characters, no truncation marker). */
    String outputSoFar();

    /** All output kept, with a marker line at the end when some was dropped. */
    String output();

    boolean outputTruncated();

    @Override
    void close();
}
