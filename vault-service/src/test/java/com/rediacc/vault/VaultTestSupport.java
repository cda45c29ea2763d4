package com.rediacc.vault;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

/** Shared helpers of the vault-service tests (tokens come from the %test profile). */
public final class VaultTestSupport {
    public static final String QUEUE_TOKEN = "test-queue-token";
    public static final String BRIDGE_TOKEN = "test-bridge-token";
    public static final String KEYS = "/api/v1/vault/keys/";

    private VaultTestSupport() {
    }

    public static RequestSpecification queue() {
        return RestAssured.given().header("Authorization", "Bearer " + QUEUE_TOKEN).contentType(ContentType.JSON);
    }

    public static RequestSpecification bridge() {
        return RestAssured.given().header("Authorization", "Bearer " + BRIDGE_TOKEN).contentType(ContentType.JSON);
    }

    /** A team no other test uses, so audit rows and key versions can be counted. */
    public static String team() {
        return "t-" + UUID.randomUUID().toString().substring(0, 12);
    }

    public static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    public static String unb64(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    /** Encrypts as the queue-service; returns the ciphertext. */
    public static String encrypt(String team, String context, String plaintext) {
        return queue().body(Map.of("context", context, "plaintext", b64(plaintext)))
                .post(KEYS + team + "/encrypt").then().statusCode(200).extract().path("ciphertext");
    }

    /** Decrypts as a bridge; returns the plaintext. */
    public static String decrypt(String team, String context, String ciphertext) {
        return unb64(bridge().body(Map.of("context", context, "ciphertext", ciphertext))
                .post(KEYS + team + "/decrypt").then().statusCode(200).extract().path("plaintext"));
    }
}
