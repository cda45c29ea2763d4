package com.rediacc.contract.bridge;

/**
 * How to reach a machine. {@code hostKey} is the OpenSSH public key line the server must present.
 * {@code credential} names the team vault entry with the private key the bridge logs in with;
 * {@code credentialCiphertext} is its newest version as vault-service ciphertext, bound to
 * {@code credentialContext} (null when the team vault has no such entry).
 */
public record MachineConnection(
        String name,
        String host,
        int port,
        String user,
        String hostKey,
        String credential,
        String credentialCiphertext,
        String credentialContext) {

    public static MachineConnection withoutSecrets(String name, String host, int port, String user, String hostKey,
                                                   String credential) {
        return new MachineConnection(name, host, port, user, hostKey, credential, null, null);
    }
}
