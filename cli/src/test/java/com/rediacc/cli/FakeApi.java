package com.rediacc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the queue-service on a loopback port: answers "METHOD /path" (path under /api/v1,
 * with its query) with the JSON it was given, 404 otherwise, and keeps every request it got.
 */
final class FakeApi implements AutoCloseable {
    record Request(String method, String path, JsonNode body) {
    }

    private record Answer(int status, String json, String retryAfter) {
        Answer(int status, String json) {
            this(status, json, null);
        }
    }

    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    /** Answers given one per request, in order, before {@link #answers} (the last one stays). */
    private final Map<String, Deque<Answer>> sequences = new ConcurrentHashMap<>();
    private final HttpServer server;

    FakeApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1", exchange -> {
            String path = exchange.getRequestURI().getRawPath().substring("/api/v1".length())
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            byte[] sent = exchange.getRequestBody().readAllBytes();
            requests.add(new Request(exchange.getRequestMethod(), path, sent.length == 0 ? null : ApiClient.JSON.readTree(sent)));
            String key = exchange.getRequestMethod() + " " + path;
            Deque<Answer> sequence = sequences.get(key);
            Answer next = sequence == null ? null : sequence.size() > 1 ? sequence.pollFirst() : sequence.peekFirst();
            Answer answer = next != null ? next : answers.getOrDefault(key,
                    new Answer(404, "{\"title\":\"Not Found\",\"status\":404,\"detail\":\"no fake answer for " + path + "\"}"));
            byte[] body = answer.json().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", answer.status() >= 400 ? "application/problem+json" : "application/json");
            if (answer.retryAfter() != null) {
                exchange.getResponseHeaders().add("Retry-After", answer.retryAfter());
            }
            exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
    }

    FakeApi answer(String methodAndPath, int status, String json) {
        answers.put(methodAndPath, new Answer(status, json));
        return this;
    }

    /** Answers {@code methodAndPath} with each of {@code jsons} in turn (200), the last one from then on. */
    FakeApi answers(String methodAndPath, String... jsons) {
        Deque<Answer> sequence = new ArrayDeque<>();
        for (String json : jsons) {
            sequence.add(new Answer(200, json));
        }
        sequences.put(methodAndPath, sequence);
        return this;
    }

    /**
     * Answers {@code methodAndPath} {@code times} times 503 with {@code Retry-After: retryAfter} and
     * {@code detail}, then as {@link #answer} was told.
     */
    FakeApi unavailable(String methodAndPath, int times, String retryAfter, String detail) {
        Deque<Answer> sequence = new ArrayDeque<>();
        for (int i = 0; i < times; i++) {
            sequence.add(new Answer(503, "{\"type\":\"urn:rediacc:unavailable:PostgreSQL\",\"title\":\"Service unavailable\","
                    + "\"status\":503,\"detail\":\"" + detail + "\"}", retryAfter));
        }
        Answer then = answers.get(methodAndPath);
        sequence.add(then != null ? then : sequence.getLast());
        sequences.put(methodAndPath, sequence);
        return this;
    }

    /** The requests sent with {@code method} and {@code path}. */
    List<Request> all(String method, String path) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).toList();
    }

    /** The one request sent with {@code method}; fails when there was none or more than one. */
    Request only(String method) {
        List<Request> matching = requests.stream().filter(r -> r.method().equals(method)).toList();
        if (matching.size() != 1) {
            throw new AssertionError("expected one " + method + " request, got " + requests);
        }
        return matching.getFirst();
    }

    /** The CLI run against this server (table output, not a terminal). */
    CliRun run(Path config, String... args) {
        return run(config, false, args);
    }

    /** As {@link #run(Path, String...)}, on a terminal when {@code tty} (without colours: NO_COLOR). */
    CliRun run(Path config, boolean tty, String... args) {
        return CliRun.run(Map.of("REDIACC_URL", "http://127.0.0.1:" + server.getAddress().getPort(), "REDIACC_TOKEN", "t",
                "NO_COLOR", "1"), config, tty, args);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
