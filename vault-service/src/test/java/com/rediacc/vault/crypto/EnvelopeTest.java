package com.rediacc.vault.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.ConfigurationV0;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The crypto core without service or database: envelope, ciphertext format, team keys. */
class EnvelopeTest {
    private static final byte[] SECRET = "the launch code is 0000".getBytes(StandardCharsets.UTF_8);
    private static Aead root;
    private static Aead kek;

    @BeforeAll
    static void keys() throws GeneralSecurityException {
        root = TinkJsonProtoKeysetFormat.parseKeyset(RootKeys.newKeysetJson(), InsecureSecretKeyAccess.get())
                .getPrimitive(ConfigurationV0.get(), Aead.class);
        kek = KeyEncryptionKeys.generate(root, "ops", 1).aead();
    }

    @Test
    void roundTrip() throws Exception {
        VaultCiphertext sealed = Envelope.seal(kek, "ops", 1, "task:1", SECRET);
        String text = sealed.format();
        assertThat(text).startsWith("vault:v1:ops:1:").doesNotContain("launch");
        VaultCiphertext parsed = VaultCiphertext.parse(text);
        assertThat(parsed).isEqualTo(sealed);
        assertThat(Envelope.open(kek, parsed, "task:1")).isEqualTo(SECRET);
    }

    @Test
    void emptyPlaintextRoundTrips() throws Exception {
        VaultCiphertext sealed = Envelope.seal(kek, "ops", 1, "task:1", new byte[0]);
        assertThat(Envelope.open(kek, VaultCiphertext.parse(sealed.format()), "task:1")).isEmpty();
    }

    @Test
    void freshDataKeyEveryTime() throws Exception {
        VaultCiphertext first = Envelope.seal(kek, "ops", 1, "task:1", SECRET);
        VaultCiphertext second = Envelope.seal(kek, "ops", 1, "task:1", SECRET);
        assertThat(first.format()).isNotEqualTo(second.format());
        assertThat(first.wrappedKey()).isNotEqualTo(second.wrappedKey());
        assertThat(first.data()).isNotEqualTo(second.data());
    }

    @Test
    void boundToContextAndTeam() throws Exception {
        VaultCiphertext sealed = Envelope.seal(kek, "ops", 1, "task:1", SECRET);
        assertNotAuthentic(() -> Envelope.open(kek, sealed, "task:2"));
        VaultCiphertext relabelled = new VaultCiphertext("dev", 1, sealed.wrappedKey(), sealed.data());
        assertNotAuthentic(() -> Envelope.open(kek, relabelled, "task:1"));
        Aead otherKek = KeyEncryptionKeys.generate(root, "ops", 2).aead();
        assertNotAuthentic(() -> Envelope.open(otherKek, sealed, "task:1"));
    }

    @Test
    void everyFlippedByteIsDetected() throws Exception {
        VaultCiphertext sealed = Envelope.seal(kek, "ops", 1, "task:1", SECRET);
        for (int i = 0; i < sealed.wrappedKey().length; i++) {
            byte[] wrapped = sealed.wrappedKey().clone();
            wrapped[i] ^= 0x01;
            VaultCiphertext tampered = new VaultCiphertext("ops", 1, wrapped, sealed.data());
            assertNotAuthentic(() -> Envelope.open(kek, VaultCiphertext.parse(tampered.format()), "task:1"));
        }
        for (int i = 0; i < sealed.data().length; i++) {
            byte[] data = sealed.data().clone();
            data[i] ^= (byte) 0x80;
            VaultCiphertext tampered = new VaultCiphertext("ops", 1, sealed.wrappedKey(), data);
            assertNotAuthentic(() -> Envelope.open(kek, VaultCiphertext.parse(tampered.format()), "task:1"));
        }
    }

