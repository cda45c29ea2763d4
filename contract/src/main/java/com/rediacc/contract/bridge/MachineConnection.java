package com.rediacc.contract.bridge;

/**
 * How to reach a machine. {@code hostKey} is the OpenSSH public key line the server must present;
 * {@code credential} names the secret holding the private key the bridge logs in with.
 */
public record MachineConnection(String name, String host, int port, String user, String hostKey, String credential) {
}
