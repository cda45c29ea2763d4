package com.rediacc.bridge.credentials;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyFileCredentialStoreTest {
    @TempDir
    Path dir;

    @Test
    void refusesNamesThatEscapeTheDirectory() {
        KeyFileCredentialStore store = new KeyFileCredentialStore(dir);
        assertThatThrownBy(() -> store.keyPair("../etc/shadow")).hasMessageContaining("not valid");
        assertThatThrownBy(() -> store.keyPair((String) null)).hasMessageContaining("not valid");
    }

    @Test
    void saysWhichCredentialIsMissingOrUnreadable() throws Exception {
        KeyFileCredentialStore store = new KeyFileCredentialStore(dir);
        assertThatThrownBy(() -> store.keyPair("absent")).hasMessageContaining("'absent' not found");
        Files.writeString(dir.resolve("junk"), "-----BEGIN OPENSSH PRIVATE KEY-----\nnot a key\n-----END OPENSSH PRIVATE KEY-----\n");
        assertThatThrownBy(() -> store.keyPair("junk")).hasMessageContaining("'junk'");
    }
}
