package com.rediacc.vault.transit;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;
import java.util.Map;

import static com.rediacc.vault.VaultTestSupport.KEYS;
import static com.rediacc.vault.VaultTestSupport.b64;
import static com.rediacc.vault.VaultTestSupport.bridge;
import static com.rediacc.vault.VaultTestSupport.decrypt;
import static com.rediacc.vault.VaultTestSupport.encrypt;
import static com.rediacc.vault.VaultTestSupport.queue;
import static com.rediacc.vault.VaultTestSupport.team;
import static com.rediacc.vault.VaultTestSupport.unb64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

/** The transit API against the real service and PostgreSQL. */
@QuarkusTest
class TransitApiTest {
    private static final String NOT_AUTHENTIC =
            "the ciphertext does not decrypt in this context: tampered, or bound to another team or task";

    @Test
    void roundTrip() {
        String team = team();
        queue().body(Map.of("context", "task:1", "plaintext", b64("{\"password\":\"hunter2\"}")))
                .post(KEYS + team + "/encrypt")
                .then().statusCode(200)
                .body("keyVersion", equalTo(1))
                .body("ciphertext", startsWith("vault:v1:" + team + ":1:"))
                .body("ciphertext", not(containsString("hunter2")));
        String ciphertext = encrypt(team, "task:1", "{\"password\":\"hunter2\"}");
        assertThat(decrypt(team, "task:1", ciphertext)).isEqualTo("{\"password\":\"hunter2\"}");
    }

    @Test
    void binaryAndEmptyPlaintexts() {
        String team = team();
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        String plaintext = Base64.getEncoder().encodeToString(binary);
        String ciphertext = queue().body(Map.of("context", "c", "plaintext", plaintext)).post(KEYS + team + "/encrypt")
                .then().statusCode(200).extract().path("ciphertext");
        bridge().body(Map.of("context", "c", "ciphertext", ciphertext)).post(KEYS + team + "/decrypt")
                .then().statusCode(200).body("plaintext", equalTo(plaintext));
        assertThat(decrypt(team, "c", encrypt(team, "c", ""))).isEmpty();
    }

    @Test
    void samePlaintextTwiceGivesDifferentCiphertexts() {
        String team = team();
        String first = encrypt(team, "task:1", "same");
        String second = encrypt(team, "task:1", "same");
        assertThat(first).isNotEqualTo(second);
        String[] a = first.substring(first.lastIndexOf(':') + 1).split("\\.");
        String[] b = second.substring(second.lastIndexOf(':') + 1).split("\\.");
        assertThat(a[0]).isNotEqualTo(b[0]);
        assertThat(a[1]).isNotEqualTo(b[1]);
        assertThat(decrypt(team, "task:1", first)).isEqualTo(decrypt(team, "task:1", second)).isEqualTo("same");
    }

    @Test
    void movedToAnotherContextDoesNotDecrypt() {
        String team = team();
        String ciphertext = encrypt(team, "task:1", "secret");
        decryptFails(team, "task:2", ciphertext, "urn:rediacc:vault:does-not-decrypt", NOT_AUTHENTIC);
    }

    @Test
    void movedToAnotherTeamDoesNotDecrypt() {
        String ops = team();
        String dev = team();
        encrypt(dev, "task:1", "dev has a key too");
        String ciphertext = encrypt(ops, "task:1", "secret");
        // Sent to the other team's path as it is: its header names ops.
        decryptFails(dev, "task:1", ciphertext, "urn:rediacc:vault:wrong-team",
                "the ciphertext belongs to team " + ops + ", not to team " + dev);
        // Relabelled to the other team: the other team's key does not open it.
        String relabelled = ciphertext.replace("vault:v1:" + ops + ":", "vault:v1:" + dev + ":");
        decryptFails(dev, "task:1", relabelled, "urn:rediacc:vault:does-not-decrypt", NOT_AUTHENTIC);
    }

