package com.rediacc.queue;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

/** Shared helpers of the queue-service tests (tokens come from the %test profile). */
public final class TestSupport {
    public static final String ADMIN_TOKEN = "test-admin-token";
    public static final String BRIDGE_TOKEN = "test-bridge-token";

    private TestSupport() {
    }

    public static RequestSpecification admin() {
        return RestAssured.given().header("Authorization", "Bearer " + ADMIN_TOKEN).contentType(ContentType.JSON);
    }

    public static RequestSpecification bridge() {
        return RestAssured.given().header("Authorization", "Bearer " + BRIDGE_TOKEN)
                .header("X-Rediacc-Bridge", "test-bridge").contentType(ContentType.JSON);
    }

    /** A syntactically valid OpenSSH ed25519 public key line with random key bytes. */
    public static String hostKey() {
        ByteArrayOutputStream blob = new ByteArrayOutputStream();
        byte[] type = "ssh-ed25519".getBytes(StandardCharsets.US_ASCII);
        blob.writeBytes(ByteBuffer.allocate(4).putInt(type.length).array());
        blob.writeBytes(type);
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        blob.writeBytes(ByteBuffer.allocate(4).putInt(key.length).array());
        blob.writeBytes(key);
        return "ssh-ed25519 " + Base64.getEncoder().encodeToString(blob.toByteArray()) + " test";
    }

    public static RequestSpecification as(String token) {
        return RestAssured.given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON);
    }

    /** Creates the team unless it exists. */
    public static String ensureTeam(String team) {
        int status = admin().body(Map.of("name", team)).post("/api/v1/teams").statusCode();
        if (status != 201 && status != 409) {
            throw new AssertionError("POST /teams " + team + " answered " + status);
        }
        return team;
    }

    /** A new user with the given role in the team (created if need be); returns the user's token. */
    public static String userWithRole(String team, String role) {
        ensureTeam(team);
        String name = "u-" + UUID.randomUUID().toString().substring(0, 8);
        String token = admin().body(Map.of("name", name)).post("/api/v1/users")
                .then().statusCode(201).extract().path("token");
        admin().body(Map.of("user", name, "role", role)).post("/api/v1/teams/" + team + "/members")
                .then().statusCode(201);
        return token;
    }

    /** Registers a fresh machine in team "ops" and returns its name. */
    public static String registerMachine(int maxConcurrency) {
        return registerMachine("ops", maxConcurrency);
    }

    public static String registerMachine(String team, int maxConcurrency) {
        return registerMachine(team, maxConcurrency, java.util.List.of());
    }

    public static String registerMachine(String team, int maxConcurrency, java.util.List<String> tags) {
        ensureTeam(team);
        String name = "m-" + UUID.randomUUID().toString().substring(0, 8);
        admin().body(Map.of("name", name, "team", team, "host", "127.0.0.1", "port", 22, "user", "root",
                        "hostKey", hostKey(), "credential", "key-" + name, "maxConcurrency", maxConcurrency, "tags", tags))
                .post("/api/v1/machines").then().statusCode(201);
        return name;
    }

    public static String createTask(String machine, String command, int priority) {
        return admin().body(Map.of("machine", machine, "command", command, "priority", priority))
                .post("/api/v1/tasks").then().statusCode(201).extract().path("taskId");
    }
}
