package com.rediacc.vault.audit;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.rediacc.vault.VaultTestSupport.KEYS;
import static com.rediacc.vault.VaultTestSupport.b64;
import static com.rediacc.vault.VaultTestSupport.bridge;
import static com.rediacc.vault.VaultTestSupport.decrypt;
import static com.rediacc.vault.VaultTestSupport.encrypt;
import static com.rediacc.vault.VaultTestSupport.queue;
import static com.rediacc.vault.VaultTestSupport.team;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every decrypt, rotate and rewrap leaves exactly one audit row, whatever its outcome. */
@QuarkusTest
class AuditTrailTest {
    @Inject
    AgroalDataSource db;

    @Test
    void oneRowPerCall() throws SQLException {
        String team = team();
        String ciphertext = encrypt(team, "task:1", "secret");
        assertThat(rows(team)).containsExactly("CREATE_KEY OK v1 - - -");

        decrypt(team, "task:1", ciphertext);
        assertThat(rows(team)).hasSize(2).last().isEqualTo("DECRYPT OK v1 - task:1 -");

        bridge().body(Map.of("context", "task:2", "ciphertext", ciphertext)).post(KEYS + team + "/decrypt")
                .then().statusCode(400);
        assertThat(rows(team)).hasSize(3).last().isEqualTo("DECRYPT FAILED v1 - task:2 the ciphertext does not"
                + " decrypt in this context: tampered, or bound to another team or task");

        bridge().body(Map.of("context", "task:1", "ciphertext", "garbage")).post(KEYS + team + "/decrypt")
                .then().statusCode(400);
        assertThat(rows(team)).hasSize(4).last().asString().startsWith("DECRYPT FAILED - - task:1 malformed ciphertext");

        bridge().body(Map.of("context", "task:1", "ciphertext", ciphertext.replace(":1:", ":5:")))
                .post(KEYS + team + "/decrypt").then().statusCode(400);
        assertThat(rows(team)).hasSize(5).last()
                .isEqualTo("DECRYPT FAILED v5 - task:1 key version 5 of team " + team + " does not exist");

        queue().body(Map.of("context", "task:1", "ciphertext", ciphertext)).post(KEYS + team + "/decrypt")
                .then().statusCode(403);
        assertThat(rows(team)).hasSize(6).last().isEqualTo(
                "DECRYPT DENIED - - task:1 the queue-service identity may not decrypt: only bridges decrypt");

        bridge().body(Map.of("context", "task:1")).post(KEYS + team + "/decrypt").then().statusCode(400);
        assertThat(rows(team)).hasSize(7).last().asString().startsWith("DECRYPT FAILED - - task:1 ciphertext: is required");

        queue().post(KEYS + team + "/rotate").then().statusCode(200);
        assertThat(rows(team)).hasSize(8).last().isEqualTo("ROTATE OK v2 - - -");

        bridge().post(KEYS + team + "/rotate").then().statusCode(403);
        assertThat(rows(team)).hasSize(9).last().asString().startsWith("ROTATE DENIED - - - the bridge identity");

        queue().body(Map.of("context", "task:1", "ciphertext", ciphertext)).post(KEYS + team + "/rewrap")
                .then().statusCode(200);
        assertThat(rows(team)).hasSize(10).last().isEqualTo("REWRAP OK v1 v2 task:1 -");

        queue().body(Map.of("context", "task:3", "ciphertext", ciphertext)).post(KEYS + team + "/rewrap")
                .then().statusCode(400);
        assertThat(rows(team)).hasSize(11).last().asString().startsWith("REWRAP FAILED v1 - task:3 the ciphertext does not");

        bridge().body(Map.of("context", "task:1", "ciphertext", ciphertext)).post(KEYS + team + "/rewrap")
                .then().statusCode(403);
        assertThat(rows(team)).hasSize(12).last().asString().startsWith("REWRAP DENIED");

        // Encrypt and key info are not audited (encrypt's only side effect, key creation, is).
        queue().body(Map.of("context", "c", "plaintext", b64("x"))).post(KEYS + team + "/encrypt").then().statusCode(200);
        queue().get(KEYS + team).then().statusCode(200);
        assertThat(rows(team)).hasSize(12);

        // Callers of every row.
        assertThat(column(team, "caller")).containsExactly("queue-service", "bridge", "bridge", "bridge", "bridge",
                "queue-service", "bridge", "queue-service", "bridge", "queue-service", "queue-service", "bridge");
    }

    @Test
    void rowsCannotBeChangedOrRemoved() throws SQLException {
        String team = team();
        encrypt(team, "c", "x");
        try (Connection connection = db.getConnection(); Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.executeUpdate("UPDATE vault_audit SET result = 'OK' WHERE team = '" + team + "'"))
                    .hasMessageContaining("append-only");
            assertThatThrownBy(() -> statement.executeUpdate("DELETE FROM vault_audit WHERE team = '" + team + "'"))
                    .hasMessageContaining("append-only");
        }
    }

    private List<String> rows(String team) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = db.getConnection();
             PreparedStatement select = connection.prepareStatement("""
                     SELECT action, result, key_version, new_key_version, context, error
                     FROM vault_audit WHERE team = ? ORDER BY id""")) {
            select.setString(1, team);
            try (ResultSet r = select.executeQuery()) {
                while (r.next()) {
                    rows.add(r.getString(1) + " " + r.getString(2) + " " + version(r.getObject(3)) + " "
                            + version(r.getObject(4)) + " " + dash(r.getString(5)) + " " + dash(r.getString(6)));
                }
            }
        }
        return rows;
    }

    private List<String> column(String team, String column) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection connection = db.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT " + column + " FROM vault_audit WHERE team = ? ORDER BY id")) {
            select.setString(1, team);
            try (ResultSet r = select.executeQuery()) {
                while (r.next()) {
                    values.add(r.getString(1));
                }
            }
        }
        return values;
    }

    private static String version(Object value) {
        return value == null ? "-" : "v" + value;
    }

    private static String dash(String value) {
        return value == null ? "-" : value;
    }
}
