package com.rediacc.vault.transit;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.rediacc.vault.VaultTestSupport.KEYS;
import static com.rediacc.vault.VaultTestSupport.b64;
import static com.rediacc.vault.VaultTestSupport.bridge;
import static com.rediacc.vault.VaultTestSupport.decrypt;
import static com.rediacc.vault.VaultTestSupport.encrypt;
import static com.rediacc.vault.VaultTestSupport.queue;
import static com.rediacc.vault.VaultTestSupport.team;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A marker plaintext goes through every operation and every error path, then is searched for in
 * every table of the vault database (rows as text, bytea as hex), in the service log (everything
 * at DEBUG, target/quarkus.log) and in the error responses. Found nowhere.
 */
@QuarkusTest
class NoPlaintextLeakTest {
    private static final Path LOG = Path.of("target/quarkus.log");

    @Inject
    AgroalDataSource db;

    @Test
    void markerIsNowhere() throws Exception {
        String marker = "PLAINTEXT-MARKER-" + UUID.randomUUID();
        String plaintext = "{\"privateKey\":\"" + marker + "\"}";
        String team = team();
        List<String> responses = new ArrayList<>();

        String ciphertext = encrypt(team, "task:leak", plaintext);
        assertThat(decrypt(team, "task:leak", ciphertext)).isEqualTo(plaintext);
        queue().post(KEYS + team + "/rotate").then().statusCode(200);
        String rewrapped = queue().body(Map.of("context", "task:leak", "ciphertext", ciphertext))
                .post(KEYS + team + "/rewrap").then().statusCode(200).extract().asString();
        assertThat(rewrapped).doesNotContain(marker, b64(plaintext));
        String newCiphertext = io.restassured.path.json.JsonPath.from(rewrapped).getString("ciphertext");
        assertThat(decrypt(team, "task:leak", newCiphertext)).isEqualTo(plaintext);

        // Error paths that carry the plaintext (or its base64) in the request.
        responses.add(bridge().body(Map.of("context", "task:other", "ciphertext", ciphertext))
                .post(KEYS + team + "/decrypt").then().statusCode(400).extract().asString());
        responses.add(queue().body(Map.of("context", "task:leak", "plaintext", marker + "!"))
                .post(KEYS + team + "/encrypt").then().statusCode(400).extract().asString());
        responses.add(queue().body("{\"context\": \"task:leak\", \"plaintext\": " + marker + "}")
                .post(KEYS + team + "/encrypt").then().statusCode(400).extract().asString());
        responses.add(queue().body("{\"context\": \"task:leak\", \"plaintext\": \"" + b64(plaintext) + "\", \"x\": [}")
                .post(KEYS + team + "/encrypt").then().statusCode(400).extract().asString());
        responses.add(queue().body("{\"context\": \"task:leak\", \"plaintext\": {\"v\": \"" + marker + "\"}}")
                .post(KEYS + team + "/encrypt").then().statusCode(400).extract().asString());
        responses.add(bridge().body(Map.of("context", "task:leak", "ciphertext", marker))
                .post(KEYS + team + "/decrypt").then().statusCode(400).extract().asString());
        responses.add(queue().body(Map.of("context", "task:leak", "ciphertext", ciphertext))
                .post(KEYS + team + "/decrypt").then().statusCode(403).extract().asString());

        for (String response : responses) {
            assertThat(response).doesNotContain(marker, b64(plaintext));
        }
        String database = dumpDatabase();
        assertThat(database).contains(team); // the dump really covers this test's rows
        assertThat(database).doesNotContain(marker, b64(plaintext), hex(marker), hex(plaintext));

        String log = Files.readString(LOG, StandardCharsets.UTF_8);
        assertThat(log).contains("DEBUG"); // the log really is at DEBUG
        assertThat(log).contains(team);    // and covers this test (rotation is logged)
        assertThat(log).doesNotContain(marker, b64(plaintext), hex(marker));
    }

    /** Every row of every table in the vault's schema, as text (bytea columns appear as hex). */
    private String dumpDatabase() throws SQLException {
        StringBuilder dump = new StringBuilder();
        try (Connection connection = db.getConnection(); Statement statement = connection.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery("""
                    SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables
                    WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')""")) {
                while (rows.next()) {
                    tables.add(rows.getString(1));
                }
            }
            assertThat(tables).contains("public.vault_teams", "public.vault_key_versions", "public.vault_audit");
            for (String table : tables) {
                try (ResultSet rows = statement.executeQuery("SELECT t::text FROM " + table + " t")) {
                    while (rows.next()) {
                        dump.append(table).append(' ').append(rows.getString(1)).append('\n');
                    }
                }
            }
        }
        return dump.toString();
    }

    private static String hex(String text) {
        return HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
    }
}
