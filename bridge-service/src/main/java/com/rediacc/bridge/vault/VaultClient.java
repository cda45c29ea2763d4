package com.rediacc.bridge.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rediacc.contract.vault.CiphertextRequest;
import com.rediacc.contract.vault.VaultApi;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** {@link VaultDecryptor} over HTTP, through vault-service. */
public class VaultClient implements VaultDecryptor {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final String token;
    private final ObjectMapper json;

    public VaultClient(URI vaultUrl, String token, ObjectMapper json) {
        this.base = URI.create(vaultUrl.toString().replaceAll("/+$", ""));
        this.token = token;
        this.json = json;
    }

    @Override
    public byte[] decrypt(String team, String context, String ciphertext) throws VaultFailure {
        String path = VaultApi.BASE.replace("{team}", URLEncoder.encode(team, StandardCharsets.UTF_8)) + VaultApi.DECRYPT;
        HttpResponse<byte[]> response;
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(TIMEOUT)
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(new CiphertextRequest(context, ciphertext))))
                    .build();
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new VaultFailure("vault-service unreachable at " + base + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VaultFailure("interrupted while decrypting", true);
        }
        if (response.statusCode() >= 500) {
            throw new VaultFailure("vault-service unavailable (" + response.statusCode() + "): " + detail(response.body()),
                    true);
        }
        if (response.statusCode() != 200) {
            throw new VaultFailure("vault-service refused to decrypt (" + response.statusCode() + "): " + detail(response.body()));
        }
        try {
            JsonNode body = json.readTree(response.body());
            return Base64.getDecoder().decode(body.path("plaintext").asText());
        } catch (IOException | IllegalArgumentException e) {
            throw new VaultFailure("unreadable answer from vault-service");
        } finally {
            java.util.Arrays.fill(response.body(), (byte) 0);
        }
    }

    private String detail(byte[] problem) {
        try {
            return json.readTree(problem).path("detail").asText("no detail");
        } catch (IOException e) {
            return "no detail";
        }
    }
}
