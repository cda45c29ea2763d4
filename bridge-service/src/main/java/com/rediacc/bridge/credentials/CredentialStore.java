package com.rediacc.bridge.credentials;

import java.security.KeyPair;

/** Resolves a machine's {@code credential} name to the key pair the bridge logs in with. */
public interface CredentialStore {
    KeyPair keyPair(String credential) throws CredentialException;

    class CredentialException extends Exception {
        public CredentialException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