    @Test
    void tamperedPartsDoNotDecrypt() {
        String team = team();
        String ciphertext = encrypt(team, "task:1", "secret");
        decryptFails(team, "task:1", flip(ciphertext, 0, 10), "urn:rediacc:vault:does-not-decrypt", NOT_AUTHENTIC);
        decryptFails(team, "task:1", flip(ciphertext, 0, -1), "urn:rediacc:vault:does-not-decrypt", NOT_AUTHENTIC);
        decryptFails(team, "task:1", flip(ciphertext, 1, 0), "urn:rediacc:vault:does-not-decrypt", NOT_AUTHENTIC);
        decryptFails(team, "task:1", flip(ciphertext, 1, -1), "urn:rediacc:vault:does-not-decrypt", NOT_AUTHENTIC);
        // One byte shorter: still well-formed, no longer authentic.
        int colon = ciphertext.lastIndexOf(':');
        String[] parts = ciphertext.substring(colon + 1).split("\\.");
        byte[] data = Base64.getUrlDecoder().decode(parts[1]);
        String truncated = ciphertext.substring(0, colon + 1) + parts[0] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(data, data.length - 1));
        decryptFails(team, "task:1", truncated, "urn:rediacc:vault:does-not-decrypt", NOT_AUTHENTIC);
    }

    @Test
    void malformedCiphertexts() {
        String team = team();
        encrypt(team, "c", "x");
        for (String bad : List.of("not a ciphertext", "vault:v1:" + team + ":1:AAAA", "vault:v2:" + team + ":1:AAAA.AAAA",
                "vault:v1:" + team + ":one:AAAA.AAAA", "vault:v1:" + team + ":1:AA$A.AAAA")) {
            bridge().body(Map.of("context", "c", "ciphertext", bad)).post(KEYS + team + "/decrypt")
                    .then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("type", equalTo("urn:rediacc:vault:malformed-ciphertext"))
                    .body("detail", startsWith("malformed ciphertext: "));
        }
        bridge().body(Map.of("context", "c")).post(KEYS + team + "/decrypt")
                .then().statusCode(400).body("errors.field", contains("ciphertext"));
        bridge().body(Map.of("context", "", "ciphertext", "x")).post(KEYS + team + "/decrypt")
                .then().statusCode(400).body("errors.field", contains("context"));
    }

    @Test
    void unknownKeyVersion() {
        String team = team();
        String ciphertext = encrypt(team, "task:1", "secret");
        String v7 = ciphertext.replace("vault:v1:" + team + ":1:", "vault:v1:" + team + ":7:");
        decryptFails(team, "task:1", v7, "urn:rediacc:vault:unknown-key-version",
                "key version 7 of team " + team + " does not exist");
        String neverUsed = team();
        decryptFails(neverUsed, "task:1", ciphertext.replace("vault:v1:" + team + ":", "vault:v1:" + neverUsed + ":"),
                "urn:rediacc:vault:unknown-key-version", "key version 1 of team " + neverUsed + " does not exist");
    }

    @Test
    void rotateRewrapAndOldVersionsStillDecrypt() {
        String team = team();
        String old = encrypt(team, "secret:ops/db/1", "v1 secret");
        queue().post(KEYS + team + "/rotate").then().statusCode(200)
                .body("team", equalTo(team))
                .body("latestVersion", equalTo(2))
                .body("versions.version", contains(1, 2));

        // Old ciphertexts still decrypt, and say which version they are under.
        assertThat(old).startsWith("vault:v1:" + team + ":1:");
        assertThat(decrypt(team, "secret:ops/db/1", old)).isEqualTo("v1 secret");
        // New encrypts use the new version.
        queue().body(Map.of("context", "c", "plaintext", b64("new"))).post(KEYS + team + "/encrypt")
                .then().statusCode(200).body("keyVersion", equalTo(2))
                .body("ciphertext", startsWith("vault:v1:" + team + ":2:"));

        // Rewrap moves the old ciphertext to the newest version without showing the plaintext.
        ValidatableResponse rewrapped = queue().body(Map.of("context", "secret:ops/db/1", "ciphertext", old))
                .post(KEYS + team + "/rewrap").then().statusCode(200)
                .body("keyVersion", equalTo(2))
                .body("ciphertext", startsWith("vault:v1:" + team + ":2:"))
                .body("$", not(org.hamcrest.Matchers.hasKey("plaintext")));
        String moved = rewrapped.extract().path("ciphertext");
        assertThat(decrypt(team, "secret:ops/db/1", moved)).isEqualTo("v1 secret");

        // A third version; rewrap of a v2 ciphertext goes to v3; rewrap keeps the context binding.
        queue().post(KEYS + team + "/rotate").then().statusCode(200).body("latestVersion", equalTo(3));
        String third = queue().body(Map.of("context", "secret:ops/db/1", "ciphertext", moved))
                .post(KEYS + team + "/rewrap").then().statusCode(200).body("keyVersion", equalTo(3))
                .extract().path("ciphertext");
        decryptFails(team, "secret:ops/db/2", third, "urn:rediacc:vault:does-not-decrypt", NOT_AUTHENTIC);
        assertThat(decrypt(team, "secret:ops/db/1", third)).isEqualTo("v1 secret");
        // Rewrap refuses what decrypt refuses.
        queue().body(Map.of("context", "secret:ops/db/2", "ciphertext", old)).post(KEYS + team + "/rewrap")
                .then().statusCode(400).body("detail", equalTo(NOT_AUTHENTIC));
    }

    @Test
    void rotateOfATeamWithoutKeyCreatesVersionOne() {
        String team = team();
        queue().post(KEYS + team + "/rotate").then().statusCode(200).body("latestVersion", equalTo(1));
        queue().body(Map.of("context", "c", "plaintext", b64("x"))).post(KEYS + team + "/encrypt")
                .then().statusCode(200).body("keyVersion", equalTo(1));
    }

    @Test
    void keyInfoShowsVersionsAndNoMaterial() {
        String team = team();
        queue().get(KEYS + team).then().statusCode(404).contentType("application/problem+json")
                .body("detail", equalTo("team " + team + " has no key yet: it is created by the team's first encrypt"));
        encrypt(team, "c", "x");
        queue().post(KEYS + team + "/rotate").then().statusCode(200);
        String body = queue().get(KEYS + team).then().statusCode(200)
                .body("team", equalTo(team))
                .body("latestVersion", equalTo(2))
                .body("versions", hasSize(2))
                .body("versions[0].version", equalTo(1))
                .body("versions[0].createdAt", notNullValue())
                .body("versions[1].version", equalTo(2))
                .extract().asString();
        // Exactly these fields: nothing that could be key material.
        assertThat(body).doesNotContain("key\"", "keyset", "material", "value");
        assertThat(queue().get(KEYS + team).then().extract().<Map<String, Object>>path("$").keySet())
                .containsExactlyInAnyOrder("team", "latestVersion", "versions");
        assertThat(queue().get(KEYS + team).then().extract().<Map<String, Object>>path("versions[0]").keySet())
                .containsExactlyInAnyOrder("version", "createdAt");
    }

    @Test
    void onlyBridgesDecryptAndOnlyTheQueueDoesTheRest() {
        String team = team();
        String ciphertext = encrypt(team, "c", "secret");
        Map<String, String> body = Map.of("context", "c", "ciphertext", ciphertext);

        queue().body(body).post(KEYS + team + "/decrypt").then().statusCode(403)
                .contentType("application/problem+json")
                .body("detail", equalTo("the queue-service identity may not decrypt: only bridges decrypt"))
                .body("$", not(org.hamcrest.Matchers.hasKey("plaintext")));
        RestAssured.given().contentType(ContentType.JSON).body(body).post(KEYS + team + "/decrypt")
                .then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"));
        RestAssured.given().header("Authorization", "Bearer wrong").contentType(ContentType.JSON).body(body)
                .post(KEYS + team + "/decrypt").then().statusCode(401).body("detail", equalTo("invalid token"));

        bridge().body(Map.of("context", "c", "plaintext", b64("x"))).post(KEYS + team + "/encrypt")
                .then().statusCode(403).body("detail", equalTo("the bridge identity may not encrypt: that is queue-service's"));
        bridge().body(body).post(KEYS + team + "/rewrap").then().statusCode(403);
        bridge().post(KEYS + team + "/rotate").then().statusCode(403);
        bridge().get(KEYS + team).then().statusCode(403);
        bridge().get("/api/v1/vault/audit").then().statusCode(403);
        bridge().body(Map.of("context", "c")).post(KEYS + team + "/datakey/plaintext").then().statusCode(403);
        RestAssured.given().get(KEYS + team).then().statusCode(401);
        RestAssured.given().get("/api/v1/vault/audit").then().statusCode(401);

        // Health stays open.
        RestAssured.given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void invalidRequests() {
        String team = team();
        queue().body(Map.of("context", "c", "plaintext", "not base64!")).post(KEYS + team + "/encrypt")
                .then().statusCode(400).body("errors.field", contains("plaintext"))
                .body("detail", equalTo("plaintext: is not valid base64"));
        queue().body(Map.of("plaintext", b64("x"))).post(KEYS + team + "/encrypt")
                .then().statusCode(400).body("errors.field", contains("context"));
        queue().body(Map.of("context", "line\nbreak", "plaintext", b64("x"))).post(KEYS + team + "/encrypt")
                .then().statusCode(400).body("errors.field", contains("context"));
        queue().body(Map.of("context", "c", "plaintext", b64("x"))).post(KEYS + "bad:team/encrypt")
                .then().statusCode(400).body("errors.field", contains("team"));
        queue().body(Map.of("context", "c", "plaintext", b64("x"), "priorty", 1)).post(KEYS + team + "/encrypt")
                .then().statusCode(400).body("detail", equalTo("unknown field 'priorty'"));
        queue().body("{\"context\": \"c\", \"plaintext\": ").post(KEYS + team + "/encrypt")
                .then().statusCode(400).contentType("application/problem+json")
                .body("title", equalTo("Malformed JSON"));
        queue().body(Map.of("context", "c", "plaintext", "A".repeat(2 * 1024 * 1024))).post(KEYS + team + "/encrypt")
                .then().statusCode(413);
        queue().body(Map.of("context", "c", "plaintext", Base64.getEncoder().encodeToString(new byte[1024 * 1024 + 1])))
                .post(KEYS + team + "/encrypt").then().statusCode(400)
                .body("detail", equalTo("plaintext: is larger than 1048576 bytes"));
    }

    @Test
    void datakey() {
        String team = team();
        Map<String, Object> key = queue().body(Map.of("context", "backup:1")).post(KEYS + team + "/datakey/plaintext")
                .then().statusCode(200).body("keyVersion", equalTo(1)).extract().path("$");
        byte[] raw = Base64.getDecoder().decode((String) key.get("plaintext"));
        assertThat(raw).hasSize(32);
        String unwrapped = bridge().body(Map.of("context", "backup:1", "ciphertext", key.get("ciphertext")))
                .post(KEYS + team + "/decrypt").then().statusCode(200).extract().path("plaintext");
        assertThat(Base64.getDecoder().decode(unwrapped)).isEqualTo(raw);
        queue().body(Map.of("context", "backup:2")).post(KEYS + team + "/datakey/wrapped")
                .then().statusCode(200).body("ciphertext", startsWith("vault:v1:" + team + ":1:"))
                .body("$", not(org.hamcrest.Matchers.hasKey("plaintext")));
        queue().body(Map.of("context", "x")).post(KEYS + team + "/datakey/other").then().statusCode(404);
    }

    @Test
    void auditQuery() {
        String team = team();
        String ciphertext = encrypt(team, "task:9", "x");
        decrypt(team, "task:9", ciphertext);
        queue().body(Map.of("context", "task:9", "ciphertext", ciphertext)).post(KEYS + team + "/decrypt")
                .then().statusCode(403);
        queue().get("/api/v1/vault/audit?team=" + team).then().statusCode(200)
                .body("items.action", contains("CREATE_KEY", "DECRYPT", "DECRYPT"))
                .body("items.result", contains("OK", "OK", "DENIED"))
                .body("items[1].caller", equalTo("bridge"))
                .body("items[1].keyVersion", equalTo(1))
                .body("items[1].context", equalTo("task:9"))
                .body("items[2].caller", equalTo("queue-service"))
                .body("nextCursor", equalTo(null));
        String cursor = queue().get("/api/v1/vault/audit?team=" + team + "&limit=2").then().statusCode(200)
                .body("items", hasSize(2)).extract().path("nextCursor");
        queue().get("/api/v1/vault/audit?team=" + team + "&limit=2&cursor=" + cursor).then().statusCode(200)
                .body("items.result", contains("DENIED"));
        queue().get("/api/v1/vault/audit?team=" + team + "&since=2999-01-01T00:00:00Z").then().statusCode(200)
                .body("items", hasSize(0));
        queue().get("/api/v1/vault/audit?since=yesterday").then().statusCode(400);
        queue().get("/api/v1/vault/audit?limit=0").then().statusCode(400);
        queue().get("/api/v1/vault/audit?limit=5").then().statusCode(200).body("items.team", hasItem(notNullValue()));
    }

    private static void decryptFails(String team, String context, String ciphertext, String type, String detail) {
        bridge().body(Map.of("context", context, "ciphertext", ciphertext)).post(KEYS + team + "/decrypt")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo(type))
                .body("status", equalTo(400))
                .body("detail", equalTo(detail))
                .body("$", not(org.hamcrest.Matchers.hasKey("plaintext")));
    }

    /** Flips one bit of byte {@code index} (negative: from the end) of part 0 (wrapped key) or 1 (data). */
    static String flip(String ciphertext, int part, int index) {
        int colon = ciphertext.lastIndexOf(':');
        String[] parts = ciphertext.substring(colon + 1).split("\\.");
        byte[] bytes = Base64.getUrlDecoder().decode(parts[part]);
        int at = index < 0 ? bytes.length + index : index;
        bytes[at] ^= 0x01;
        parts[part] = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return ciphertext.substring(0, colon + 1) + parts[0] + "." + parts[1];
    }
}
