package com.rediacc.vault.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.ConfigurationV0;
import com.google.crypto.tink.aead.PredefinedAeadParameters;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * A team's key-encryption keys (KEKs): one Tink AES256-GCM keyset per team and version, stored only
 * encrypted under the root key with the team and version as associated data (a stored keyset
 * copied to another team or version does not open).
 */
public final class KeyEncryptionKeys {
    static {
        TinkSetup.ensure();
    }

    private KeyEncryptionKeys() {
    }

    /** A new KEK: its primitive, and the keyset encrypted under {@code root} for storage. */
    public record Sealed(Aead aead, byte[] encryptedKeyset) {
    }

    public static byte[] associatedData(String team, int version) {
        return ("rediacc-vault:v1|kek|team=" + team + "|version=" + version).getBytes(StandardCharsets.UTF_8);
    }

    public static Sealed generate(Aead root, String team, int version) throws GeneralSecurityException {
        KeysetHandle keyset = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
        byte[] encrypted = TinkProtoKeysetFormat.serializeEncryptedKeyset(keyset, root, associatedData(team, version));
        return new Sealed(keyset.getPrimitive(ConfigurationV0.get(), Aead.class), encrypted);
    }

    public static Aead open(Aead root, String team, int version, byte[] encryptedKeyset) throws GeneralSecurityException {
        KeysetHandle keyset = TinkProtoKeysetFormat.parseEncryptedKeyset(encryptedKeyset, root, associatedData(team, version));
        return keyset.getPrimitive(ConfigurationV0.get(), Aead.class);
    }
}
