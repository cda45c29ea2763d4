package com.rediacc.queue.vault;

import com.rediacc.queue.TestSupport;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static com.rediacc.queue.TestSupport.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * vault-service hung: its port accepts connections (the kernel's backlog) and never answers. The call
 * is answered at its deadline (2 s here), naming vault-service, not PostgreSQL.
 */
@QuarkusTest
@TestProfile(VaultHangsTest.SilentVault.class)
class VaultHangsTest {
    /** Accepts into its backlog, never reads nor answers; open for the whole test JVM. */
    static final ServerSocket SILENT;

    static {
        try {
            SILENT = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static class SilentVault implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("rediacc.vault.queue-token", "test-vault-queue-token",
                    "quarkus.rest-client.vault.url", "http://127.0.0.1:" + SILENT.getLocalPort(),
                    "rediacc.database.call-deadline", "2s");
        }
    }

    @Test
    void aCallWaitingOnAHungVaultIsAnswered503NamingItAtItsDeadline() {
        String team = TestSupport.ensureTeam("hungvault-" + UUID.randomUUID().toString().substring(0, 6));
        long start = System.nanoTime();

        admin().body(Map.of("value", Map.of("privateKey", "not stored"))).put("/api/v1/teams/" + team + "/vault/key")
                .then().statusCode(503)
                .header("Retry-After", "5")
                .body("type", equalTo("urn:rediacc:unavailable:vault-service"))
                .body("detail", equalTo("vault-service is unavailable: no answer within 2000 ms"));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(2))
                .isLessThan(Duration.ofSeconds(10));
    }
}
