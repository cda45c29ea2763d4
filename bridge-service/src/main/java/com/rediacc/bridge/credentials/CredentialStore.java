package com.rediacc.bridge.credentials;

import com.rediacc.contract.bridge.ClaimedTask;
import com.rediacc.contract.bridge.MachineConnection;

import java.security.KeyPair;

/** Resolves the credential of a claimed task's machine to the key pair the bridge logs in with. */
public interface CredentialStore {
    default KeyPair keyPair(ClaimedTask task) throws CredentialException {
        return keyPair(task.team(), task.machine());
    }

    KeyPair keyPair(String team, MachineConnection machine) throws CredentialException;

    /** The credential cannot be used; the message says why and never contains secret material. */
    class CredentialException extends Exception {
        public CredentialException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
