package com.rediacc.vault;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.util.Optional;

@ConfigMapping(prefix = "rediacc.vault")
public interface VaultConfig {
    /** Path of the root key, a Tink AES256-GCM keyset in JSON (env REDIACC_VAULT_ROOT_KEY_FILE). */
    @WithName("root-key-file")
    Optional<String> rootKeyFile();

    /** Generate the root key file when it is missing: dev stack and tests only (env REDIACC_VAULT_GENERATE_ROOT_KEY). */
    @WithName("generate-root-key")
    @WithDefault("false")
    boolean generateRootKey();

    /** Largest plaintext accepted by encrypt, in bytes (after base64 decoding). */
    @WithName("max-plaintext-bytes")
    @WithDefault("1048576")
    int maxPlaintextBytes();

    Auth auth();

    interface Auth {
        /** queue-service: encrypt, rewrap, rotate, key info, audit (env REDIACC_VAULT_AUTH_QUEUE_TOKEN). */
        @WithName("queue-token")
        Optional<String> queueToken();

        /** bridges: decrypt only (env REDIACC_VAULT_AUTH_BRIDGE_TOKEN). */
        @WithName("bridge-token")
        Optional<String> bridgeToken();
    }
}
