package com.rediacc.bridge.credentials;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rediacc.bridge.vault.VaultDecryptor;
import com.rediacc.contract.bridge.MachineConnection;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.Iterator;

/**
 * The machine's credential from the team vault: the claim carries the newest version's ciphertext,
 * vault-service decrypts it for this bridge, and the private key is parsed in memory. The entry is
 * a JSON document {@code {"privateKey": "-----BEGIN OPENSSH PRIVATE KEY-----..."}}. Each task
 * decrypts afresh, so a new version of the entry is used by the next task.
 */
public final class VaultCredentialStore implements CredentialStore {
    private final VaultDecryptor vault;
    private final ObjectMapper json;

    public VaultCredentialStore(VaultDecryptor vault, ObjectMapper json) {
        this.vault = vault;
        this.json = json;
    }

    @Override
    public KeyPair keyPair(String team, MachineConnection machine) throws CredentialException {
        if (machine.credentialCiphertext() == null) {
            throw new CredentialException("credential '" + machine.credential() + "' not found in the vault of team '"
                    + team + "'; store it with PUT /api/v1/teams/" + team + "/vault/" + machine.credential(), null);
        }
        byte[] document = null;
        byte[] pem = null;
        try {
            document = vault.decrypt(team, machine.credentialContext(), machine.credentialCiphertext());
            JsonNode entry = json.readTree(document);
            String privateKey = entry.path("privateKey").asText(null);
            if (privateKey == null) {
                throw new CredentialException("credential '" + machine.credential() + "' has no \"privateKey\" field", null);
            }
            pem = privateKey.getBytes(StandardCharsets.UTF_8);
            Iterable<KeyPair> keys = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(machine.credential()),
                    new ByteArrayInputStream(pem), FilePasswordProvider.EMPTY);
            Iterator<KeyPair> it = keys == null ? null : keys.iterator();
            if (it == null || !it.hasNext()) {
                throw new CredentialException("credential '" + machine.credential() + "' holds no private key", null);
            }
            return it.next();
        } catch (VaultDecryptor.VaultFailure e) {
            throw new CredentialException("vault: credential '" + machine.credential() + "': " + e.getMessage(), null,
                    e.unavailable());
        } catch (CredentialException e) {
            throw e;
        } catch (Exception e) {
            throw new CredentialException("credential '" + machine.credential()
                    + "' cannot be read as an OpenSSH private key: " + e.getClass().getSimpleName(), null);
        } finally {
            wipe(document);
            wipe(pem);
        }
    }

    private static void wipe(byte[] bytes) {
        if (bytes != null) {
            Arrays.fill(bytes, (byte) 0);
        }
    }
}
