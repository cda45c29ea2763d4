package com.rediacc.bridge.ssh;

import com.rediacc.contract.bridge.LostAttempt;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;

/**
 * One command on its own exec channel of a pooled session. The command is prefixed with a line
 * that reports the remote shell's process id on stderr (taken out of the output again): sshd makes
 * that shell a session leader, so killing its process group ends the command and everything it
 * started. That is how cancel and timeout stop a remote process, on any OpenSSH server. The login
 * shell must be POSIX-like (sh, bash, dash, zsh, ksh).
 * <p>
 * The wrapper then exports the attempt token ({@link LostAttempt#ENV}) and execs the login shell on
 * the command: same process, so the group leader's {@code /proc/<pid>/environ} carries the token,
 * and another bridge can recognise the attempt's processes if this one is lost (docs/adr/0004).
 */
public final class RemoteCommand implements RunningCommand {
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(15);
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(5);

    private final ClientSession session;
    private final ChannelExec channel;
    private final OutputCollector output;
    private final PidCapture stderr;

    private RemoteCommand(ClientSession session, ChannelExec channel, OutputCollector output, PidCapture stderr) {
        this.session = session;
        this.channel = channel;
        this.output = output;
        this.stderr = stderr;
    }

    /** Starts {@code command}; {@code stdin} is sent to it and then closed (null: no input). */
    public static RemoteCommand start(ClientSession session, String command, int maxOutputBytes, byte[] stdin)
            throws SshFailure {
        return start(session, command, maxOutputBytes, stdin, null, pid -> { });
    }

    /**
     * As above; {@code attemptToken} (null: none) goes into the command's environment, and
     * {@code onPid} is told the remote process id as soon as it arrives (on an SSH thread: do not block).
     */
    public static RemoteCommand start(ClientSession session, String command, int maxOutputBytes, byte[] stdin,
                                      String attemptToken, LongConsumer onPid) throws SshFailure {
        return start(session, command, Map.of(), maxOutputBytes, stdin, attemptToken, onPid);
    }

    /** As above, and {@code environment} set for the command, each value passed literally (never read as shell). */
    public static RemoteCommand start(ClientSession session, String command, Map<String, String> environment,
                                      int maxOutputBytes, byte[] stdin, String attemptToken, LongConsumer onPid)
            throws SshFailure {
        String wrapped = wrap(command, attemptToken, environment);
        OutputCollector output = new OutputCollector(maxOutputBytes);
        PidCapture stderr = new PidCapture(output, onPid);
        ChannelExec channel = null;
        try {
            channel = session.createExecChannel(wrapped);
            channel.setOut(output);
            channel.setErr(stderr);
            InputStream in = new ByteArrayInputStream(stdin == null ? new byte[0] : stdin);
            channel.setIn(in);
            channel.open().verify(OPEN_TIMEOUT);
            return new RemoteCommand(session, channel, output, stderr);
        } catch (IOException e) {
            if (channel != null) {
                channel.close(true);
            }
            SshFailure.Kind kind = session.isOpen() ? SshFailure.Kind.CHANNEL : SshFailure.Kind.CONNECTION_LOST;
            throw new SshFailure(kind, (kind == SshFailure.Kind.CHANNEL ? "cannot open a channel: " : "connection lost: ")
                    + SshSessionPool.rootMessage(e), e);
        }
    }

    static String wrap(String command, String attemptToken) throws SshFailure {
        return wrap(command, attemptToken, Map.of());
    }

