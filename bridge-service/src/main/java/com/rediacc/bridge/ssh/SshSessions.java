package com.rediacc.bridge.ssh;

import com.rediacc.contract.bridge.MachineConnection;

import java.security.KeyPair;

/**
 * Logged-in SSH sessions to machines, shared by the commands run on them. A caller takes a
 * {@link SessionShare}, runs commands on it and closes it.
 */
public interface SshSessions {
    /** A share of a session logged in with {@code identity}. */
    SessionShare acquire(MachineConnection machine, KeyPair identity) throws SshFailure;

    /**
     * A share of a session logged in with the identity known by {@code identityId} (e.g. the
     * credential's vault version); {@code identity} is loaded only when a new session must log in.
     */
    SessionShare acquire(MachineConnection machine, String identityId, IdentitySource identity) throws SshFailure;

    /** The private key a new session logs in with; fails with {@link SshFailure.Kind#CREDENTIAL}. */
    @FunctionalInterface
    interface IdentitySource {
        KeyPair keyPair() throws SshFailure;
    }
}
