package com.rediacc.vault.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.subtle.AesGcmJce;
import com.google.crypto.tink.util.SecretBytes;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * Envelope encryption, the crypto core of the vault: every message gets a fresh AES-256-GCM data
 * key (random 96-bit nonce, 128-bit tag); the data is encrypted with it and the data key is wrapped
 * by the team's key-encryption key. Both use {@link #associatedData} (team and context), so a
 * ciphertext only decrypts for the team and context it was made for.
 */
public final class Envelope {
    public static final int DATA_KEY_BYTES = 32;
    private static final AesGcmParameters DATA_KEY;

    static {
        try {
            DATA_KEY = AesGcmParameters.builder().setKeySizeBytes(DATA_KEY_BYTES).setIvSizeBytes(12).setTagSizeBytes(16)
                    .setVariant(AesGcmParameters.Variant.NO_PREFIX).build();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Envelope() {
    }

    /** {@code rediacc-vault:v1|team=<team>|context=<context>}; unambiguous because a team has no '|'. */
    public static byte[] associatedData(String team, String context) {
        return ("rediacc-vault:v1|team=" + team + "|context=" + context).getBytes(StandardCharsets.UTF_8);
    }

    /** Encrypts {@code plaintext} for {@code team}/{@code context} under key-encryption key {@code kekVersion}. */
    public static VaultCiphertext seal(Aead kek, String team, int kekVersion, String context, byte[] plaintext)
            throws GeneralSecurityException {
        byte[] ad = associatedData(team, context);
        SecretBytes dataKey = SecretBytes.randomBytes(DATA_KEY_BYTES);
        byte[] rawKey = dataKey.toByteArray(InsecureSecretKeyAccess.get());
        try {
            byte[] data = dataAead(dataKey).encrypt(plaintext, ad);
            byte[] wrapped = kek.encrypt(rawKey, ad);
            return new VaultCiphertext(team, kekVersion, wrapped, data);
        } finally {
            Arrays.fill(rawKey, (byte) 0);
        }
    }

    /**
     * Decrypts {@code ciphertext}, whose key version {@code kek} belongs to. Any failure to
     * authenticate (a changed byte, another team, another context) is the same {@link
     * DecryptFailure.Reason#NOT_AUTHENTIC}: GCM cannot tell them apart, and saying which would not help.
     */
    public static byte[] open(Aead kek, VaultCiphertext ciphertext, String context) throws DecryptFailure {
        byte[] ad = associatedData(ciphertext.team(), context);
        byte[] rawKey = null;
        try {
            rawKey = kek.decrypt(ciphertext.wrappedKey(), ad);
            if (rawKey.length != DATA_KEY_BYTES) {
                throw DecryptFailure.notAuthentic();
            }
            return dataAead(SecretBytes.copyFrom(rawKey, InsecureSecretKeyAccess.get())).decrypt(ciphertext.data(), ad);
        } catch (GeneralSecurityException e) {
            throw DecryptFailure.notAuthentic();
        } finally {
            if (rawKey != null) {
                Arrays.fill(rawKey, (byte) 0);
            }
        }
    }

    private static Aead dataAead(SecretBytes key) throws GeneralSecurityException {
        return AesGcmJce.create(AesGcmKey.builder().setParameters(DATA_KEY).setKeyBytes(key).build());
    }
}
