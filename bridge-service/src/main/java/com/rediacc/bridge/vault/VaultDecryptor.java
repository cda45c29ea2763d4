package com.rediacc.bridge.vault;

/**
 * Decrypts a team's vault ciphertexts with this bridge's identity. Plaintext is returned as bytes
 * for the caller to use and wipe; it is never logged and never part of an error message.
 */
public interface VaultDecryptor {
    byte[] decrypt(String team, String context, String ciphertext) throws VaultFailure;

    /**
     * Decryption failed; the message is safe to show (it never contains plaintext). {@link #unavailable()}:
     * vault-service could not be reached or could not answer (down, overloaded, timed out), so the same
     * request may work later; otherwise it refused this ciphertext.
     */
    class VaultFailure extends Exception {
        private final boolean unavailable;

        public VaultFailure(String message) {
            this(message, false);
        }

        public VaultFailure(String message, boolean unavailable) {
            super(message);
            this.unavailable = unavailable;
        }

        public boolean unavailable() {
            return unavailable;
        }
    }
}