    @Test
    void swappedDataKeysAreDetected() throws Exception {
        VaultCiphertext a = Envelope.seal(kek, "ops", 1, "task:1", SECRET);
        VaultCiphertext b = Envelope.seal(kek, "ops", 1, "task:1", SECRET);
        assertNotAuthentic(() -> Envelope.open(kek, new VaultCiphertext("ops", 1, a.wrappedKey(), b.data()), "task:1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "hello", "vault:v2:ops:1:AAAA.AAAA", "vault:v1:ops:1", "vault:v1:ops:1:AAAA",
            "vault:v1:ops:1:AAAA.", "vault:v1:ops:1:.AAAA", "vault:v1:ops:1:AA.AA.AA", "vault:v1:o|ps:1:AAAA.AAAA",
            "vault:v1::1:AAAA.AAAA", "vault:v1:ops:0:AAAA.AAAA", "vault:v1:ops:-1:AAAA.AAAA", "vault:v1:ops:01:AAAA.AAAA",
            "vault:v1:ops:x:AAAA.AAAA", "vault:v1:ops:9999999999:AAAA.AAAA", "vault:v1:ops:1:AA+A.AAAA",
            "vault:v1:ops:1:AAAA.AA==", "vault:v1:ops:1:AAB.AAAA", "vault:v1:ops:1:A.AAAA",
            "vault:v1:ops:1:2:AAAA.AAAA"})
    void malformed(String text) {
        assertThatThrownBy(() -> VaultCiphertext.parse(text))
                .isInstanceOfSatisfying(DecryptFailure.class, f -> {
                    assertThat(f.reason()).isEqualTo(DecryptFailure.Reason.MALFORMED);
                    assertThat(f.getMessage()).startsWith("malformed ciphertext: ");
                });
    }

    @Test
    void teamKeysAreBoundToTeamAndVersion() throws Exception {
        KeyEncryptionKeys.Sealed sealed = KeyEncryptionKeys.generate(root, "ops", 3);
        Aead reopened = KeyEncryptionKeys.open(root, "ops", 3, sealed.encryptedKeyset());
        byte[] wrapped = sealed.aead().encrypt(SECRET, new byte[0]);
        assertThat(reopened.decrypt(wrapped, new byte[0])).isEqualTo(SECRET);
        assertThatThrownBy(() -> KeyEncryptionKeys.open(root, "dev", 3, sealed.encryptedKeyset()))
                .isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> KeyEncryptionKeys.open(root, "ops", 4, sealed.encryptedKeyset()))
                .isInstanceOf(GeneralSecurityException.class);
        Aead otherRoot = TinkJsonProtoKeysetFormat.parseKeyset(RootKeys.newKeysetJson(), InsecureSecretKeyAccess.get())
                .getPrimitive(ConfigurationV0.get(), Aead.class);
        assertThatThrownBy(() -> KeyEncryptionKeys.open(otherRoot, "ops", 3, sealed.encryptedKeyset()))
                .isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void storedTeamKeyHoldsNoPlainKeyMaterial() throws Exception {
        KeyEncryptionKeys.Sealed sealed = KeyEncryptionKeys.generate(root, "ops", 1);
        // An encrypted keyset: Tink's EncryptedKeyset proto, whose only key bytes are AES-GCM output.
        assertThatThrownBy(() -> com.google.crypto.tink.TinkProtoKeysetFormat.parseKeyset(
                sealed.encryptedKeyset(), InsecureSecretKeyAccess.get())).isInstanceOf(GeneralSecurityException.class);
    }

    private static void assertNotAuthentic(ThrowingOpen open) {
        assertThatThrownBy(open::run).isInstanceOfSatisfying(DecryptFailure.class, f -> {
            assertThat(f.reason()).isEqualTo(DecryptFailure.Reason.NOT_AUTHENTIC);
            assertThat(f.getMessage()).isEqualTo(DecryptFailure.NOT_AUTHENTIC_DETAIL);
        });
    }

    @FunctionalInterface
    private interface ThrowingOpen {
        Object run() throws Exception;
    }
}
