package com.rediacc.vault.crypto;

import com.google.crypto.tink.aead.AeadConfig;

import java.security.GeneralSecurityException;

/** Registers Tink's AEAD key types once, so keysets of them can be generated and parsed. */
final class TinkSetup {
    static {
        try {
            AeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private TinkSetup() {
    }

    static void ensure() {
        // Loading the class ran the registration.
    }
}
