package com.rediacc.bridge.ssh;

import com.rediacc.contract.bridge.MachineCheck;
import com.rediacc.contract.bridge.MachineCheck.Step;
import com.rediacc.contract.bridge.MachineConnection;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * "Can this bridge reach the machine?", one step at a time on a connection of its own: connect
 * (TCP and the SSH session), hostKey (the server's key is the registered one), auth (the
 * credential logs in), exec ({@code true} runs and exits 0). Stops at the first step that fails.
 */
final class ConnectionCheck {
    private static final Duration EXEC_TIMEOUT = Duration.ofSeconds(10);

    private final SshClient client;
    private final Duration connectTimeout;
    private final Duration authTimeout;

    ConnectionCheck(SshClient client, Duration connectTimeout, Duration authTimeout) {
        this.client = client;
        this.connectTimeout = connectTimeout;
        this.authTimeout = authTimeout;
    }

    MachineCheck run(MachineConnection machine, String bridgeId, SshSessions.IdentitySource identity) {
        List<Step> steps = new ArrayList<>();
        String address = machine.host() + ":" + machine.port();
        HostKeyCheck check;
        try {
            check = new HostKeyCheck(SshSessionPool.parseHostKey(machine));
        } catch (SshFailure e) {
            steps.add(new Step(MachineCheck.HOST_KEY, false, 0, e.getMessage()));
            return new MachineCheck(steps, bridgeId);
        }
        long started = System.nanoTime();
        ClientSession session;
        try {
            session = client.connect(machine.user(), machine.host(), machine.port(),
                    AttributeRepository.ofKeyValuePair(HostKeyCheck.KEY, check)).verify(connectTimeout).getSession();
        } catch (IOException e) {
            steps.add(failed(MachineCheck.CONNECT, started, "cannot connect to " + address + ": "
                    + SshSessionPool.rootMessage(e)));
            return new MachineCheck(steps, bridgeId);
        }
        try {
            steps.add(passed(MachineCheck.CONNECT, started));
            if (!hostKey(session, check, machine, address, steps) || !auth(session, identity, machine, address, steps)) {
                return new MachineCheck(steps, bridgeId);
            }
            exec(session, steps);
            return new MachineCheck(steps, bridgeId);
        } finally {
            session.close(true);
        }
    }

    private boolean hostKey(ClientSession session, HostKeyCheck check, MachineConnection machine, String address,
                            List<Step> steps) {
        long started = System.nanoTime();
        session.addCloseFutureListener(closed -> check.verified.complete(false));
        boolean matches;
        try {
            matches = check.verified.get(authTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            matches = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            matches = false;
        }
        if (matches) {
            steps.add(passed(MachineCheck.HOST_KEY, started));
            return true;
        }
        steps.add(failed(MachineCheck.HOST_KEY, started, check.presented == null
                ? "the SSH handshake with " + address + " ended before the server presented a host key"
                : check.describeMismatch(machine.name(), address)));
        return false;
    }

    private boolean auth(ClientSession session, SshSessions.IdentitySource identity, MachineConnection machine,
                         String address, List<Step> steps) {
        long started = System.nanoTime();
        try {
            session.addPublicKeyIdentity(identity.keyPair());
            session.auth().verify(authTimeout);
            steps.add(passed(MachineCheck.AUTH, started));
            return true;
        } catch (SshFailure e) {
            steps.add(failed(MachineCheck.AUTH, started, e.getMessage()));
        } catch (IOException e) {
            steps.add(failed(MachineCheck.AUTH, started, "authentication as '" + machine.user() + "' on " + address
                    + " failed: " + SshSessionPool.rootMessage(e)));
        }
        return false;
    }

    private static void exec(ClientSession session, List<Step> steps) {
        long started = System.nanoTime();
        try {
            ExecResult result = RemoteCommand.run(session, "'true'", "true", 4096, EXEC_TIMEOUT);
            steps.add(result.succeeded() ? passed(MachineCheck.EXEC, started) : failed(MachineCheck.EXEC, started,
                    "'true' ended with " + (result.exitCode() != null ? "exit " + result.exitCode()
                            : "signal " + result.exitSignal()) + ": " + result.output().strip()));
        } catch (SshFailure e) {
            steps.add(failed(MachineCheck.EXEC, started, e.getMessage()));
        }
    }

    private static Step passed(String name, long startedNanos) {
        return new Step(name, true, millisSince(startedNanos), null);
    }

    private static Step failed(String name, long startedNanos, String error) {
        return new Step(name, false, millisSince(startedNanos), error);
    }

    private static long millisSince(long startedNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }
}
