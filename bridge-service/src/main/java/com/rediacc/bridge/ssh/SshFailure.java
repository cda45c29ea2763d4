package com.rediacc.bridge.ssh;

/**
 * The command could not be run, or its connection broke. {@link Kind} tells connection,
 * authentication and host key problems apart, so a task's error says which one it was.
 */
public class SshFailure extends Exception {
    /** {@code CREDENTIAL_UNAVAILABLE}: the login key could not be decrypted because vault-service was unavailable. */
    public enum Kind { CONNECT, HOST_KEY_MISMATCH, AUTH, CREDENTIAL, CREDENTIAL_UNAVAILABLE, CHANNEL, CONNECTION_LOST }

    private final Kind kind;

    public SshFailure(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
