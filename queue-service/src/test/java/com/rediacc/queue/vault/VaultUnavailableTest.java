package com.rediacc.queue.vault;

import com.rediacc.queue.TestSupport;
import com.rediacc.testsupport.Ports;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.UUID;

import static com.rediacc.queue.TestSupport.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/** vault-service unreachable (nothing listens where it should): 503 naming it, with Retry-After, and nothing stored. */
@QuarkusTest
@TestProfile(VaultUnavailableTest.NoVault.class)
class VaultUnavailableTest {
    public static class NoVault implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                return Map.of("rediacc.vault.queue-token", "test-vault-queue-token",
                        "quarkus.rest-client.vault.url", "http://127.0.0.1:" + Ports.free());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Inject
    Pool pool;

    @Test
    void aSecretPutWhileVaultServiceIsDownIs503AndStoresNothing() {
        String team = TestSupport.ensureTeam("novault-" + UUID.randomUUID().toString().substring(0, 6));

        admin().body(Map.of("value", Map.of("privateKey", "not stored"))).put("/api/v1/teams/" + team + "/vault/key")
                .then().statusCode(503)
                .contentType("application/problem+json")
                .header("Retry-After", "5")
                .body("type", equalTo("urn:rediacc:unavailable:vault-service"))
                .body("detail", startsWith("vault-service is unavailable: could not encrypt"));

        long stored = pool.preparedQuery("SELECT count(*) FROM team_secrets WHERE team = $1").execute(Tuple.of(team))
                .await().indefinitely().iterator().next().getLong(0);
        assertThat(stored).isZero();
    }
}
