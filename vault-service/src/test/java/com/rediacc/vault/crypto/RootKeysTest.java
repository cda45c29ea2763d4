package com.rediacc.vault.crypto;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.mac.MacConfig;
import com.google.crypto.tink.mac.PredefinedMacParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The startup check: without a usable root key the service does not start, and says what to set. */
class RootKeysTest {
    @TempDir
    Path dir;

    @Test
    void refusesWithoutConfiguredFile() {
        for (Optional<String> setting : List.<Optional<String>>of(Optional.empty(), Optional.of(" "))) {
            assertThatThrownBy(() -> RootKeys.load(setting, false))
                    .isInstanceOf(RootKeyException.class)
                    .hasMessageContaining("rediacc.vault.root-key-file")
                    .hasMessageContaining("REDIACC_VAULT_ROOT_KEY_FILE")
                    .hasMessageContaining("rediacc.vault.generate-root-key");
        }
    }

    @Test
    void refusesMissingFileUnlessGenerating() {
        Path file = dir.resolve("root.json");
        assertThatThrownBy(() -> RootKeys.load(Optional.of(file.toString()), false))
                .isInstanceOf(RootKeyException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("does not exist")
                .hasMessageContaining("REDIACC_VAULT_ROOT_KEY_FILE");
        assertThat(file).doesNotExist();
    }

    @Test
    void generatesOwnerOnlyFileOnceAndReadsItBack() throws Exception {
        Path file = dir.resolve("sub/root.json");
        RootKeys.Loaded first = RootKeys.load(Optional.of(file.toString()), true);
        assertThat(first.generated()).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        String content = Files.readString(file);
        RootKeys.Loaded second = RootKeys.load(Optional.of(file.toString()), true);
        assertThat(second.generated()).isFalse();
        assertThat(Files.readString(file)).isEqualTo(content);
        byte[] ad = "ad".getBytes(StandardCharsets.UTF_8);
        assertThat(second.aead().decrypt(first.aead().encrypt(new byte[]{1, 2, 3}, ad), ad)).containsExactly(1, 2, 3);
        try (var files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void refusesGarbageWithoutQuotingIt() throws Exception {
        Path file = dir.resolve("root.json");
        Files.writeString(file, "{\"primaryKeyId\": \"s3cr3t-looking-content\"");
        assertThatThrownBy(() -> RootKeys.load(Optional.of(file.toString()), true))
                .isInstanceOf(RootKeyException.class)
                .hasMessageContaining("is not a Tink keyset in JSON")
                .hasMessageContaining("rediacc.vault.root-key-file")
                .hasMessageNotContaining("s3cr3t");
    }

    @Test
    void refusesOtherKeyTypes() throws Exception {
        MacConfig.register();
        for (var parameters : new com.google.crypto.tink.Parameters[]{
                PredefinedMacParameters.HMAC_SHA256_256BITTAG, PredefinedAeadParameters.AES128_GCM,
                PredefinedAeadParameters.CHACHA20_POLY1305}) {
            Path file = dir.resolve("root.json");
            Files.writeString(file, TinkJsonProtoKeysetFormat.serializeKeyset(
                    KeysetHandle.generateNew(parameters), InsecureSecretKeyAccess.get()));
            assertThatThrownBy(() -> RootKeys.load(Optional.of(file.toString()), false))
                    .isInstanceOf(RootKeyException.class)
                    .hasMessageContaining("must be an AES256-GCM keyset");
        }
    }

    @Test
    void acceptsAnOperatorMadeKeyset() throws Exception {
        Path file = dir.resolve("root.json");
        Files.writeString(file, RootKeys.newKeysetJson());
        RootKeys.Loaded loaded = RootKeys.load(Optional.of(file.toString()), false);
        assertThat(loaded.generated()).isFalse();
        assertThat(loaded.file()).isEqualTo(file.toAbsolutePath());
    }
}
