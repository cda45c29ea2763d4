package com.rediacc.bridge.work;

import com.rediacc.bridge.vault.VaultDecryptor;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** Decrypts the ciphertexts it was given the plaintext of; a held ciphertext waits until the test lets it go. */
final class FakeVault implements VaultDecryptor {
    private final Map<String, String> plaintexts = new ConcurrentHashMap<>();
    private final Map<String, Hold> holds = new ConcurrentHashMap<>();
    private volatile VaultFailure failure;

    record Hold(CompletableFuture<Void> reached, CompletableFuture<Void> released) {
    }

    void encrypted(String ciphertext, String plaintext) {
        plaintexts.put(ciphertext, plaintext);
    }

    void fail(VaultFailure failure) {
        this.failure = failure;
    }

    /** Decrypting {@code ciphertext} waits for {@link Hold#released()}; {@link Hold#reached()} says it is waiting. */
    Hold hold(String ciphertext) {
        Hold hold = new Hold(new CompletableFuture<>(), new CompletableFuture<>());
        holds.put(ciphertext, hold);
        return hold;
    }

    @Override
    public byte[] decrypt(String team, String context, String ciphertext) throws VaultFailure {
        Hold hold = holds.get(ciphertext);
        if (hold != null) {
            hold.reached().complete(null);
            hold.released().join();
        }
        if (failure != null) {
            throw failure;
        }
        String plaintext = plaintexts.get(ciphertext);
        if (plaintext == null) {
            throw new VaultFailure("vault-service refused to decrypt (422): not a ciphertext of team " + team);
        }
        return plaintext.getBytes(StandardCharsets.UTF_8);
    }
}
