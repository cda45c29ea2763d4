package com.rediacc.queue.machines;

import com.rediacc.contract.bridge.MachineConnection;

import java.time.Instant;
import java.util.List;

/** A target machine. {@code credential} names the secret with the private key the bridge logs in with. */
public record Machine(
        String name,
        String team,
        String host,
        int port,
        String user,
        String hostKey,
        String credential,
        List<String> tags,
        int maxConcurrency,
        boolean paused,
        Instant createdAt) {

    /** How a bridge reaches the machine, with the credential's newest ciphertext (null: no such entry). */
    public MachineConnection connection(String credentialCiphertext, String credentialContext) {
        return new MachineConnection(name, host, port, user, hostKey, credential, credentialCiphertext, credentialContext);
    }
}