    static String wrap(String command, String attemptToken, Map<String, String> environment) throws SshFailure {
        StringBuilder export = new StringBuilder();
        if (attemptToken != null) {
            export.append("export ").append(LostAttempt.ENV).append('=').append(AttemptProcesses.checked(attemptToken)).append('\n');
        }
        for (Map.Entry<String, String> variable : environment.entrySet()) {
            if (!ENV_NAME.matcher(variable.getKey()).matches() || variable.getValue().indexOf('\0') >= 0) {
                throw new SshFailure(SshFailure.Kind.CHANNEL, "not a usable environment variable: '" + variable.getKey() + "'", null);
            }
            // single-quoted: the value is data, whatever it holds ($(...), quotes, newlines)
            export.append("export ").append(variable.getKey()).append('=').append(AttemptProcesses.quoted(variable.getValue()))
                    .append('\n');
        }
        // SHLVL one up: the login shell running this wrapper has read its rc files already. Without it,
        // bash (built with SSH_SOURCE_BASHRC, as on Debian) reads ~/.bashrc a second time for every
        // command, because exec lowers SHLVL and the ssh variables are still set.
        return "printf '" + PidCapture.MARKER + "%s\\n' \"$$\" >&2\n" + export
                + "export SHLVL=$((${SHLVL:-0} + 1))\n"
                + "exec \"${SHELL:-/bin/sh}\" -c " + AttemptProcesses.quoted(command);
    }

    /** The remote command's process id (its process group), once the wrapper reported it; null if it did not in time. */
    public Long awaitPid(Duration timeout) {
        try {
            return stderr.awaitPid(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return stderr.pid();
        }
    }

    @Override
    public ExecResult await(Duration timeout) throws SshFailure {
        Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED),
                timeout == null ? 0L : Math.max(1L, timeout.toMillis()));
        if (events.contains(ClientChannelEvent.TIMEOUT) && !events.contains(ClientChannelEvent.CLOSED)) {
            return null;
        }
        Integer exit = channel.getExitStatus();
        String signal = channel.getExitSignal();
        if (exit == null && signal == null) {
            String cause = session.getAttribute(SshSessionPool.FAILURE);
            throw new SshFailure(SshFailure.Kind.CONNECTION_LOST, "connection lost while the command ran: "
                    + (cause != null ? cause : session.isOpen() ? "its channel closed without an exit status"
                    : "the machine closed the connection"), null);
        }
        return new ExecResult(exit, signal, output.text(), output.truncated());
    }

    @Override
    public String outputSoFar() {
        return output.completeText();
    }

    @Override
    public String output() {
        return output.text();
    }

    @Override
    public boolean outputTruncated() {
        return output.truncated();
    }

    /**
     * Ends the remote command and its children: SIGTERM to its process group, SIGKILL after 2 s if
     * any is left. Returns once the command's channel closed, or after a few seconds at most.
     */
    @Override
    public void kill() {
        Long pid = stderr.pid();
        if (pid != null && session.isOpen()) {
            String group = "-" + pid;
            String script = "kill -TERM -- " + group + " 2>/dev/null; i=0; "
                    + "while kill -0 -- " + group + " 2>/dev/null && [ $i -lt 20 ]; do sleep 0.1; i=$((i+1)); done; "
                    + "kill -KILL -- " + group + " 2>/dev/null; true";
            try (ChannelExec killer = session.createExecChannel(script)) {
                killer.setIn(new ByteArrayInputStream(new byte[0]));
                killer.open().verify(OPEN_TIMEOUT);
                killer.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), KILL_TIMEOUT.toMillis());
            } catch (IOException ignored) {
                // fall through: closing the channel is the last resort
            }
        }
        channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), KILL_TIMEOUT.toMillis());
        channel.close(true);
    }

    /** Runs a command to its end (no timeout): for tests and simple callers. */
    public static ExecResult run(ClientSession session, String command, int maxOutputBytes) throws SshFailure {
        try (RemoteCommand running = start(session, command, maxOutputBytes, null)) {
            return running.await(null);
        }
    }

    /**
     * Runs a short command ({@code what} names it in errors) to its end; kills it and fails when it
     * takes longer than {@code timeout}.
     */
    public static ExecResult run(ClientSession session, String what, String command, int maxOutputBytes,
                                 Duration timeout) throws SshFailure {
        try (RemoteCommand running = start(session, command, maxOutputBytes, null)) {
            ExecResult result = running.await(timeout);
            if (result == null) {
                running.kill();
                throw new SshFailure(SshFailure.Kind.CHANNEL, what + " took longer than " + timeout, null);
            }
            return result;
        }
    }

    @Override
    public void close() {
        channel.close(false);
    }
}
