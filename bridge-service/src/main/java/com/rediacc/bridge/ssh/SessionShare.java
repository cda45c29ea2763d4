package com.rediacc.bridge.ssh;

import java.util.Map;
import java.util.function.LongConsumer;

/** One user's share of a logged-in SSH session to a machine; closing it frees the share. */
public interface SessionShare extends AutoCloseable {
    /**
     * Starts {@code command} with {@code environment} (values passed literally); {@code stdin} is
     * sent to it and then closed (null: no input). {@code attemptToken} (null: none) goes into the
     * command's environment, and {@code onPid} is told the remote process group as soon as it is
     * known (on an SSH thread: do not block).
     */
    RunningCommand start(String command, Map<String, String> environment, int maxOutputBytes, byte[] stdin,
                         String attemptToken, LongConsumer onPid) throws SshFailure;

    /** Ends the processes of a lost attempt; see {@link AttemptProcesses#end}. */
    AttemptProcesses.Outcome endAttemptProcesses(Long pid, String attemptToken) throws SshFailure;

    /** The session broke: drop it from the pool, so the next user reconnects. */
    void discardSession();

    @Override
    void close();
}
