package com.rediacc.bridge.ssh;

import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;

import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/** Runs one command on its own exec channel of a pooled session and waits for it to end. */
public final class RemoteCommand {
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(15);

    private RemoteCommand() {
    }

    public static ExecResult run(ClientSession session, String command, int maxOutputBytes) throws SshFailure {
        OutputCollector output = new OutputCollector(maxOutputBytes);
        try (ChannelExec channel = session.createExecChannel(command)) {
            channel.setOut(output);
            channel.setErr(output);
            channel.open().verify(OPEN_TIMEOUT);
            Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), 0L);
            Integer exit = channel.getExitStatus();
            String signal = channel.getExitSignal();
            if (exit == null && signal == null && !events.contains(ClientChannelEvent.EXIT_STATUS)) {
                throw new SshFailure(SshFailure.Kind.CONNECTION_LOST,
                        "connection lost while the command ran; output so far:\n" + output.text(), null);
            }
            return new ExecResult(exit, signal, output.text(), output.truncated());
        } catch (IOException e) {
            SshFailure.Kind kind = session.isOpen() ? SshFailure.Kind.CHANNEL : SshFailure.Kind.CONNECTION_LOST;
            throw new SshFailure(kind, (kind == SshFailure.Kind.CHANNEL ? "cannot open a channel: " : "connection lost: ")
                    + SshSessionPool.rootMessage(e), e);
        }
    }
}
