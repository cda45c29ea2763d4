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

    /** Registers a fresh machine and returns its name. */
    public static String registerMachine(int maxConcurrency) {
        String name = "m-" + UUID.randomUUID().toString().substring(0, 8);
        admin().body(Map.of("name", name, "team", "ops", "host", "127.0.0.1", "port", 22, "user", "root",
                        "hostKey", hostKey(), "credential", "key-" + name, "maxConcurrency", maxConcurrency))
                .post("/api/v1/machines").then().statusCode(201);
        return name;
    }

    public static String createTask(String machine, String command, int priority) {
        return admin().body(Map.of("machine", machine, "command", command, "priority", priority))
                .post("/api/v1/tasks").then().statusCode(201).extract().path("taskId");
    }
}
