package com.rediacc.vault.crypto;

/** The service has no usable root key and must not start. The message says what to configure. */
public class RootKeyException extends RuntimeException {
    public RootKeyException(String message) {
        super(message, null, false, false);
    }
}
