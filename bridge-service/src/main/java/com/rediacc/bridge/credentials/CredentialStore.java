package com.rediacc.bridge.credentials;

import com.rediacc.bridge.ssh.SshFailure;
import com.rediacc.bridge.ssh.SshSessions;
import com.rediacc.contract.bridge.ClaimedTask;
import com.rediacc.contract.bridge.MachineConnection;

import java.security.KeyPair;

/** Resolves the credential of a claimed task's machine to the key pair the bridge logs in with. */
public interface CredentialStore {
    default KeyPair keyPair(ClaimedTask task) throws CredentialException {
        return keyPair(task.team(), task.machine());
    }

    KeyPair keyPair(String team, MachineConnection machine) throws CredentialException;

    /** The machine's key pair for a new SSH login, loaded only when one is made. */
    default SshSessions.IdentitySource identity(String team, MachineConnection machine) {
        return () -> {
            try {
                return keyPair(team, machine);
            } catch (CredentialException e) {
                throw new SshFailure(e.unavailable() ? SshFailure.Kind.CREDENTIAL_UNAVAILABLE : SshFailure.Kind.CREDENTIAL,
                        e.getMessage(), e);
            }
        };
    }

    /**
     * The credential cannot be used; the message says why and never contains secret material.
     * {@link #unavailable()}: it could not be decrypted because vault-service was unavailable.
     */
    class CredentialException extends Exception {
        private final boolean unavailable;

        public CredentialException(String message, Throwable cause) {
            this(message, cause, false);
        }

        public CredentialException(String message, Throwable cause, boolean unavailable) {
            super(message, cause);
            this.unavailable = unavailable;
        }

        public boolean unavailable() {
            return unavailable;
        }
    }
}
