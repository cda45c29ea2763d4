package com.rediacc.bridge.metrics;

import com.rediacc.bridge.ssh.SessionShare;
import com.rediacc.bridge.ssh.SshFailure;
import com.rediacc.bridge.ssh.SshSessions;
import com.rediacc.contract.bridge.MachineConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.security.KeyPair;
import java.util.Locale;

/**
 * SSH sessions that count why they could not be had, per machine and kind (connect, auth, host_key,
 * credential, ...): rediacc_ssh_failures_total. One series per machine and kind that failed, never
 * per task.
 */
public final class MeteredSshSessions implements SshSessions {
    private final SshSessions sessions;
    private final MeterRegistry registry;

    public MeteredSshSessions(SshSessions sessions, MeterRegistry registry) {
        this.sessions = sessions;
        this.registry = registry;
    }

    @Override
    public SessionShare acquire(MachineConnection machine, KeyPair identity) throws SshFailure {
        try {
            return sessions.acquire(machine, identity);
        } catch (SshFailure e) {
            throw counted(machine, e);
        }
    }

    @Override
    public SessionShare acquire(MachineConnection machine, String identityId, IdentitySource identity) throws SshFailure {
        try {
            return sessions.acquire(machine, identityId, identity);
        } catch (SshFailure e) {
            throw counted(machine, e);
        }
    }

    private SshFailure counted(MachineConnection machine, SshFailure failure) {
        Counter.builder("rediacc.ssh.failures").description("SSH sessions that could not be opened, by machine and why")
                .tags("machine", machine.name(), "kind", kind(failure.kind())).register(registry).increment();
        return failure;
    }

    static String kind(SshFailure.Kind kind) {
        return kind == SshFailure.Kind.HOST_KEY_MISMATCH ? "host_key" : kind.name().toLowerCase(Locale.ROOT);
    }
}
