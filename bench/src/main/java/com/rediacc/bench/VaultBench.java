package com.rediacc.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Encrypt+decrypt round trips per second of a 1 KiB vaultData through vault-service (encrypt with
 * the queue identity, decrypt with the bridge identity, as the real path does), against Tink in
 * process on the same machine: a plain AEAD round trip, and the same envelope vault-service builds
 * (fresh data key, wrapped by a key-encryption key).
 *
 * <p>Usage: VaultBench VAULT_URL QUEUE_TOKEN BRIDGE_TOKEN THREADS SECONDS OUT_JSON
 */
public final class VaultBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAYLOAD_BYTES = 1024;

    public static void main(String[] args) throws Exception {
        String vault = args[0];
        String queueToken = args[1];
        String bridgeToken = args[2];
        int threads = Integer.parseInt(args[3]);
        int seconds = Integer.parseInt(args[4]);
        Path out = Path.of(args[5]);
        AeadConfig.register();

        byte[] payload = payload();
        String team = "bench-" + System.currentTimeMillis();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        // warm-up: creates the team key and warms both JVMs
        measure(threads, 3, () -> serviceRoundTrip(http, vault, team, queueToken, bridgeToken, payload));
        double service = measure(threads, seconds, () -> serviceRoundTrip(http, vault, team, queueToken, bridgeToken, payload));

        Aead aead = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)
                .getPrimitive(RegistryConfiguration.get(), Aead.class);
        measure(threads, 2, () -> plainRoundTrip(aead, payload));
        double plain = measure(threads, seconds, () -> plainRoundTrip(aead, payload));
        measure(threads, 2, () -> envelopeRoundTrip(aead, payload));
        double envelope = measure(threads, seconds, () -> envelopeRoundTrip(aead, payload));

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("payloadBytes", PAYLOAD_BYTES);
        result.put("threads", threads);
        result.put("seconds", seconds);
        result.put("serviceRoundTripsPerSecond", round(service));
        result.put("inProcessAeadRoundTripsPerSecond", round(plain));
        result.put("inProcessEnvelopeRoundTripsPerSecond", round(envelope));
        result.put("serviceVsInProcessAead", round(service / plain));
        result.put("serviceVsInProcessEnvelope", round(service / envelope));
        Files.writeString(out, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        System.out.printf("%-52s %12s%n", "vault round trip, 1 KiB (encrypt + decrypt)", "per second");
        System.out.printf("%-52s %12.0f%n", "through vault-service (HTTP, " + threads + " threads)", service);
        System.out.printf("%-52s %12.0f%n", "Tink AEAD in process", plain);
        System.out.printf("%-52s %12.0f%n", "Tink envelope in process (fresh data key, wrapped)", envelope);
        System.out.printf("%-52s %12.4f%n", "service / in-process AEAD", service / plain);
        System.out.printf("%-52s %12.4f%n", "service / in-process envelope", service / envelope);
    }

    private static byte[] payload() {
        byte[] random = new byte[PAYLOAD_BYTES * 3 / 4 - 20];
        new SecureRandom().nextBytes(random);
        String json = "{\"secret\":\"" + Base64.getEncoder().encodeToString(random) + "\"}";
        return Arrays.copyOf(json.getBytes(StandardCharsets.UTF_8), PAYLOAD_BYTES);
    }

    private static void serviceRoundTrip(HttpClient http, String vault, String team, String queueToken,
                                         String bridgeToken, byte[] payload) throws Exception {
        String context = "task:" + UUID.randomUUID();
        JsonNode encrypted = post(http, vault + "/api/v1/vault/keys/" + team + "/encrypt", queueToken,
                Map.of("context", context, "plaintext", Base64.getEncoder().encodeToString(payload)));
        JsonNode decrypted = post(http, vault + "/api/v1/vault/keys/" + team + "/decrypt", bridgeToken,
                Map.of("context", context, "ciphertext", encrypted.path("ciphertext").asText()));
        if (!Arrays.equals(Base64.getDecoder().decode(decrypted.path("plaintext").asText()), payload)) {
            throw new IllegalStateException("round trip changed the plaintext");
        }
    }

    private static JsonNode post(HttpClient http, String url, String token, Object body) throws Exception {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + response.statusCode());
        }
        return JSON.readTree(response.body());
    }

    private static void plainRoundTrip(Aead aead, byte[] payload) throws Exception {
        byte[] ad = "rediacc-vault:v1|team=bench|context=task:x".getBytes(StandardCharsets.UTF_8);
        if (!Arrays.equals(aead.decrypt(aead.encrypt(payload, ad), ad), payload)) {
            throw new IllegalStateException("round trip changed the plaintext");
        }
    }

    private static void envelopeRoundTrip(Aead kek, byte[] payload) throws Exception {
        byte[] ad = "rediacc-vault:v1|team=bench|context=task:x".getBytes(StandardCharsets.UTF_8);
        KeysetHandle dek = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
        byte[] wrapped = TinkProtoKeysetFormat.serializeEncryptedKeyset(dek, kek, ad);
        byte[] data = dek.getPrimitive(RegistryConfiguration.get(), Aead.class).encrypt(payload, ad);
        Aead opened = TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, kek, ad)
                .getPrimitive(RegistryConfiguration.get(), Aead.class);
        if (!Arrays.equals(opened.decrypt(data, ad), payload)) {
            throw new IllegalStateException("round trip changed the plaintext");
        }
    }

    private interface Op {
        void run() throws Exception;
    }

    /** Round trips per second over {@code seconds}, {@code threads} at once. */
    private static double measure(int threads, int seconds, Op op) throws InterruptedException {
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        Thread[] workers = new Thread[threads];
        long start = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            workers[i] = Thread.ofPlatform().start(() -> {
                while (System.nanoTime() < end) {
                    try {
                        op.run();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    done.incrementAndGet();
                }
            });
        }
        for (Thread worker : workers) {
            worker.join();
        }
        return done.get() / ((System.nanoTime() - start) / 1e9);
    }

    private static double round(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }
}
