package com.rediacc.bridge.vault;

/**
 * Decrypts a team's vault ciphertexts with this bridge's identity. Plaintext is returned as bytes
 * for the caller to use and wipe; it is never logged and never part of an error message.
 */
public interface VaultDecryptor {
    byte[] decrypt(String team, String context, String ciphertext) throws VaultFailure;

    /** Decryption failed; the message is safe to show (it never contains plaintext). */
    class VaultFailure extends Exception {
        public VaultFailure(String message) {
            super(message);
        }
    }
}
