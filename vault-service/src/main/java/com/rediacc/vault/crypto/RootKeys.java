package com.rediacc.vault.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.ConfigurationV0;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.PredefinedAeadParameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Loads the root key: a Tink AES256-GCM keyset in JSON from {@value #PROPERTY} (env {@value #ENV}),
 * in production a mounted Kubernetes Secret. Generates one only when {@value #GENERATE_PROPERTY}
 * is true and the file does not exist (dev stack and tests). Every way of failing says which
 * setting to fix; none quotes the file's content.
 */
public final class RootKeys {
    public static final String PROPERTY = "rediacc.vault.root-key-file";
    public static final String ENV = "REDIACC_VAULT_ROOT_KEY_FILE";
    public static final String GENERATE_PROPERTY = "rediacc.vault.generate-root-key";
    public static final String GENERATE_ENV = "REDIACC_VAULT_GENERATE_ROOT_KEY";
    private static final String WHERE = PROPERTY + ", env " + ENV;
    private static final byte[] PROBE_AD = "rediacc-vault:v1|root-key-probe".getBytes(StandardCharsets.UTF_8);

    static {
        TinkSetup.ensure();
    }

    private RootKeys() {
    }

    /** A usable root key, the file it came from, and whether it was generated just now. */
    public record Loaded(Aead aead, Path file, boolean generated) {
    }

    public static Loaded load(Optional<String> configured, boolean generate) {
        String setting = configured.map(String::trim).filter(s -> !s.isEmpty()).orElseThrow(() -> new RootKeyException(
                "vault-service has no root key: set " + PROPERTY + " (env " + ENV + ") to the path of a Tink"
                        + " AES256-GCM keyset in JSON (in production a mounted Kubernetes Secret). For a dev stack or tests only, also set "
                        + GENERATE_PROPERTY + "=true (env " + GENERATE_ENV + ") to generate one at that path."));
        Path file = Path.of(setting).toAbsolutePath();
        boolean generated = false;
        if (!Files.exists(file)) {
            if (!generate) {
                throw new RootKeyException("vault-service has no root key: " + file + " (" + WHERE + ") does not exist."
                        + " Mount the root key there, or point " + PROPERTY + " at it; "
                        + GENERATE_PROPERTY + "=true generates one, for a dev stack or tests only.");
            }
            generated = generate(file);
        }
        return new Loaded(read(file), file, generated);
    }

    /** A new root keyset in Tink's JSON format (what an operator stores in the Secret). */
    public static String newKeysetJson() {
        try {
            return TinkJsonProtoKeysetFormat.serializeKeyset(
                    KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM), InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an AES256-GCM keyset", e);
        }
    }

    private static Aead read(Path file) {
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new RootKeyException("vault-service cannot read its root key " + file + " (" + WHERE + "): "
                    + e.getClass().getSimpleName() + ". Check that the file is readable by the service's user.");
        }
        KeysetHandle keyset;
        try {
            keyset = TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException | RuntimeException e) {
            // The parser's message may quote the file; it holds key material.
            throw new RootKeyException("the root key " + file + " (" + WHERE + ") is not a Tink keyset in JSON format."
                    + " Generate one with Tinkey (create-keyset --key-template AES256_GCM --out-format json).");
        }
        if (!(keyset.getPrimary().getKey() instanceof AesGcmKey primary) || primary.getParameters().getKeySizeBytes() != 32) {
            throw new RootKeyException("the root key " + file + " (" + WHERE + ") must be an AES256-GCM keyset; its"
                    + " primary key is " + keyset.getPrimary().getKey().getParameters());
        }
        try {
            Aead aead = keyset.getPrimitive(ConfigurationV0.get(), Aead.class);
            byte[] probe = aead.encrypt(new byte[16], PROBE_AD);
            if (!Arrays.equals(aead.decrypt(probe, PROBE_AD), new byte[16])) {
                throw new GeneralSecurityException("probe mismatch");
            }
            return aead;
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new RootKeyException("the root key " + file + " (" + WHERE + ") cannot be used as an AEAD: "
                    + e.getClass().getSimpleName());
        }
    }

    /** Writes a new keyset with mode 0600 (no window in which it is readable by others). */
    private static boolean generate(Path file) {
        String json = newKeysetJson();
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(tmp);
            }
            Files.writeString(tmp, json, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file);
            } catch (FileAlreadyExistsException raced) {
                // Another instance generated it first: use theirs, or the two would not agree.
                Files.deleteIfExists(tmp);
                return false;
            }
            return true;
        } catch (IOException e) {
            throw new RootKeyException("vault-service cannot generate its root key at " + file + " (" + WHERE + "): "
                    + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
